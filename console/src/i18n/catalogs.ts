import type { Locale } from '../../../shared/i18n/locales';
import { de } from './de';
import { en, type ConsoleCatalog } from './en';
import { es } from './es';
import { fr } from './fr';
import { ja } from './ja';
import { ptBR } from './pt-BR';

export type { ConsoleCatalog, ConsoleKey } from './en';

/** The console's words, one ICU MessageFormat catalog per language (STYLE.md 16). No DOM here: tests import it. */
export const CONSOLE_CATALOGS: Record<Locale, ConsoleCatalog> = { en, de, fr, es, 'pt-BR': ptBR, ja };

/** Each language named in itself, as language pickers do: these are not translated on purpose. */
export const ENDONYMS: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', 'pt-BR': 'Português (Brasil)', ja: '日本語' };
