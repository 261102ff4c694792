import { config } from '../config';
import { auditItem } from '../data/audit';
import type { EmailStatus } from '../data/email-status';
import { getEmailSettings, NO_BRANDING, type BrandingRecord } from '../data/branding';
import { transact } from '../data/transact';
import { nowIso } from '../clock';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locales';
import { logger } from '../log';
import { requestScope } from '../request-scope';
import { sendEmail, type Delivery } from './mailer';
import { builtinCompiled, compiledFor, renderCompiled, type BrandView, type Email } from './render';
import type { EmailType, EmailVariables } from './types';

export interface EmailOrg {
  id: string;
  name: string;
  slug: string;
  defaultLocale?: Locale;
}

export interface EmailRecipient {
  /** The user's ids, when the mail is for a user: they tag the message, so SES's bounce finds the user. */
  id?: string;
  orgId?: string;
  name: string;
  login: string;
  email: string | null;
  locale?: Locale | null;
  /** Not `ok`: SES reported the user's address bounced or complained; nothing is mailed to it. */
  emailStatus?: EmailStatus | null;
}

export const logoUrlOf = (slug: string, version: number) => `${config().APP_URL}/v1/orgs/${encodeURIComponent(slug)}/branding/logo?v=${version}`;

export function brandView(org: Pick<EmailOrg, 'name' | 'slug'>, branding: BrandingRecord): BrandView {
  return {
    orgName: branding.displayName ?? org.name,
    slug: org.slug,
    color: branding.primaryColor,
    logoUrl: branding.logo?.type === 'image/png' ? logoUrlOf(org.slug, branding.version) : null,
    supportUrl: branding.supportUrl,
    fromName: branding.fromName,
  };
}

/** The language of an email: the recipient's, else the organization's default, else English; read when it is sent. */
export const emailLocale = (org: Pick<EmailOrg, 'defaultLocale'>, user: Pick<EmailRecipient, 'locale'>): Locale =>
  user.locale ?? org.defaultLocale ?? DEFAULT_LOCALE;

/**
 * One email in its recipient's language and its organization's brand: the organization's
 * template for the type and language if it has one, else that language's built-in. A custom
 * template that fails now (it passed the same checks when saved, but limits can still bite)
 * is replaced by the built-in and the failure audited: no email is lost to a template.
 */
export async function composeEmail<T extends EmailType>(type: T, org: EmailOrg, user: EmailRecipient, vars: EmailVariables[T]): Promise<Email> {
  const locale = emailLocale(org, user);
  let settings: Awaited<ReturnType<typeof getEmailSettings>>;
  try {
    settings = await getEmailSettings(org.id, type, locale);
  } catch (error) {
    // The change this email reports has committed: better the unbranded built-in than none.
    logger.error('email settings not read', { kind: type, error: error instanceof Error ? error.name : 'unknown' });
    settings = { branding: NO_BRANDING };
  }
  const input = { type, locale, recipient: user, brand: brandView(org, settings.branding), vars };
  const { template } = settings;
  if (template) {
    try {
      return renderCompiled(compiledFor(`${org.id}:${type}:${locale}:${template.version}`, () => template), input);
    } catch (error) {
      await auditRenderFailed(org.id, type, locale, template.version, error);
    }
  }
  return renderCompiled(builtinCompiled(type, locale), input);
}

async function auditRenderFailed(orgId: string, type: string, locale: string, version: number, error: unknown) {
  const errors = (error as { errors?: Array<{ path: string; message: string }> }).errors;
  try {
    const at = nowIso();
    await transact([auditItem({ requestId: requestScope()?.requestId ?? 'email', ip: '' }, {
      orgId,
      action: 'email_template.render_failed',
      actor: null,
      target: { type: 'org', id: orgId },
      details: { type, locale, version, errors: errors?.slice(0, 3).map((entry) => ({ path: entry.path, message: entry.message })) ?? [] },
    }, at)]);
  } catch (auditError) {
    logger.error('email_template.render_failed not audited', { error: auditError instanceof Error ? auditError.name : 'unknown' });
  }
}

/** Composes and sends (see sendEmail: a failure is reported, never thrown). */
export async function emailUser<T extends EmailType>(to: string, type: T, org: EmailOrg, user: EmailRecipient, vars: EmailVariables[T]): Promise<Delivery> {
  // The user's own status holds even after another user lifted the address's suppression:
  // only this user (or its root) says this user's address works again.
  if (user.emailStatus && user.emailStatus !== 'ok' && to.toLowerCase() === user.email?.toLowerCase()) {
    logger.info('email suppressed', { event: 'email.suppressed', kind: type, emailStatus: user.emailStatus });
    return 'suppressed';
  }
  return sendEmail(to, await composeEmail(type, org, user, vars), user.id && user.orgId ? { orgId: user.orgId, id: user.id } : undefined);
}
