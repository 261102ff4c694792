import { route } from '../route';
import { PasskeyOptionsBody, PasskeySignInBody, ReauthBody, RegisterPasskeyBody, RenamePasskeyBody } from '../requests/passkeys';

/** The `passkeys` function's routes (functions/passkeys.ts; api/passkeys.md): own passkeys, root's view, passwordless sign-in. */
export const passkeysRoutes = [
  route({
    method: 'POST', path: '/v1/me/passkeys/options', group: 'passkeys', operation: 'passkeyCreationOptions', auth: 'user',
    summary: 'WebAuthn creation options for a new passkey (a sign-in older than 5 minutes confirms with `password` or `code`)', body: ReauthBody,
    responses: {
      200: { description: 'Creation options; the challenge lives 5 minutes and is single use', schema: 'PasskeyCreationOptions' },
      403: { description: '`forbidden` (API tokens, service accounts), `reauthentication_required`, `reauthentication_failed`, `method_not_allowed`' },
      409: { description: '`passkey_limit` (20), `passkeys_unavailable` (APP_URL is an IP address)' },
    },
  }),
  route({
    method: 'POST', path: '/v1/me/passkeys', group: 'passkeys', operation: 'registerPasskey', auth: 'user',
    summary: 'Register a passkey from the browser’s RegistrationResponseJSON', body: RegisterPasskeyBody,
    responses: {
      201: { description: 'The passkey, with `recoveryCodes` when it turned two-factor on', schema: 'NewPasskey' },
      400: { description: '`invalid_passkey`' },
      403: { description: '`forbidden`, `method_not_allowed`' },
      409: { description: '`passkey_exists`, `passkey_limit`, `passkeys_unavailable`' },
    },
  }),
  route({
    method: 'GET', path: '/v1/me/passkeys', group: 'passkeys', operation: 'listMyPasskeys', auth: 'user',
    summary: 'Own passkeys, oldest first',
    responses: { 200: { description: 'Passkeys', schema: 'PasskeyList' } },
  }),
  route({
    method: 'PATCH', path: '/v1/me/passkeys/{passkeyId}', group: 'passkeys', operation: 'renameMyPasskey', auth: 'user',
    summary: 'Rename an own passkey', body: RenamePasskeyBody,
    responses: { 200: { description: 'Passkey', schema: 'Passkey' }, 404: { description: 'No such passkey' } },
  }),
  route({
    method: 'DELETE', path: '/v1/me/passkeys/{passkeyId}', group: 'passkeys', operation: 'removeMyPasskey', auth: 'user',
    summary: 'Remove an own passkey (a sign-in older than 5 minutes confirms with `password` or `code`)', body: ReauthBody,
    responses: {
      204: { description: 'Removed; it stops working at once' },
      403: { description: '`mfa_required` (the last allowed factor while two-factor is required), `reauthentication_required`, `reauthentication_failed`, `forbidden`' },
      404: { description: 'No such passkey' },
    },
  }),
  route({
    method: 'GET', path: '/v1/users/{id}/passkeys', group: 'passkeys', operation: 'listUserPasskeys', auth: 'user',
    summary: 'A user’s passkeys (root; admins read only)',
    responses: { 200: { description: 'Passkeys', schema: 'PasskeyList' }, 403: { description: 'Developers' }, 404: { description: 'No such user' } },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}/passkeys/{passkeyId}', group: 'passkeys', operation: 'removeUserPasskey', auth: 'user',
    summary: 'Remove a user’s passkey (root); the user is emailed',
    responses: { 204: { description: 'Removed' }, 403: { description: 'Not root' }, 404: { description: 'No such user or passkey' } },
  }),
  route({
    method: 'POST', path: '/v1/auth/passkey/options', group: 'passkeys', operation: 'passwordlessOptions', auth: 'public',
    summary: 'Options for a passwordless sign-in with a discoverable passkey (user verification required)', body: PasskeyOptionsBody,
    responses: {
      200: { description: 'A sign-in session and request options', schema: 'PasswordlessOptions' },
      409: { description: '`passkeys_unavailable`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/passkey', group: 'passkeys', operation: 'passwordlessSignIn', auth: 'public', sessionCookie: 'issues',
    summary: 'Sign in with a passkey alone: counts as a multi-factor sign-in', body: PasskeySignInBody,
    responses: {
      200: { description: 'Tokens', schema: 'Tokens' },
      401: { description: '`invalid_passkey` or `invalid_session`' },
      403: { description: '`method_not_allowed`: the organization does not allow passkeys' },
      409: { description: '`passkeys_unavailable`' },
    },
  }),
] as const;
