import type { Locale } from '../../i18n/locales';
import { de } from './de';
import { en, type Catalog } from './en';
import { es } from './es';
import { fr } from './fr';
import { ja } from './ja';
import { ptBR } from './pt-BR';

export type { Catalog, MessageKey } from './en';

/** The email catalogs, one per language (ICU MessageFormat). */
export const CATALOGS: Record<Locale, Catalog> = { en, de, fr, es, 'pt-BR': ptBR, ja };
