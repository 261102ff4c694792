import { IntlMessageFormat } from 'intl-messageformat';
import type { Template } from 'liquidjs';
import { directionOf, type Locale } from '../i18n/locales';
import { CATALOGS, type MessageKey } from './catalog';
import { LIMITS, missingVariable, outputs, parsePart, renderPart, templateInvalid, type Part, type TemplateError } from './liquid';
import { COMMON_ARGS, EMAIL_TYPES, variablesOf, type EmailType, type EmailVariables } from './types';

export interface Email {
  kind: string;
  subject: string;
  text: string;
  html: string;
  /** The display name of the sender (the address stays the deployment's); absent: the deployment's own. */
  fromName?: string | null;
}

/** A template's Liquid source: subject, text and (optionally) the whole HTML document. */
export interface TemplateSource {
  subject: string;
  text: string;
  html: string | null;
}

/** What an email shows of its organization. */
export interface BrandView {
  orgName: string;
  slug: string;
  color: string | null;
  /** A PNG logo's URL (mail programs rarely show SVG: an SVG logo gives null and the name is shown). */
  logoUrl: string | null;
  supportUrl: string | null;
  fromName: string | null;
}

export interface Recipient {
  name: string;
  login: string;
  email: string | null;
}

// ---- catalog messages ----

const DATE_FORMATS = {
  date: {
    utc: { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' },
  },
} as const;

const formatters = new Map<string, IntlMessageFormat>();

/** A catalog message in a language (ICU MessageFormat: plurals, selects, dates and numbers by locale). */
export function message(locale: Locale, key: string, args?: Record<string, unknown>): string {
  const id = `${locale}\u0000${key}`;
  let formatter = formatters.get(id);
  if (!formatter) {
    const source = CATALOGS[locale][key as MessageKey];
    if (source === undefined) throw new Error(`email catalog ${locale} has no message ${key}`);
    // ignoreTag: `<` in a message is text, never rich-text markup.
    formatter = new IntlMessageFormat(source, locale, DATE_FORMATS as never, { ignoreTag: true });
    formatters.set(id, formatter);
  }
  return String(formatter.format(args as never));
}

const formatDateIn = (locale: Locale) => (at: Date) => message(locale, 'common.dateTime', { at });

// ---- built-in templates ----

/**
 * The built-in template of a type in a language, as Liquid: each message of the catalog
 * formatted with its arguments written as the Liquid output of their variables. This is the
 * source GET /v1/org/email-templates/{type}/{locale} hands an editor, and it passes PUT's checks.
 */
export function builtinSource(type: EmailType, locale: Locale): TemplateSource {
  const def = EMAIL_TYPES[type];
  const args = { ...COMMON_ARGS, ...def.args, ...def.constants };
  const own = (name: string) => message(locale, `${type}.${name}`, args);
  const common = (name: string) => message(locale, `common.${name}`, args);
  const blocks = def.body.map((block) =>
    typeof block === 'string' ? own(block) : `{% if ${block.if} %}${own(block.then)}{% else %}${own(block.else)}{% endif %}`,
  );
  const text = [
    common('greeting'),
    ...blocks,
    ...(def.action ? [`${own('action')}: {{ link }}`] : []),
    `${common('signature')}{% if brand.supportUrl %}\n${common('support')}{% endif %}`,
  ].join('\n\n');
  return { subject: own('subject'), text, html: null };
}

// ---- compiling and checking ----

export interface Compiled {
  subject: Template[];
  text: Template[];
  html: Template[] | null;
  source: TemplateSource;
}

export function compile(source: TemplateSource): Compiled {
  const errors: TemplateError[] = [];
  const parse = (part: Part, text: string) => {
    try {
      return parsePart(part, text);
    } catch (error) {
      errors.push(...(((error as { errors?: TemplateError[] }).errors) ?? []));
      return [];
    }
  };
  const compiled = {
    subject: parse('subject', source.subject),
    text: parse('text', source.text),
    html: source.html === null ? null : parse('html', source.html),
    source,
  };
  if (errors.length) throw templateInvalid(errors);
  return compiled;
}

/** Every required variable of the type is output in the text, and in the HTML when there is one. */
export function checkRequired(type: EmailType, compiled: Compiled): void {
  const errors: TemplateError[] = [];
  for (const variable of variablesOf(type).filter((entry) => entry.required)) {
    if (!outputs('text', compiled.source.text, compiled.text, variable.name)) {
      errors.push({ path: 'text', variable: variable.name, message: `{{ ${variable.name} }} must appear in the text` });
    }
    if (compiled.html && compiled.source.html !== null && !outputs('html', compiled.source.html, compiled.html, variable.name)) {
      errors.push({ path: 'html', variable: variable.name, message: `{{ ${variable.name} }} must appear in the HTML` });
    }
  }
  if (errors.length) throw missingVariable(errors);
}

const COMPILED_KEPT = 500;
const compiledCache = new Map<string, Compiled>();

/**
 * Compiled templates are kept per process, keyed by what identifies a version of them (the
 * built-in's type and language, or an organization's template at its version), so an email
 * rendered from a cached template costs a render only (the benchmark's "under 2 ms").
 */
export function compiledFor(cacheKey: string, source: () => TemplateSource): Compiled {
  const hit = compiledCache.get(cacheKey);
  if (hit) {
    compiledCache.delete(cacheKey);
    compiledCache.set(cacheKey, hit);
    return hit;
  }
  const compiled = compile(source());
  compiledCache.set(cacheKey, compiled);
  if (compiledCache.size > COMPILED_KEPT) compiledCache.delete(compiledCache.keys().next().value!);
  return compiled;
}

export const builtinCompiled = (type: EmailType, locale: Locale) => compiledFor(`builtin:${type}:${locale}`, () => builtinSource(type, locale));

// ---- rendering ----

/** Every emailed link carries the email's language, so the page it opens speaks it too. */
export function withLang(link: string, locale: Locale): string {
  const hash = link.indexOf('#');
  const [base, fragment] = hash < 0 ? [link, ''] : [link.slice(0, hash), link.slice(hash)];
  const url = new URL(base);
  url.searchParams.set('lang', locale);
  return `${url.toString()}${fragment}`;
}

/**
 * A token link also names its organization, beside the token in the fragment (never sent to a
 * server), so the page it opens wears the organization's brand (PRODUCT.md "an emailed link").
 * The slug is public: the sign-in form asks for it.
 */
export function withOrg(link: string, slug: string): string {
  const hash = link.indexOf('#');
  if (hash < 0 || !link.startsWith('#token=', hash)) return link;
  const fragment = new URLSearchParams(link.slice(hash + 1));
  if (!fragment.has('org')) fragment.set('org', slug);
  return `${link.slice(0, hash)}#${fragment.toString()}`;
}

export interface EmailInput<T extends EmailType> {
  type: T;
  locale: Locale;
  recipient: Recipient;
  brand: BrandView;
  vars: EmailVariables[T];
}

/** The variables a template of this type sees when this email is sent. */
export function scopeOf<T extends EmailType>(input: EmailInput<T>): Record<string, unknown> {
  const { type, locale, recipient, brand } = input;
  const own = EMAIL_TYPES[type].scope(input.vars, (key, args) => message(locale, key, args), formatDateIn(locale));
  if (typeof own.link === 'string') own.link = withOrg(withLang(own.link, locale), brand.slug);
  return {
    user: { name: recipient.name, login: recipient.login, email: recipient.email },
    org: { name: brand.orgName, slug: brand.slug },
    brand: { color: brand.color, logoUrl: brand.logoUrl, supportUrl: brand.supportUrl },
    locale,
    ...own,
  };
}

/** Renders a compiled template; any failure (strict variables, limits) is a template_invalid Problem. */
export function renderCompiled<T extends EmailType>(compiled: Compiled, input: EmailInput<T>, scope = scopeOf(input)): Email {
  const subject = renderPart('subject', compiled.subject, scope).replace(/\s*[\r\n]+\s*/g, ' ').trim().slice(0, LIMITS.renderedSubjectChars);
  const text = renderPart('text', compiled.text, scope);
  const action = EMAIL_TYPES[input.type].action && typeof scope.link === 'string'
    ? { label: message(input.locale, `${input.type}.action`), url: scope.link }
    : undefined;
  const html = compiled.html ? renderPart('html', compiled.html, scope) : brandedHtml(input.locale, input.brand, text, action);
  return { kind: input.type, subject, text, html, fromName: input.brand.fromName };
}

// ---- the branded HTML layout ----

export const DEFAULT_COLOR = '#2f5bea';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** Escaped text with its https links made clickable. */
const linkified = (text: string) =>
  escapeHtml(text).replace(/\bhttps?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}" style="color:inherit">${url}</a>`);

/**
 * The HTML part of every email without an HTML template: the rendered text, escaped, between
 * the organization's header (logo or name on its colour) and footer (name, support link).
 * A paragraph that is exactly "<action label>: <link>" becomes the button. `lang` and `dir`
 * come from the email's language, so a right-to-left language needs only its catalog.
 */
export function brandedHtml(locale: Locale, brand: BrandView, text: string, action?: { label: string; url: string }): string {
  const color = brand.color ?? DEFAULT_COLOR;
  const dir = directionOf(locale);
  const paragraphs = text.split(/\n{2,}/).map((paragraph) => {
    if (action && paragraph.trim() === `${action.label}: ${action.url}`) {
      return `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:${color};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block;font-weight:600">${escapeHtml(action.label)}</a></p>`
        + `<p style="font-size:13px;color:#555555;word-break:break-all">${linkified(action.url)}</p>`;
    }
    return `<p>${linkified(paragraph).replace(/\n/g, '<br>')}</p>`;
  });
  const header = brand.logoUrl
    ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(brand.orgName)}" height="40" style="max-height:40px;max-width:240px">`
    : `<span style="font-size:20px;font-weight:700;color:#ffffff">${escapeHtml(brand.orgName)}</span>`;
  const support = brand.supportUrl && !text.includes(brand.supportUrl)
    ? `<br>${linkified(message(locale, 'common.support', { supportUrl: brand.supportUrl }))}`
    : '';
  return [
    `<!doctype html><html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`,
    `<title>${escapeHtml(brand.orgName)}</title></head>`,
    `<body style="margin:0;background:#f4f5f7;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;line-height:1.5;color:#1d1d1f">`,
    `<div dir="${dir}" style="max-width:560px;margin:0 auto;background:#ffffff;text-align:start">`,
    `<div style="background:${brand.logoUrl ? '#ffffff' : color};border-bottom:4px solid ${color};padding:16px 24px">${header}</div>`,
    `<div style="padding:8px 24px 16px">${paragraphs.join('')}</div>`,
    `<div style="padding:12px 24px;border-top:1px solid #e5e5ea;font-size:12px;color:#555555">${escapeHtml(brand.orgName)}${support}</div>`,
    '</div></body></html>',
  ].join('');
}
