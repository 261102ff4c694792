import { ApiError } from './api';

/** Plain sentences for the API's stable problem codes; the API's own detail is the fallback. */
const SENTENCES: Record<string, string> = {
  invalid_credentials: 'The organization, login or password is not right.',
  invalid_code: 'That code is not right. Codes change every 30 seconds; use the newest one.',
  invalid_session: 'This sign-in step has expired. Please start again.',
  invalid_token: 'This link is not valid any more. It may have been used already or have expired; ask for a new one.',
  reauthentication_failed: 'That password or code is not right.',
  slug_taken: 'This address is already taken by another organization.',
  login_taken: 'Someone in your organization already has this login.',
  email_taken: 'Someone in your organization already uses this email address.',
  email_not_verified: 'Verify your email address first: use the link we sent you, or send a new one from My account.',
  mfa_required: 'Two-factor authentication is required for your account and cannot be turned off.',
  mfa_already_enabled: 'Two-factor authentication is already on.',
  mfa_not_enabled: 'Two-factor authentication is not on.',
  root_protected: 'The owner of the organization cannot be deleted, deactivated or demoted.',
  confirmation_mismatch: 'Type the login exactly as shown to confirm.',
  precondition_failed: 'Someone changed this while you were editing. Reload to see their changes, then make yours again.',
  too_many_tokens: 'You have reached the maximum number of tokens. Revoke one first.',
  managed_by_idp: 'Your identity provider manages this. Change it there: its groups set the role and permissions, and it owns the name and email.',
  invalid_transfer_target: 'Ownership can only go to an active admin who is a person.',
  already_verified: 'Your email address is already verified.',
  not_pending: 'This user is not waiting for activation any more.',
  not_active: 'This user is not active.',
  forbidden: 'You are not allowed to do this.',
  invalid_passkey: 'That passkey could not be verified. Try again, or use another way to sign in.',
  passkey_exists: 'This passkey is already registered.',
  passkey_limit: 'You have 20 passkeys, the most allowed. Remove one first.',
  passkeys_unavailable: 'Passkeys are not available on this address.',
  method_not_allowed: 'Your organization does not allow this sign-in method.',
  reauthentication_required: 'Confirm with your password or a code first: your sign-in is more than 5 minutes old.',
  not_found: 'This does not exist, or it is not in your organization.',
  unauthorized: 'Your session has ended. Please log in again.',
  internal_error: 'Something went wrong on our side. Please try again in a moment.',
  network_error: 'The server could not be reached. Check your connection and try again.',
};

/** Field-level wording: the API's messages, made into sentences a person reads. */
export function fieldSentence(message: string): string {
  const tooShort = /expected string to have >=(\d+) characters/.exec(message);
  if (tooShort) return `Use at least ${tooShort[1]} characters.`;
  const tooLong = /expected string to have <=(\d+) characters/.exec(message);
  if (tooLong) return `Use at most ${tooLong[1]} characters.`;
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'This is required.';
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function sentenceFor(error: unknown): string {
  if (!(error instanceof ApiError)) return SENTENCES.network_error!;
  if (error.code === 'too_many_requests') {
    return error.retryAfter
      ? `Too many attempts. Try again in ${error.retryAfter} second${error.retryAfter === 1 ? '' : 's'}.`
      : 'Too many attempts. Please wait a moment and try again.';
  }
  if (error.code === 'validation_failed') return 'Please correct the fields marked below.';
  return SENTENCES[error.code] ?? error.problem.detail ?? error.problem.title ?? 'The request was refused.';
}

/**
 * The messages that belong next to one field: the API's `errors[]` for that path, plus the
 * whole problem when its code is about that field (`slug_taken` → slug).
 */
export function fieldErrors(error: unknown, codeFields: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ApiError)) return result;
  for (const entry of error.problem.errors ?? []) {
    const field = entry.path.replace(/^query\./, '');
    result[field] ??= fieldSentence(entry.message);
  }
  const field = codeFields[error.code];
  if (field) result[field] ??= sentenceFor(error);
  return result;
}
