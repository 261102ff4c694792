import { route } from '../route';
import { ChangePasswordBody, CodeBody, DisableMfaBody, PatchMeBody } from '../requests/me';
import { CreateApiTokenBody } from '../schemas';
import { EndMySessionsBody } from '../session-schemas';

/** The `me` function's routes: the caller’s own account, two-factor, API tokens and sessions (functions/me.ts). */
export const meRoutes = [
  route({
    method: 'GET', path: '/v1/me', group: 'me', operation: 'getMe', auth: 'user',
    summary: 'The signed-in user',
    responses: { 200: { description: 'User (with ETag)', schema: 'User' } },
  }),
  route({
    method: 'PATCH', path: '/v1/me', group: 'me', operation: 'patchMe', auth: 'user',
    summary: 'Change own name, location or language; `emailStatus: "ok"` says the address works again', body: PatchMeBody,
    responses: { 200: { description: 'User', schema: 'User' }, 400: { description: '`validation_failed`, or `no_email` for `emailStatus` without an address' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/email-verification', group: 'me', operation: 'resendVerification', auth: 'user',
    summary: 'Email a new verification link (rate-limited)',
    responses: {
      202: { description: 'A new link was emailed; earlier links are dead' },
      409: { description: '`already_verified`, or `email_undeliverable`: the address bounced or complained (`emailStatus`); nothing sent' },
      429: { description: 'Asked again within a minute, or an email limit (`limit`: `email_ip` or `recipient`); see `Retry-After`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/me/password', group: 'me', operation: 'changePassword', auth: 'user',
    summary: 'Change own password; signs out every other session', body: ChangePasswordBody,
    responses: { 204: { description: 'Changed' }, 403: { description: '`reauthentication_failed`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/mfa/totp', group: 'me', operation: 'startTotpEnrolment', auth: 'user',
    summary: 'Start TOTP enrolment: secret, otpauth URI and QR code (not enabled until verified)',
    responses: { 200: { description: 'Enrolment', schema: 'Enrolment' }, 409: { description: '`mfa_already_enabled`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/mfa/totp/verify', group: 'me', operation: 'confirmTotpEnrolment', auth: 'user',
    summary: 'Confirm the enrolment with a code: enables two-factor, returns ten recovery codes once', body: CodeBody,
    responses: { 200: { description: 'Recovery codes, shown this once', schema: 'RecoveryCodes' }, 400: { description: '`invalid_code`' } },
  }),
  route({
    method: 'DELETE', path: '/v1/me/mfa/totp', group: 'me', operation: 'disableTotp', auth: 'user',
    summary: 'Turn two-factor off with a current code or the password', body: DisableMfaBody,
    responses: { 204: { description: 'Off' }, 403: { description: '`mfa_required` or `reauthentication_failed`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/mfa/recovery-codes', group: 'me', operation: 'regenerateRecoveryCodes', auth: 'user',
    summary: 'Replace all recovery codes (needs a current code)', body: CodeBody,
    responses: { 200: { description: 'New recovery codes; the old ones are dead', schema: 'RecoveryCodes' }, 403: { description: '`reauthentication_failed`' } },
  }),
  route({
    method: 'GET', path: '/v1/me/api-tokens', group: 'me', operation: 'listMyApiTokens', auth: 'user',
    summary: 'Own API tokens (metadata only)',
    responses: { 200: { description: 'API tokens', schema: 'ApiTokenPage' } },
  }),
  route({
    method: 'POST', path: '/v1/me/api-tokens', group: 'me', operation: 'createMyApiToken', auth: 'user',
    summary: 'Create an API token (shown once)', body: CreateApiTokenBody,
    responses: {
      201: { description: 'The token, shown this once', schema: 'NewApiToken' },
      400: { description: '`validation_failed`, or `invalid_scope` for scopes beyond the owner’s permissions' },
      409: { description: '`too_many_tokens`' },
    },
  }),
  route({
    method: 'DELETE', path: '/v1/me/api-tokens/{tokenId}', group: 'me', operation: 'revokeMyApiToken', auth: 'user',
    summary: 'Revoke an own API token',
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such token' } },
  }),
  // ---- sessions and devices (API.md "Sessions") ----
  route({
    method: 'GET', path: '/v1/me/sessions', group: 'me', operation: 'listMySessions', auth: 'user',
    summary: 'Own live sessions, newest first, this one marked `current` (at most 50 a user; a 51st sign-in ends the oldest)',
    responses: { 200: { description: 'Sessions', schema: 'SessionList' } },
  }),
  route({
    method: 'POST', path: '/v1/me/sessions/end', group: 'me', operation: 'endMySessions', auth: 'user',
    summary: 'End own sessions (some, or every other one) after confirming with the password or a code; their refresh tokens die and their access tokens stop at once',
    body: EndMySessionsBody,
    responses: {
      200: { description: 'How many ended; ids that are not live sessions of yours are ignored', schema: 'EndedSessions' },
      403: { description: '`reauthentication_failed`: a wrong or missing password or code (counted towards the lockout)' },
      429: { description: 'Locked after repeated failures; see `Retry-After`' },
    },
  }),
] as const;
