import { CONSOLE_CATALOGS, type ConsoleKey } from '../../console/src/i18n/catalogs';
import type { Locale } from '../../shared/i18n/locales';

/**
 * The English words of the console catalog that a page in `locale` must not show: the static
 * fragments of every English message (between its ICU arguments) whose translation differs,
 * found as whole words (`Logo` inside `Logotipo` is Spanish). Answers `key: fragment` lines.
 */
export function englishLeftOver(text: string, locale: Locale): string[] {
  const english = CONSOLE_CATALOGS.en;
  const found: string[] = [];
  const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const key of Object.keys(english) as ConsoleKey[]) {
    if (CONSOLE_CATALOGS[locale][key] === english[key]) continue;
    const message = english[key];
    // Select and plural messages: their branches' words, not the ICU syntax around them.
    const branches = /^\{\w+, (?:select|plural),/.test(message) ? [...message.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]!) : [message];
    for (const branch of branches) {
      const fragments = branch
        .split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/)
        .map((part) => part.trim())
        .filter((part) => part.length >= 6 || (part.length >= 4 && !branch.includes('{')));
      for (const fragment of fragments) if (new RegExp(`(?<!\\p{L})${escape(fragment)}(?!\\p{L})`, 'u').test(text)) found.push(`${key}: ${fragment}`);
    }
  }
  return found;
}
