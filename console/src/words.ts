import { IntlMessageFormat } from 'intl-messageformat';
import { DEFAULT_LOCALE, canonicalLocale, type Locale } from '../../shared/i18n/locales';
import { CONSOLE_CATALOGS, type ConsoleKey } from './i18n/catalogs';

/**
 * Words for code that is not a component (problem sentences, dates): the console's language is
 * the one i18n/index.tsx wrote on <html lang>. Reading it from there keeps this module free of
 * the browser-only start-up, so unit tests in Node import it (and get English).
 */
export const activeLocale = (): Locale =>
  (typeof document === 'undefined' ? undefined : canonicalLocale(document.documentElement.lang)) ?? DEFAULT_LOCALE;

const formatters = new Map<string, IntlMessageFormat>();

/** A catalog message in a language, its formatter compiled once (i18n/index.tsx's `t` uses it too). */
export function translate(locale: Locale, key: ConsoleKey, args?: Record<string, unknown>): string {
  const id = `${locale}\u0000${key}`;
  let formatter = formatters.get(id);
  if (!formatter) {
    formatter = new IntlMessageFormat(CONSOLE_CATALOGS[locale][key], locale, undefined, { ignoreTag: true });
    formatters.set(id, formatter);
  }
  return String(formatter.format(args as never));
}

export const say = (key: ConsoleKey, args?: Record<string, unknown>, locale: Locale = activeLocale()): string => translate(locale, key, args);

/** A moment as the console's language writes it, in the browser's time zone. */
export const formatDate = (iso: string | null | undefined, locale: Locale = activeLocale()) =>
  iso ? new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
