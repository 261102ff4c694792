import { route } from '../route';
import { DeleteUserQuery, ExportQuery, ImportBody, InviteBody, ListUsersQuery, PatchUserBody, TransferBody } from '../requests/users';
import { CreateApiTokenBody } from '../schemas';
import { EndOrgSessionsBody } from '../session-schemas';

/** The `users` function's routes: invitations, users, ownership, import and export (functions/users.ts). */
export const usersRoutes = [
  route({
    method: 'POST', path: '/v1/org/transfer', group: 'users', operation: 'transferOwnership', auth: 'user',
    summary: 'Hand ownership to an active admin (root; password and, if enrolled, a code re-checked)', body: TransferBody,
    responses: {
      200: { description: 'Both users after the transfer', schema: 'TransferResult' },
      403: { description: '`reauthentication_failed`' },
      409: { description: '`invalid_transfer_target` unless an active human admin' },
    },
  }),
  route({
    method: 'GET', path: '/v1/users', group: 'users', operation: 'listUsers', auth: 'user',
    summary: 'Users of the organization by login (root, admin); `q` matches the start of login, name or email', query: ListUsersQuery,
    responses: {
      200: { description: 'A page of users; with filters a page may hold fewer than `limit` while `nextCursor` is set', schema: 'UserPage' },
      400: { description: '`validation_failed`, or `unknown_permission` for a `permission` filter outside the catalog' },
      403: { description: 'Developers' },
    },
  }),
  route({
    method: 'POST', path: '/v1/users', group: 'users', operation: 'inviteUser', auth: 'user',
    summary: 'Invite a person (activation link or temporary password) or create a service account', body: InviteBody,
    responses: {
      201: { description: 'The user; the link, temporary password or API token is shown this once', schema: 'InviteResult' },
      400: { description: '`validation_failed`, or `unknown_permission` for a name outside the catalog' },
      403: { description: '`forbidden` (role may not invite that role, or a permission the inviter does not hold) or `email_not_verified`' },
      409: { description: '`login_taken` or `email_taken`' },
      429: { description: 'Email limit: `limit` is `email_ip` or `recipient`; see `Retry-After`; nothing changed' },
    },
  }),
  // Import and export (issue 16); listed before /v1/users/{id} so the local adapter matches them first.
  route({
    method: 'POST', path: '/v1/users/import', group: 'users', operation: 'importUsers', auth: 'user', maxBodyBytes: 1024 * 1024,
    summary: 'Import up to 500 users with their existing password hashes (root); each row is checked and reported on its own; bodies up to 1 MiB', body: ImportBody,
    responses: {
      200: { description: 'One report per row, in order: created, unchanged or invalid (with its errors); an invalid row changed nothing', schema: 'ImportResult' },
      403: { description: 'Not the owner, or `email_not_verified`' },
      413: { description: 'The body is over 1 MiB: send fewer rows per call' },
    },
  }),
  route({
    method: 'GET', path: '/v1/users/export', group: 'users', operation: 'exportUsers', auth: 'user', query: ExportQuery, produces: ['text/csv'],
    summary: 'Every user of the organization as JSON or CSV (root); never a hash, token or secret',
    responses: {
      200: { description: '`format=json`: `{ items: ExportedUser[] }`; `format=csv`: text/csv with a header row, the columns of ExportedUser in order', schema: 'ExportResult' },
      403: { description: 'Not the owner' },
    },
  }),
  route({
    method: 'GET', path: '/v1/users/{id}', group: 'users', operation: 'getUser', auth: 'user',
    summary: 'One user (developers: only themselves)',
    responses: { 200: { description: 'User (with ETag)', schema: 'User' }, 403: { description: 'A developer asking for someone else' }, 404: { description: 'No such user in this organization' } },
  }),
  route({
    method: 'PATCH', path: '/v1/users/{id}', group: 'users', operation: 'patchUser', auth: 'user',
    summary: 'Edit a user (root): name, email, role, status, requireMfa, origin, location, `emailStatus: "ok"`; permissions (root; admins for developers)', body: PatchUserBody,
    responses: {
      200: { description: 'User', schema: 'User' },
      400: { description: '`validation_failed` or `unknown_permission`' },
      403: { description: '`forbidden` (including a permission the caller does not hold) or `root_protected`' },
      409: { description: '`email_taken` or `invalid_status_change`' },
      412: { description: 'Stale `If-Match`' },
      429: { description: 'An email change over an email limit: `limit` is `email_ip` or `recipient`; see `Retry-After`; nothing changed' },
    },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}', group: 'users', operation: 'deleteUser', auth: 'user',
    summary: 'Delete a user for good (root; never the root), confirmed by `?confirm=<login>`', query: DeleteUserQuery,
    responses: { 204: { description: 'Deleted' }, 400: { description: '`confirmation_mismatch`' }, 403: { description: '`root_protected`' } },
  }),
  route({
    method: 'POST', path: '/v1/users/{id}/activation', group: 'users', operation: 'reissueActivation', auth: 'user',
    summary: 'Re-issue the activation link of a pending user (the previous link dies)',
    responses: { 201: { description: 'The new link', schema: 'Link' }, 409: { description: '`not_pending`' }, 429: { description: 'Email limit: `limit` is `email_ip` or `recipient`; see `Retry-After`; nothing changed' } },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}/activation', group: 'users', operation: 'revokeActivation', auth: 'user',
    summary: 'Revoke the activation link of a pending user',
    responses: { 204: { description: 'Revoked' }, 409: { description: '`not_pending`' } },
  }),
  route({
    method: 'POST', path: '/v1/users/{id}/password-reset', group: 'users', operation: 'issuePasswordReset', auth: 'user',
    summary: 'Email a password-reset link to an active user (root)',
    responses: { 201: { description: 'The link', schema: 'Link' }, 409: { description: '`not_active`' }, 429: { description: 'Email limit: `limit` is `email_ip` or `recipient`; see `Retry-After`; nothing changed' } },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}/password-reset', group: 'users', operation: 'revokePasswordReset', auth: 'user',
    summary: 'Revoke the outstanding password-reset link (root)',
    responses: { 204: { description: 'Revoked' } },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}/mfa', group: 'users', operation: 'resetUserMfa', auth: 'user',
    summary: 'Remove a user’s lost two-factor device (root); the required flag stays',
    responses: { 204: { description: 'Removed' } },
  }),
  route({
    method: 'GET', path: '/v1/users/{id}/api-tokens', group: 'users', operation: 'listUserApiTokens', auth: 'user',
    summary: 'A user’s API tokens, metadata only (root, admin)',
    responses: { 200: { description: 'API tokens', schema: 'ApiTokenPage' } },
  }),
  route({
    method: 'POST', path: '/v1/users/{id}/api-tokens', group: 'users', operation: 'createUserApiToken', auth: 'user',
    summary: 'Create an API token for a user (root)', body: CreateApiTokenBody,
    responses: {
      201: { description: 'The token, shown this once', schema: 'NewApiToken' },
      400: { description: '`validation_failed`, or `invalid_scope` for scopes beyond the owner’s permissions' },
    },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}/api-tokens/{tokenId}', group: 'users', operation: 'revokeUserApiToken', auth: 'user',
    summary: 'Revoke a user’s API token (root)',
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such token' } },
  }),
  route({
    method: 'GET', path: '/v1/users/{id}/sessions', group: 'users', operation: 'listUserSessions', auth: 'user',
    summary: 'A user’s live sessions (root)',
    responses: { 200: { description: 'Sessions', schema: 'SessionList' }, 403: { description: 'Admins and developers' }, 404: { description: 'No such user in this organization' } },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}/sessions', group: 'users', operation: 'endUserSessions', auth: 'user',
    summary: 'Sign a user out everywhere (root): every session ends at once',
    responses: { 204: { description: 'Every session of that user ended' }, 403: { description: 'Admins and developers' }, 404: { description: 'No such user in this organization' } },
  }),
  route({
    method: 'POST', path: '/v1/org/sessions/end', group: 'users', operation: 'endOrgSessions', auth: 'user',
    summary: 'Sign everyone in the organization out but this session (root; password and, if enrolled, a code re-checked)',
    body: EndOrgSessionsBody,
    responses: {
      200: { description: 'How many sessions and users; users are signed out in transactions of 99, each audited', schema: 'EndedOrgSessions' },
      403: { description: '`reauthentication_failed`, or not the owner' },
      503: { description: '`partially_done`: a batch failed after earlier ones committed; send the same request again to finish (already signed-out users are skipped)' },
    },
  }),
] as const;
