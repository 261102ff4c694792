import { nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { deleteLogo, getBranding, getLogo, putBranding, putLogo, type BrandingRecord } from '../data/branding';
import { getOrg, orgIdBySlug, requireOrg, setDefaultLocale } from '../data/orgs';
import { transact, type TxItem } from '../data/transact';
import { logoUrlOf } from '../email/compose';
import { badRequest, forbidden, notFound, preconditionFailed } from '../errors';
import { DEFAULT_LOCALE, LOCALES, negotiate, parseAcceptLanguage, parseUiLocales, type Locale } from '../i18n/locales';
import type { BrandingBody } from '../http/requests/branding';
import { Slug } from '../http/schemas';
import { acceptLogo } from './logo';

export const assertBrandingRole = (ctx: AuthedContext) => {
  if (ctx.principal.user.role !== 'root') throw forbidden('Only the organization owner sees and changes branding and email templates.');
};

export interface Branding {
  displayName: string | null;
  primaryColor: string | null;
  logo: string | null;
  logoUrl: string | null;
  supportUrl: string | null;
  fromName: string | null;
  defaultLocale: Locale;
  version: number;
  updatedAt: string | null;
}

const toBranding = (record: BrandingRecord, slug: string, defaultLocale: Locale, logo: { type: string; data: Buffer } | undefined): Branding => ({
  displayName: record.displayName,
  primaryColor: record.primaryColor,
  logo: record.logo && logo ? `data:${logo.type};base64,${logo.data.toString('base64')}` : null,
  logoUrl: record.logo ? logoUrlOf(slug, record.version) : null,
  supportUrl: record.supportUrl,
  fromName: record.fromName,
  defaultLocale,
  version: record.version,
  updatedAt: record.updatedAt,
});

export const brandingReply = (branding: Branding) => ({ status: 200, body: branding, headers: { ETag: `"${branding.version}"` } });

export async function readBranding(ctx: AuthedContext): Promise<Branding> {
  assertBrandingRole(ctx);
  const org = await requireOrg(ctx.principal.orgId);
  const record = await getBranding(org.id);
  return toBranding(record, org.slug, org.defaultLocale ?? DEFAULT_LOCALE, record.logo ? await getLogo(org.id) : undefined);
}

/** Replaces the whole branding (absent optional fields become null); the logo is checked and cleaned first. */
export async function writeBranding(ctx: AuthedContext, input: BrandingBody, ifMatch?: number): Promise<Branding> {
  assertBrandingRole(ctx);
  const org = await requireOrg(ctx.principal.orgId);
  const current = await getBranding(org.id);
  if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed();
  const logo = input.logo ? await acceptLogo(input.logo) : undefined;
  const at = nowIso();
  const next: BrandingRecord = {
    displayName: input.displayName ?? null,
    primaryColor: input.primaryColor ?? null,
    supportUrl: input.supportUrl ?? null,
    fromName: input.fromName ?? null,
    logo: logo ? { type: logo.type, bytes: logo.data.length } : null,
    updatedAt: at,
    version: current.version + 1,
  };
  const changed = (['displayName', 'primaryColor', 'supportUrl', 'fromName'] as const).filter((field) => current[field] !== next[field]);
  const items: TxItem[] = [putBranding(org.id, next, current.version)];
  if (logo) items.push(putLogo(org.id, logo.type, logo.data));
  else if (current.logo) items.push(deleteLogo(org.id));
  if (logo || current.logo) changed.push('logo' as never);
  const previousLocale = org.defaultLocale ?? DEFAULT_LOCALE;
  if (input.defaultLocale !== previousLocale) {
    items.push(setDefaultLocale(org, input.defaultLocale));
    changed.push('defaultLocale' as never);
  }
  items.push(auditItem(ctx, {
    orgId: org.id,
    action: 'org.branding_updated',
    actor: actorOf(ctx.principal.user),
    target: { type: 'org', id: org.id },
    // The logo as its size and type, never its bytes.
    details: { fields: changed, ...(logo ? { logo: { type: logo.type, bytes: logo.data.length } } : {}), ...(input.defaultLocale !== previousLocale ? { defaultLocaleFrom: previousLocale, defaultLocaleTo: input.defaultLocale } : {}) },
  }, at));
  await transact(items);
  return toBranding(next, org.slug, input.defaultLocale, logo);
}

export interface PublicBranding {
  displayName: string | null;
  primaryColor: string | null;
  logoUrl: string | null;
  supportUrl: string | null;
  defaultLocale: Locale;
  locale: Locale;
  locales: Locale[];
}

const publicSlug = (slug: string) => {
  if (!Slug.safeParse(slug).success) throw badRequest('validation_failed', 'The slug is not valid: 3–40 characters of a-z, 0-9 and -.');
  return slug;
};

/**
 * What a sign-in page may show of an organization, by slug. An unknown slug answers exactly
 * what an organization that never set its branding answers, so the route does not tell
 * whether an organization exists.
 */
export async function publicBranding(slug: string, uiLocales: string | undefined, acceptLanguage: string | undefined): Promise<PublicBranding> {
  const orgId = await orgIdBySlug(publicSlug(slug));
  const org = orgId ? await getOrg(orgId) : undefined;
  const record = org ? await getBranding(org.id, false) : undefined;
  const defaultLocale = org?.defaultLocale ?? DEFAULT_LOCALE;
  return {
    displayName: record?.displayName ?? null,
    primaryColor: record?.primaryColor ?? null,
    logoUrl: record?.logo ? logoUrlOf(slug, record.version) : null,
    supportUrl: record?.supportUrl ?? null,
    defaultLocale,
    locale: negotiate(parseUiLocales(uiLocales)) ?? negotiate(parseAcceptLanguage(acceptLanguage)) ?? defaultLocale,
    locales: [...LOCALES],
  };
}

/**
 * The logo's bytes, served so that an SVG can do nothing even if opened directly: its own
 * type, nosniff, and a CSP that allows no script, no fetch and sandboxes the document.
 */
export async function publicLogo(slug: string) {
  const orgId = await orgIdBySlug(publicSlug(slug));
  const logo = orgId ? await getLogo(orgId) : undefined;
  if (!logo) throw notFound('This organization has no logo.');
  return {
    status: 200,
    body: logo.data,
    headers: {
      'Content-Type': logo.type,
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'Cache-Control': 'public, max-age=300',
    },
  };
}
