import type { Locale } from '../../shared/i18n/locales';
import { ApiError } from './api';
import type { ConsoleKey } from './i18n/catalogs';
import { activeLocale, say } from './words';

/**
 * Sentences for the API's stable problem codes, from the console catalogs: problem documents
 * are always English (api/branding.md), so the console translates by `code`.
 */
const SENTENCES: Record<string, ConsoleKey> = {
  invalid_credentials: 'problem.invalid_credentials',
  invalid_code: 'problem.invalid_code',
  invalid_session: 'problem.invalid_session',
  invalid_token: 'problem.invalid_token',
  reauthentication_failed: 'problem.reauthentication_failed',
  reauthentication_required: 'problem.reauthentication_required',
  slug_taken: 'problem.slug_taken',
  login_taken: 'problem.login_taken',
  email_taken: 'problem.email_taken',
  email_not_verified: 'problem.email_not_verified',
  mfa_required: 'problem.mfa_required',
  mfa_already_enabled: 'problem.mfa_already_enabled',
  mfa_not_enabled: 'problem.mfa_not_enabled',
  no_enrolment: 'problem.no_enrolment',
  root_protected: 'problem.root_protected',
  confirmation_mismatch: 'problem.confirmation_mismatch',
  precondition_failed: 'problem.precondition_failed',
  concurrent_change: 'problem.concurrent_change',
  conflict: 'problem.conflict',
  too_many_tokens: 'problem.too_many_tokens',
  managed_by_idp: 'problem.managed_by_idp',
  invalid_transfer_target: 'problem.invalid_transfer_target',
  invalid_status_change: 'problem.invalid_status_change',
  already_verified: 'problem.already_verified',
  not_pending: 'problem.not_pending',
  not_active: 'problem.not_active',
  not_for_service_accounts: 'problem.not_for_service_accounts',
  forbidden: 'problem.forbidden',
  invalid_passkey: 'problem.invalid_passkey',
  passkey_exists: 'problem.passkey_exists',
  passkey_limit: 'problem.passkey_limit',
  passkeys_unavailable: 'problem.passkeys_unavailable',
  method_not_allowed: 'problem.method_not_allowed',
  unsupported_locale: 'problem.unsupported_locale',
  unknown_permission: 'problem.unknown_permission',
  unknown_event_type: 'problem.unknown_event_type',
  url_not_allowed: 'problem.url_not_allowed',
  domain_taken: 'problem.domain_taken',
  domain_in_use: 'problem.domain_in_use',
  domain_not_verified: 'problem.domain_not_verified',
  consumer_domain: 'problem.consumer_domain',
  too_many_domains: 'problem.too_many_domains',
  too_many_connections: 'problem.too_many_connections',
  too_many_endpoints: 'problem.too_many_endpoints',
  endpoint_disabled: 'problem.endpoint_disabled',
  sso_not_configured: 'problem.sso_not_configured',
  sso_failed: 'problem.sso_failed',
  external_id_taken: 'problem.external_id_taken',
  display_name_taken: 'problem.display_name_taken',
  template_invalid: 'problem.template_invalid',
  missing_variable: 'problem.missing_variable',
  logo_too_large: 'problem.logo_too_large',
  payload_too_large: 'problem.payload_too_large',
  invoice_number_reused: 'problem.invoice_number_reused',
  invalid_handle: 'problem.invalid_handle',
  invalid_cursor: 'problem.invalid_cursor',
  partially_done: 'problem.partially_done',
  not_found: 'problem.not_found',
  unauthorized: 'problem.unauthorized',
  service_unavailable: 'problem.service_unavailable',
  internal_error: 'problem.internal_error',
  network_error: 'problem.network_error',
};

/** The numbers some sentences name: the API's limits (PRODUCT.md), which its problems do not carry. */
const LIMITS: Record<string, Record<string, number>> = {
  passkey_limit: { count: 20 },
  logo_too_large: { kb: 64 },
};

/** Field-level wording: the API's (zod's) terse messages, made into sentences in the console's language. */
export function fieldSentence(message: string, locale: Locale = activeLocale()): string {
  const tooShort = /expected string to have >=(\d+) characters/.exec(message);
  if (tooShort) return say('problem.field.tooShort', { count: Number(tooShort[1]) }, locale);
  const tooLong = /expected string to have <=(\d+) characters/.exec(message);
  if (tooLong) return say('problem.field.tooLong', { count: Number(tooLong[1]) }, locale);
  const tooSmall = /expected number to be >=?(-?[\d.]+)/.exec(message);
  if (tooSmall) return say('problem.field.tooSmall', { min: Number(tooSmall[1]) }, locale);
  const tooBig = /expected number to be <=?(-?[\d.]+)/.exec(message);
  if (tooBig) return say('problem.field.tooBig', { max: Number(tooBig[1]) }, locale);
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return say('problem.field.required', undefined, locale);
  if (/^The two passwords are not the same/.test(message)) return say('problem.field.passwordsDiffer', undefined, locale);
  // Rules particular to one field come as English sentences; other languages get a plain sentence
  // rather than English (the field it sits beside says what it is about).
  if (locale !== 'en') return say('problem.field.invalid', undefined, locale);
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function sentenceFor(error: unknown, locale: Locale = activeLocale()): string {
  if (!(error instanceof ApiError)) return say('problem.network_error', undefined, locale);
  if (error.code === 'too_many_requests') {
    return error.retryAfter ? say('problem.too_many_requests.retry', { seconds: error.retryAfter }, locale) : say('problem.too_many_requests', undefined, locale);
  }
  if (error.code === 'validation_failed') return say('problem.validation_failed', undefined, locale);
  const key = SENTENCES[error.code];
  if (key) return say(key, LIMITS[error.code], locale);
  // A code this console does not know yet: English readers get the API's own words.
  if (locale === 'en' && (error.problem.detail ?? error.problem.title)) return (error.problem.detail ?? error.problem.title)!;
  return say('problem.other', undefined, locale);
}

/**
 * The messages that belong next to one field: the API's `errors[]` for that path, plus the
 * whole problem when its code is about that field (`slug_taken` → slug).
 */
export function fieldErrors(error: unknown, codeFields: Record<string, string>, locale: Locale = activeLocale()): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ApiError)) return result;
  for (const entry of error.problem.errors ?? []) {
    const field = entry.path.replace(/^query\./, '');
    result[field] ??= fieldSentence(entry.message, locale);
  }
  const field = codeFields[error.code];
  if (field) result[field] ??= sentenceFor(error, locale);
  return result;
}
