import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { adoptOrganizationDefault, useT } from './i18n';
import { Page } from './ui';
import './signin-brand.css';

/**
 * The organization's brand on the pages before sign-in (PRODUCT.md "Branding and languages"):
 * its display name, logo, colour and support link, read from the public branding route
 * (api/branding.md) once the page knows the organization's slug (`?org=`, the login form,
 * an app's sign-in request, an emailed link). That route shows nothing secret and answers an
 * unknown slug like an organization without branding, so asking for one leaks nothing.
 */
export interface PublicBranding {
  displayName: string | null;
  primaryColor: string | null;
  logoUrl: string | null;
  supportUrl: string | null;
  defaultLocale: string;
}

const SLUG = /^[a-z0-9-]{3,40}$/;
const COLOR = /^#[0-9a-f]{6}$/i;

/** One request per slug and page load; the route itself is cacheable for a minute. */
const loaded = new Map<string, Promise<PublicBranding | undefined>>();

function fetchBranding(slug: string): Promise<PublicBranding | undefined> {
  let pending = loaded.get(slug);
  if (!pending) {
    pending = fetch(`/v1/orgs/${encodeURIComponent(slug)}/branding`, { credentials: 'omit' })
      .then((response) => (response.ok ? (response.json() as Promise<PublicBranding>) : undefined))
      .catch(() => undefined);
    loaded.set(slug, pending);
  }
  return pending;
}

/** The organization's public branding once `slug` names one (else undefined); a bad slug asks nothing. */
export function usePublicBranding(slug: string | null | undefined): PublicBranding | undefined {
  const [brand, setBrand] = useState<PublicBranding>();
  const wanted = slug?.trim().toLowerCase() ?? '';
  useEffect(() => {
    if (!SLUG.test(wanted)) return setBrand(undefined);
    let live = true;
    void fetchBranding(wanted).then((found) => {
      if (!live) return;
      setBrand(found);
      if (found) adoptOrganizationDefault(found.defaultLocale);
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return brand;
}

/** A slug typed into a form, taken once the person pauses (no request per keystroke). */
export function useTypedSlug(initial: string | null | undefined, pauseMs = 400) {
  const [typed, setTyped] = useState(initial ?? '');
  const [settled, setSettled] = useState(initial ?? '');
  useEffect(() => {
    const timer = setTimeout(() => setSettled(typed), pauseMs);
    return () => clearTimeout(timer);
  }, [typed]);
  return { slug: settled, onInput: (event: { currentTarget: HTMLInputElement }) => setTyped(event.currentTarget.value), settle: () => setSettled(typed) };
}

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((at) => {
    const value = parseInt(hex.slice(at, at + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * channels[0]! + 0.7152 * channels[1]! + 0.0722 * channels[2]!;
}

/** White or near-black text on the brand colour, whichever contrasts more, so any colour stays readable. */
export const textOn = (hex: string) => ((luminance(hex) + 0.05) / 0.05 >= 1.05 / (luminance(hex) + 0.05) ? '#111827' : '#ffffff');

/** The logo as a same-origin path: the console's CSP allows images from itself only, and the route serves it sandboxed. */
function logoPath(brand: PublicBranding, slug: string): string | undefined {
  if (!brand.logoUrl) return undefined;
  try {
    const url = new URL(brand.logoUrl, location.origin);
    if (url.pathname !== `/v1/orgs/${encodeURIComponent(slug)}/branding/logo`) return undefined;
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

const httpsUrl = (value: string | null) => {
  if (!value) return undefined;
  try {
    return new URL(value).protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A sign-in page in the organization's brand: the logo (an <img>, so even an SVG runs nothing,
 * and the server cleaned it), the display name, the colour on the main button, and the support
 * link. Without a known organization it is the plain page.
 */
export function SignInPage(props: { title: string; slug?: string | null; children: ComponentChildren }) {
  const { t } = useT();
  const slug = props.slug?.trim().toLowerCase() ?? '';
  const brand = usePublicBranding(slug);
  const frame = useRef<HTMLDivElement>(null);
  // Validated again here: the colour lands in a style property, and only `#rrggbb` may.
  const color = brand?.primaryColor && COLOR.test(brand.primaryColor) ? brand.primaryColor.toLowerCase() : undefined;
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    // CSSOM, not a style attribute: the console's CSP has no 'unsafe-inline' for styles.
    if (color) {
      element.style.setProperty('--brand', color);
      element.style.setProperty('--on-brand', textOn(color));
    } else {
      element.style.removeProperty('--brand');
      element.style.removeProperty('--on-brand');
    }
  }, [color]);
  const logo = brand ? logoPath(brand, slug) : undefined;
  const support = httpsUrl(brand?.supportUrl ?? null);
  const name = brand?.displayName ?? null;
  return (
    <div ref={frame} class={color ? 'signin branded' : 'signin'} data-testid="signin-brand">
      {logo || name ? (
        <div class="signin-brand">
          {logo ? <img src={logo} alt={name ? t('signin.brand.logo', { name }) : t('signin.brand.logoUnnamed')} height={48} /> : null}
          {name ? <p class="signin-brand-name">{name}</p> : null}
        </div>
      ) : null}
      <Page title={props.title}>
        {props.children}
        {support ? (
          <p class="signin-support">
            <a href={support} rel="noopener noreferrer">
              {t('signin.brand.support')}
            </a>
          </p>
        ) : null}
      </Page>
    </div>
  );
}
