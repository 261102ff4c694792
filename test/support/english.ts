import { CONSOLE_CATALOGS, type ConsoleKey } from '../../console/src/i18n/catalogs';
import type { Locale } from '../../shared/i18n/locales';

const ownWords = (locale: Locale) => new Set(Object.values(CONSOLE_CATALOGS[locale]).map((message) => message.trim()));
const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The English words of the console catalog that a page in `locale` must not show (where the
 * translation differs): each message's static fragments between ICU arguments, as whole words.
 */
export function englishLeftOver(text: string, locale: Locale): string[] {
  const english = CONSOLE_CATALOGS.en;
  const found: string[] = [];
  for (const key of Object.keys(english) as ConsoleKey[]) {
    if (CONSOLE_CATALOGS[locale][key] === english[key]) continue;
    const fragments = english[key]
      .split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/)
      .map((part) => part.trim())
      .filter((part) => part.length >= 6 || (part.length >= 4 && !english[key].includes('{')));
    for (const fragment of fragments) {
      // A word the language itself uses for something else (German says "Login" too) is not left-over English.
      if (ownWords(locale).has(fragment)) continue;
      if (new RegExp(`(?<!\\p{L})${escape(fragment)}(?!\\p{L})`, 'u').test(text)) found.push(`${key}: ${fragment}`);
    }
  }
  return found;
}

/**
 * English that is not in the catalog at all (a sentence still written in code): words that
 * English sentences cannot do without and that none of de, fr, es, pt-BR or ja uses as a word.
 * The caller first removes the page's data (names, permission descriptions from the deployment).
 */
const ENGLISH_ONLY = ['the', 'your', 'you', 'and', 'with', 'this', 'of', 'not', 'is', 'are', 'has', 'have', 'been', 'to', 'for', 'yet', 'only', 'from', 'when', 'will'];
export function englishWords(text: string): string[] {
  const pattern = new RegExp(`(?<!\\p{L})(${ENGLISH_ONLY.join('|')})(?!\\p{L})`, 'giu');
  return [...text.matchAll(pattern)].map((match) => {
    const at = match.index ?? 0;
    return text.slice(Math.max(0, at - 30), at + 30).replace(/\s+/g, ' ');
  });
}
