import { useEffect, useState } from 'preact/hooks';
import { DEFAULT_LOCALE, LOCALES, canonicalLocale, directionOf, negotiate, parseUiLocales, type Locale } from '../../../shared/i18n/locales';
import { translate } from '../words';
import { CONSOLE_CATALOGS, ENDONYMS, type ConsoleKey } from './catalogs';

export { CONSOLE_CATALOGS, ENDONYMS, LOCALES, type Locale };
export type { ConsoleKey };

const STORED = 'gatehouse.locale';

/**
 * Before sign-in: `?lang=` (an emailed link) or `?ui_locales=` (an app's sign-in request), the
 * language last picked on this browser, the browser's languages, English. Signed in, the
 * user's own locale wins (useUserLocale).
 */
function initialLocale(): Locale {
  const query = new URLSearchParams(location.search);
  const asked = negotiate([query.get('lang') ?? '', ...parseUiLocales(query.get('ui_locales'))].filter(Boolean));
  if (asked) return asked;
  const stored = canonicalLocale(safeStorage()?.getItem(STORED) ?? '');
  const chosen = stored ?? negotiate(navigator.languages ?? [navigator.language]);
  fellBack = !chosen;
  return chosen ?? DEFAULT_LOCALE;
}

/** Nothing asked for a language (no link, app, earlier pick or browser language we have): English by default only. */
let fellBack = false;

function safeStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

let current: Locale = initialLocale();
const listeners = new Set<(locale: Locale) => void>();

function apply(locale: Locale) {
  document.documentElement.lang = locale;
  document.documentElement.dir = directionOf(locale);
}
apply(current);

export const currentLocale = () => current;

/** Switches the console's language; `remember`: also for this browser's next visits. */
export function setLocale(locale: Locale, remember = true) {
  fellBack = false;
  if (remember) safeStorage()?.setItem(STORED, locale);
  if (locale === current) return;
  current = locale;
  apply(locale);
  for (const listener of listeners) listener(locale);
}

export { translate };

export type T = (key: ConsoleKey, args?: Record<string, unknown>) => string;

/** The translator of the current language; the component renders again when it changes. */
export function useT(): { t: T; locale: Locale } {
  const [locale, setState] = useState(current);
  useEffect(() => {
    listeners.add(setState);
    setState(current);
    return () => void listeners.delete(setState);
  }, []);
  return { t: (key, args) => translate(locale, key, args), locale };
}

/** Signed in, the user's chosen locale is the console's language (none chosen: as before sign-in). */
export function useUserLocale(locale: string | null | undefined) {
  useEffect(() => {
    const chosen = canonicalLocale(locale ?? '');
    // An explicit ?lang= (an emailed link) still wins on the page it opens.
    if (chosen && !new URLSearchParams(location.search).has('lang')) setLocale(chosen, false);
  }, [locale]);
}

/** The language switcher: picks the console's language, and saves it as the user's when signed in. */
export function LanguageSwitcher(props: { onPick?: (locale: Locale) => void }) {
  const { t, locale } = useT();
  return (
    <label class="language">
      <select
        aria-label={t('language.label')}
        value={locale}
        onChange={(event) => {
          const picked = canonicalLocale((event.target as HTMLSelectElement).value);
          if (!picked) return;
          setLocale(picked);
          props.onPick?.(picked);
        }}
      >
        {LOCALES.map((tag) => (
          <option key={tag} value={tag} lang={tag}>
            {ENDONYMS[tag]}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * Before sign-in, an organization's default language comes after everything the person or
 * their browser asked for (PRODUCT.md "Which language"): it applies only where the console
 * would otherwise fall back to English.
 */
export function adoptOrganizationDefault(locale: string | null | undefined) {
  const found = canonicalLocale(locale ?? '');
  if (found && fellBack) setLocale(found, false);
}
