/**
 * The languages Gatehouse speaks, and how a request's wishes map onto them. No dependencies and
 * no Node API: the console imports this file too, so both sides negotiate the same way.
 */
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

const byLowerCase = new Map<string, Locale>(LOCALES.map((locale) => [locale.toLowerCase(), locale]));

/** A tag given on purpose (a body or path field): one of ours in any letter case, else undefined. */
export const canonicalLocale = (value: string): Locale | undefined => byLowerCase.get(value.toLowerCase());

/**
 * The language a tag we do not have falls back to: a region we lack → its language
 * (`de-AT` → `de`); every Portuguese → `pt-BR`, the one Portuguese we have.
 */
function nearest(tag: string): Locale | undefined {
  const lower = tag.trim().toLowerCase();
  if (!/^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(lower)) return undefined;
  const exact = byLowerCase.get(lower);
  if (exact) return exact;
  const language = lower.split('-')[0]!;
  if (language === 'pt') return 'pt-BR';
  return byLowerCase.get(language);
}

/** The first of the requested tags (in order of preference) that we can serve; `*` and unknown tags are skipped. */
export function negotiate(requested: readonly string[]): Locale | undefined {
  for (const tag of requested) {
    const found = nearest(tag);
    if (found) return found;
  }
  return undefined;
}

/** OpenID Connect `ui_locales`: space-separated, in order of preference. */
export const parseUiLocales = (value: string | undefined | null): string[] => (value ?? '').split(' ').filter(Boolean).slice(0, 20);

/** `Accept-Language` tags by descending `q` (ties keep header order); `q=0` means "not this one". */
export function parseAcceptLanguage(header: string | undefined | null): string[] {
  if (!header) return [];
  return header
    .slice(0, 1024)
    .split(',')
    .slice(0, 30)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** Right-to-left scripts: none of the six today, but layouts take `dir` from here so adding Arabic or Hebrew is a catalog. */
const RTL = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'yi', 'dv', 'ckb']);
export const directionOf = (locale: string): 'ltr' | 'rtl' => (RTL.has(locale.split('-')[0]!.toLowerCase()) ? 'rtl' : 'ltr');
