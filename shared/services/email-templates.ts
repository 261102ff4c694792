import { clock, nowIso } from '../clock';
import { config } from '../config';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { deleteTemplate, getBranding, getTemplate, listTemplateIds, putTemplate, type TemplateRecord } from '../data/branding';
import { requireOrg, type OrgRecord } from '../data/orgs';
import { spendEmail } from './abuse';
import { transact } from '../data/transact';
import type { UserRecord } from '../data/users';
import { fromAddress } from '../email/address';
import { brandView } from '../email/compose';
import { sendEmail, type Delivery } from '../email/mailer';
import {
  builtinSource, checkRequired, compile, compiledFor, renderCompiled, scopeOf, type EmailInput, type Email, type TemplateSource,
} from '../email/render';
import { EMAIL_TYPE_NAMES, EMAIL_TYPES, isEmailType, variablesOf, type EmailType } from '../email/types';
import { forbidden, notFound, Problem } from '../errors';
import { canonicalLocale, type Locale } from '../i18n/locales';
import type { TemplateBody } from '../http/requests/branding';
import { assertBrandingRole } from './branding';

export function typeAndLocale(type: string, locale: string): { type: EmailType; locale: Locale } {
  if (!isEmailType(type)) throw notFound('There is no email of this type.');
  const canonical = canonicalLocale(locale);
  if (!canonical) throw new Problem(400, 'unsupported_locale', 'Languages are en, de, fr, es, pt-BR and ja.');
  return { type, locale: canonical };
}

/** The sample email a preview renders: the caller stands in for the user, links work nowhere. */
async function sampleInput(org: OrgRecord, caller: UserRecord, type: EmailType, locale: Locale): Promise<EmailInput<EmailType>> {
  const branding = await getBranding(org.id);
  return {
    type,
    locale,
    recipient: { name: caller.name, login: caller.login, email: caller.email },
    brand: brandView(org, branding),
    vars: EMAIL_TYPES[type].sample(new Date(clock.now()), config().APP_URL) as never,
  };
}

/**
 * The checks of PUT and of a draft preview, in the contract's order: parse (template_invalid),
 * required variables output (missing_variable), then a strict render with the sample data
 * within the limits (template_invalid). Returns the sample rendering.
 */
function checked(type: EmailType, source: TemplateSource, input: EmailInput<EmailType>): Email {
  const compiled = compile(source);
  checkRequired(type, compiled);
  return renderCompiled(compiled, input);
}

const dig = (scope: Record<string, unknown>, name: string): unknown =>
  name.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), scope);

export async function listTemplateTypes(ctx: AuthedContext) {
  assertBrandingRole(ctx);
  const org = await requireOrg(ctx.principal.orgId);
  const custom = await listTemplateIds(org.id);
  const items = await Promise.all(EMAIL_TYPE_NAMES.map(async (type) => {
    const scope = scopeOf(await sampleInput(org, ctx.principal.user, type, 'en'));
    return {
      type,
      description: EMAIL_TYPES[type].description,
      variables: variablesOf(type).map((variable) => ({
        name: variable.name,
        required: Boolean(variable.required),
        description: variable.description,
        example: dig(scope, variable.name) ?? null,
      })),
      custom: custom.filter((entry) => entry.type === type).map((entry) => entry.locale),
    };
  }));
  return { items };
}

const templateOf = (type: EmailType, locale: Locale, record: TemplateRecord | undefined) => {
  if (record) return { type, locale, custom: true, subject: record.subject, text: record.text, html: record.html, version: record.version, updatedAt: record.updatedAt };
  const builtin = builtinSource(type, locale);
  return { type, locale, custom: false, ...builtin, version: null, updatedAt: null };
};

export const templateReply = (template: ReturnType<typeof templateOf>) => ({
  status: 200,
  body: template,
  headers: template.version === null ? undefined : { ETag: `"${template.version}"` },
});

export async function readTemplate(ctx: AuthedContext, rawType: string, rawLocale: string) {
  assertBrandingRole(ctx);
  const { type, locale } = typeAndLocale(rawType, rawLocale);
  return templateOf(type, locale, await getTemplate(ctx.principal.orgId, type, locale));
}

export async function saveTemplate(ctx: AuthedContext, rawType: string, rawLocale: string, body: TemplateBody, ifMatch?: number) {
  assertBrandingRole(ctx);
  const { type, locale } = typeAndLocale(rawType, rawLocale);
  const org = await requireOrg(ctx.principal.orgId);
  const source: TemplateSource = { subject: body.subject, text: body.text, html: body.html ?? null };
  checked(type, source, await sampleInput(org, ctx.principal.user, type, locale));
  const current = await getTemplate(org.id, type, locale);
  if (ifMatch !== undefined && ifMatch !== (current?.version ?? 0)) throw new Problem(412, 'precondition_failed', 'The template changed since it was read; read it again.');
  const at = nowIso();
  const record: TemplateRecord = { type, locale, ...source, version: (current?.version ?? 0) + 1, updatedAt: at };
  await transact([
    putTemplate(org.id, record, current?.version ?? 0),
    auditItem(ctx, {
      orgId: org.id,
      action: 'email_template.updated',
      actor: actorOf(ctx.principal.user),
      target: { type: 'org', id: org.id },
      details: { type, locale, version: record.version, html: record.html !== null },
    }, at),
  ]);
  return templateOf(type, locale, record);
}

export async function removeTemplate(ctx: AuthedContext, rawType: string, rawLocale: string): Promise<void> {
  assertBrandingRole(ctx);
  const { type, locale } = typeAndLocale(rawType, rawLocale);
  const at = nowIso();
  await transact([
    deleteTemplate(ctx.principal.orgId, type, locale),
    auditItem(ctx, {
      orgId: ctx.principal.orgId,
      action: 'email_template.deleted',
      actor: actorOf(ctx.principal.user),
      target: { type: 'org', id: ctx.principal.orgId },
      details: { type, locale },
    }, at),
  ]);
}

/**
 * Renders the saved template (else the built-in) or a draft with sample data; a draft is
 * checked as by PUT and never saved. `send`: the same email also goes to the caller's own
 * verified address, counted against the hourly limit per address like every emailing route.
 */
export async function previewTemplate(ctx: AuthedContext, rawType: string, rawLocale: string, draft: TemplateBody | Record<string, never>, send: boolean) {
  assertBrandingRole(ctx);
  const { type, locale } = typeAndLocale(rawType, rawLocale);
  const caller = ctx.principal.user;
  if (send && (!caller.email || !caller.emailVerified)) throw forbidden('Verify your email address to receive test emails.', 'email_not_verified');
  const org = await requireOrg(ctx.principal.orgId);
  const input = await sampleInput(org, caller, type, locale);
  let email: Email;
  if ('subject' in draft) {
    email = checked(type, { subject: draft.subject, text: draft.text, html: draft.html ?? null }, input);
  } else {
    const saved = await getTemplate(org.id, type, locale);
    email = saved
      ? renderCompiled(compiledFor(`${org.id}:${type}:${locale}:${saved.version}`, () => saved), input)
      : renderCompiled(compiledFor(`builtin:${type}:${locale}`, () => builtinSource(type, locale)), input);
  }
  const answer = { type, locale, subject: email.subject, text: email.text, html: email.html, from: fromAddress(config().EMAIL_FROM, email.fromName) };
  if (!send) return answer;
  // A test send is an email like any other: the address and recipient limits apply (429 past them).
  await spendEmail(ctx, caller.email!);
  const emailDelivery: Delivery = await sendEmail(caller.email!, email);
  const at = nowIso();
  await transact([auditItem(ctx, {
    orgId: org.id,
    action: 'email_template.test_sent',
    actor: actorOf(caller),
    target: { type: 'org', id: org.id },
    details: { type, locale, draft: 'subject' in draft, emailDelivery },
  }, at)]);
  return { ...answer, emailDelivery };
}
