import type { z } from 'zod';
import type * as Responses from './responses';
import * as s from './schemas';
import * as oidc from '../oauth/authorization-schemas';
import * as oauth from '../oauth/schemas';
import * as sessions from './session-schemas';

/**
 * The route table: the one list that the CDK stack turns into API Gateway routes, the local
 * adapter serves, the Lambda entry points implement and the OpenAPI document describes.
 * `group` names the Lambda function (functions/<group>.ts) that serves the route.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type FunctionGroup = 'public' | 'auth' | 'me' | 'users' | 'org' | 'oauth' | 'oidc';
/** `optional`: authenticated when a Bearer token is sent (the handler sees the principal or none). */
export type Access = 'public' | 'user' | 'optional';

/** The name of an answer's schema: an export of responses.ts. */
export type ResponseSchema = { [Name in keyof typeof Responses]: (typeof Responses)[Name] extends z.ZodType ? Name : never }[keyof typeof Responses];

export interface RouteDef {
  method: Method;
  path: string;
  group: FunctionGroup;
  operation: string;
  auth: Access;
  summary: string;
  /** Without a body schema, the route accepts no body or `{}`. */
  body?: z.ZodType;
  query?: z.ZodType;
  /** Answers by status; a JSON answer names its schema in responses.ts, which only the OpenAPI document loads. */
  responses: Partial<Record<number, { description: string; schema?: ResponseSchema }>>;
  /** Answers that may be cached by clients (e.g. the JWKS). */
  cacheSeconds?: number;
  /**
   * Browser sessions, on `Prefer: refresh-token=cookie`: `issues` routes set the refresh token
   * they answer as an HttpOnly cookie instead; `reads` routes take the token from that cookie
   * (and rotate it); `ends` routes take it and clear the cookie.
   */
  sessionCookie?: 'issues' | 'reads' | 'ends';
  /**
   * How errors are answered: RFC 9457 problem+json (default), RFC 6749 `{ error, error_description }`,
   * or an HTML page for a person's browser (the OpenID Connect pages, which must not redirect on
   * an error the client cannot be trusted with).
   */
  errors?: 'problem' | 'oauth' | 'page';
  /** The body's media type: JSON (default), or `application/x-www-form-urlencoded` (the OAuth endpoints). */
  encoding?: 'json' | 'form';
  /** A larger body limit than the API's 64 KiB, for bulk routes (the user import). */
  maxBodyBytes?: number;
  /** Content types of a 200 answer besides JSON (the CSV export). */
  produces?: string[];
}

const route = <const R extends RouteDef>(definition: R) => definition;

export const routes = [
  route({
    method: 'GET', path: '/health', group: 'public', operation: 'health', auth: 'public',
    summary: 'Liveness check; with `?deep=1`, readiness: the table answers too', query: s.HealthQuery,
    responses: {
      200: { description: 'The service answers (with `deep=1`: and so does the table)', schema: 'Health' },
      503: { description: '`service_unavailable` (only with `deep=1`): the table does not answer; see `Retry-After`' },
    },
  }),
  route({
    method: 'GET', path: '/.well-known/jwks.json', group: 'public', operation: 'jwks', auth: 'public',
    summary: 'Public keys that verify access tokens', cacheSeconds: 300,
    responses: { 200: { description: 'JSON Web Key Set', schema: 'Jwks' } },
  }),
  route({
    method: 'GET', path: '/v1/openapi.json', group: 'public', operation: 'openapi', auth: 'public',
    summary: 'This API as an OpenAPI 3.1 document', cacheSeconds: 300,
    responses: { 200: { description: 'OpenAPI document', schema: 'OpenApiDocument' } },
  }),
  route({
    method: 'POST', path: '/v1/orgs', group: 'auth', operation: 'signUp', auth: 'public',
    summary: 'Sign up an organization and its root user', body: s.SignUpBody,
    responses: {
      201: { description: 'Organization and its root (active, email not yet verified)', schema: 'SignUpResult' },
      409: { description: '`slug_taken`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/login', group: 'auth', operation: 'login', auth: 'public', sessionCookie: 'issues',
    summary: 'Log in with organization slug, login and password', body: s.LoginBody,
    responses: {
      200: { description: 'Tokens, or the first challenge (new password, two-factor) to answer at /v1/auth/challenge', schema: 'TokensOrChallenge' },
      401: { description: '`invalid_credentials`, whatever the reason' },
      429: { description: 'Locked after repeated failures; see `Retry-After`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/refresh', group: 'auth', operation: 'refresh', auth: 'public', sessionCookie: 'reads',
    summary: 'Exchange a refresh token for new tokens (the refresh token is rotated)', body: s.RefreshBody,
    responses: {
      200: { description: 'New tokens; the presented refresh token is spent', schema: 'Tokens' },
      401: { description: 'Invalid, expired or revoked; presenting a spent token revokes its whole session' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/logout', group: 'auth', operation: 'logout', auth: 'public', sessionCookie: 'ends',
    summary: 'End the session of a refresh token', body: s.RefreshBody,
    responses: { 204: { description: 'Signed out (also when the token was already invalid)' } },
  }),
  route({
    method: 'POST', path: '/v1/auth/verify-email', group: 'auth', operation: 'verifyEmail', auth: 'public',
    summary: 'Verify an email address with the emailed token', body: s.TokenBody,
    responses: { 204: { description: 'Verified' }, 400: { description: '`invalid_token`' } },
  }),
  route({
    method: 'POST', path: '/v1/auth/challenge', group: 'auth', operation: 'answerChallenge', auth: 'public', sessionCookie: 'issues',
    summary: 'Answer a login challenge (new password, TOTP or recovery code, TOTP enrolment)', body: s.ChallengeBody,
    responses: {
      200: { description: 'Tokens, the next challenge, or (MFA_SETUP_REQUIRED without `code`) the enrolment secret and QR code; completing the setup adds `recoveryCodes`', schema: 'ChallengeResult' },
      401: { description: '`invalid_session` or `invalid_code`' },
      429: { description: 'Locked after repeated failures; see `Retry-After`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/activate', group: 'auth', operation: 'activate', auth: 'public', sessionCookie: 'issues',
    summary: 'Activate an invited account with the emailed token and a chosen password', body: s.ActivateBody,
    responses: {
      200: { description: 'Tokens, or MFA_SETUP_REQUIRED when two-factor is required', schema: 'TokensOrChallenge' },
      400: { description: '`invalid_token` or a password that is refused, with the reason' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/password/forgot', group: 'auth', operation: 'forgotPassword', auth: 'public',
    summary: 'Email a password-reset link (the answer never tells whether the account exists)', body: s.ForgotPasswordBody,
    responses: { 202: { description: 'Accepted, whether or not the account exists' } },
  }),
  route({
    method: 'POST', path: '/v1/auth/password/reset', group: 'auth', operation: 'resetPassword', auth: 'public',
    summary: 'Set a new password with an emailed reset token; signs out everywhere', body: s.ResetPasswordBody,
    responses: { 204: { description: 'Password set' }, 400: { description: '`invalid_token` or a refused password' } },
  }),
  route({
    method: 'GET', path: '/v1/me', group: 'me', operation: 'getMe', auth: 'user',
    summary: 'The signed-in user',
    responses: { 200: { description: 'User (with ETag)', schema: 'User' } },
  }),
  route({
    method: 'PATCH', path: '/v1/me', group: 'me', operation: 'patchMe', auth: 'user',
    summary: 'Change own name or location', body: s.PatchMeBody,
    responses: { 200: { description: 'User', schema: 'User' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/email-verification', group: 'me', operation: 'resendVerification', auth: 'user',
    summary: 'Email a new verification link (rate-limited)',
    responses: {
      202: { description: 'A new link was emailed; earlier links are dead' },
      409: { description: '`already_verified`' },
      429: { description: 'Asked too often; see `Retry-After`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/me/password', group: 'me', operation: 'changePassword', auth: 'user',
    summary: 'Change own password; signs out every other session', body: s.ChangePasswordBody,
    responses: { 204: { description: 'Changed' }, 403: { description: '`reauthentication_failed`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/mfa/totp', group: 'me', operation: 'startTotpEnrolment', auth: 'user',
    summary: 'Start TOTP enrolment: secret, otpauth URI and QR code (not enabled until verified)',
    responses: { 200: { description: 'Enrolment', schema: 'Enrolment' }, 409: { description: '`mfa_already_enabled`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/mfa/totp/verify', group: 'me', operation: 'confirmTotpEnrolment', auth: 'user',
    summary: 'Confirm the enrolment with a code: enables two-factor, returns ten recovery codes once', body: s.CodeBody,
    responses: { 200: { description: 'Recovery codes, shown this once', schema: 'RecoveryCodes' }, 400: { description: '`invalid_code`' } },
  }),
  route({
    method: 'DELETE', path: '/v1/me/mfa/totp', group: 'me', operation: 'disableTotp', auth: 'user',
    summary: 'Turn two-factor off with a current code or the password', body: s.DisableMfaBody,
    responses: { 204: { description: 'Off' }, 403: { description: '`mfa_required` or `reauthentication_failed`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/mfa/recovery-codes', group: 'me', operation: 'regenerateRecoveryCodes', auth: 'user',
    summary: 'Replace all recovery codes (needs a current code)', body: s.CodeBody,
    responses: { 200: { description: 'New recovery codes; the old ones are dead', schema: 'RecoveryCodes' }, 403: { description: '`reauthentication_failed`' } },
  }),
  route({
    method: 'GET', path: '/v1/me/api-tokens', group: 'me', operation: 'listMyApiTokens', auth: 'user',
    summary: 'Own API tokens (metadata only)',
    responses: { 200: { description: 'API tokens', schema: 'ApiTokenPage' } },
  }),
  route({
    method: 'POST', path: '/v1/me/api-tokens', group: 'me', operation: 'createMyApiToken', auth: 'user',
    summary: 'Create an API token (shown once)', body: s.CreateApiTokenBody,
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
  route({
    method: 'GET', path: '/v1/org', group: 'org', operation: 'getOrg', auth: 'user',
    summary: 'The caller’s organization',
    responses: { 200: { description: 'Organization (with ETag)', schema: 'Org' } },
  }),
  route({
    method: 'PATCH', path: '/v1/org', group: 'org', operation: 'patchOrg', auth: 'user',
    summary: 'Rename the organization (root, admin)', body: s.PatchOrgBody,
    responses: { 200: { description: 'Organization', schema: 'Org' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'GET', path: '/v1/billing', group: 'org', operation: 'getBilling', auth: 'user',
    summary: 'The billing profile (root only); before any PUT, the defaults at version 0',
    responses: { 200: { description: 'Billing profile (with ETag)', schema: 'BillingProfile' }, 403: { description: 'Admins and developers' } },
  }),
  route({
    method: 'PUT', path: '/v1/billing', group: 'org', operation: 'putBilling', auth: 'user',
    summary: 'Replace the billing profile (root only); card numbers are refused, only brand and last four kept', body: s.BillingBody,
    responses: { 200: { description: 'Billing profile', schema: 'BillingProfile' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'GET', path: '/v1/billing/invoices', group: 'org', operation: 'listInvoices', auth: 'user',
    summary: 'Invoices, newest period first (root, admin)', query: s.InvoiceQuery,
    responses: { 200: { description: 'Invoices', schema: 'InvoicePage' }, 403: { description: 'Developers' } },
  }),
  route({
    method: 'GET', path: '/v1/audit-events', group: 'org', operation: 'listAuditEvents', auth: 'user',
    summary: 'The audit log, newest first (root, admin)', query: s.AuditQuery,
    responses: { 200: { description: 'Audit events', schema: 'AuditPage' }, 403: { description: 'Developers' } },
  }),
  route({
    method: 'POST', path: '/v1/org/transfer', group: 'users', operation: 'transferOwnership', auth: 'user',
    summary: 'Hand ownership to an active admin (root; password and, if enrolled, a code re-checked)', body: s.TransferBody,
    responses: {
      200: { description: 'Both users after the transfer', schema: 'TransferResult' },
      403: { description: '`reauthentication_failed`' },
      409: { description: '`invalid_transfer_target` unless an active human admin' },
    },
  }),
  route({
    method: 'GET', path: '/v1/users', group: 'users', operation: 'listUsers', auth: 'user',
    summary: 'Users of the organization by login (root, admin); `q` matches the start of login, name or email', query: s.ListUsersQuery,
    responses: {
      200: { description: 'A page of users; with filters a page may hold fewer than `limit` while `nextCursor` is set', schema: 'UserPage' },
      400: { description: '`validation_failed`, or `unknown_permission` for a `permission` filter outside the catalog' },
      403: { description: 'Developers' },
    },
  }),
  route({
    method: 'POST', path: '/v1/users', group: 'users', operation: 'inviteUser', auth: 'user',
    summary: 'Invite a person (activation link or temporary password) or create a service account', body: s.InviteBody,
    responses: {
      201: { description: 'The user; the link, temporary password or API token is shown this once', schema: 'InviteResult' },
      400: { description: '`validation_failed`, or `unknown_permission` for a name outside the catalog' },
      403: { description: '`forbidden` (role may not invite that role, or a permission the inviter does not hold) or `email_not_verified`' },
      409: { description: '`login_taken` or `email_taken`' },
    },
  }),
  // Import and export (issue 16); listed before /v1/users/{id} so the local adapter matches them first.
  route({
    method: 'POST', path: '/v1/users/import', group: 'users', operation: 'importUsers', auth: 'user', maxBodyBytes: 1024 * 1024,
    summary: 'Import up to 500 users with their existing password hashes (root); each row is checked and reported on its own; bodies up to 1 MiB', body: s.ImportBody,
    responses: {
      200: { description: 'One report per row, in order: created, unchanged or invalid (with its errors); an invalid row changed nothing', schema: 'ImportResult' },
      403: { description: 'Not the owner, or `email_not_verified`' },
      413: { description: 'The body is over 1 MiB: send fewer rows per call' },
    },
  }),
  route({
    method: 'GET', path: '/v1/users/export', group: 'users', operation: 'exportUsers', auth: 'user', query: s.ExportQuery, produces: ['text/csv'],
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
    summary: 'Edit a user (root): name, email, role, status, requireMfa, origin, location; permissions (root; admins for developers)', body: s.PatchUserBody,
    responses: {
      200: { description: 'User', schema: 'User' },
      400: { description: '`validation_failed` or `unknown_permission`' },
      403: { description: '`forbidden` (including a permission the caller does not hold) or `root_protected`' },
      409: { description: '`email_taken` or `invalid_status_change`' },
      412: { description: 'Stale `If-Match`' },
    },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}', group: 'users', operation: 'deleteUser', auth: 'user',
    summary: 'Delete a user for good (root; never the root), confirmed by `?confirm=<login>`', query: s.DeleteUserQuery,
    responses: { 204: { description: 'Deleted' }, 400: { description: '`confirmation_mismatch`' }, 403: { description: '`root_protected`' } },
  }),
  route({
    method: 'POST', path: '/v1/users/{id}/activation', group: 'users', operation: 'reissueActivation', auth: 'user',
    summary: 'Re-issue the activation link of a pending user (the previous link dies)',
    responses: { 201: { description: 'The new link', schema: 'Link' }, 409: { description: '`not_pending`' } },
  }),
  route({
    method: 'DELETE', path: '/v1/users/{id}/activation', group: 'users', operation: 'revokeActivation', auth: 'user',
    summary: 'Revoke the activation link of a pending user',
    responses: { 204: { description: 'Revoked' }, 409: { description: '`not_pending`' } },
  }),
  route({
    method: 'POST', path: '/v1/users/{id}/password-reset', group: 'users', operation: 'issuePasswordReset', auth: 'user',
    summary: 'Email a password-reset link to an active user (root)',
    responses: { 201: { description: 'The link', schema: 'Link' }, 409: { description: '`not_active`' } },
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
    summary: 'Create an API token for a user (root)', body: s.CreateApiTokenBody,
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
  // ---- permissions (issue 13) ----
  route({
    method: 'GET', path: '/v1/permissions', group: 'org', operation: 'listPermissions', auth: 'user',
    summary: 'The deployment’s permission catalog (any signed-in user)',
    responses: { 200: { description: 'Every permission a user can be granted, in catalog order', schema: 'PermissionCatalogAnswer' } },
  }),
  // ---- OAuth 2.0 and OpenID Connect: form bodies, RFC 6749 errors (functions/oauth.ts) ----
  route({
    method: 'GET', path: '/.well-known/openid-configuration', group: 'oauth', operation: 'openidConfiguration', auth: 'public',
    summary: 'OpenID Connect Discovery 1.0: endpoints, grants, scopes, keys', cacheSeconds: 300,
    responses: { 200: { description: 'Provider metadata; `issuer` equals the tokens’ `iss` byte for byte', schema: 'DiscoveryDocument' } },
  }),
  route({
    method: 'GET', path: '/.well-known/oauth-authorization-server', group: 'oauth', operation: 'authorizationServerMetadata', auth: 'public',
    summary: 'RFC 8414 authorization server metadata (the same document)', cacheSeconds: 300,
    responses: { 200: { description: 'Authorization server metadata', schema: 'DiscoveryDocument' } },
  }),
  route({
    method: 'POST', path: '/oauth2/token', group: 'oauth', operation: 'token', auth: 'public', errors: 'oauth', encoding: 'form',
    summary: 'Token endpoint (RFC 6749 §3.2): client_credentials with a user id and one of its API tokens (Basic or form)', body: oauth.TokenRequest,
    responses: {
      200: { description: 'An RS256 access token (RFC 9068) for 15 minutes; no refresh token for client credentials', schema: 'TokenResponse' },
      400: { description: '`invalid_request` (also a JSON body), `invalid_grant`, `unauthorized_client`, `unsupported_grant_type`, `invalid_scope`', schema: 'OAuthErrorBody' },
      401: { description: '`invalid_client`, with `WWW-Authenticate: Basic`', schema: 'OAuthErrorBody' },
      429: { description: 'Too many wrong secrets for this client id; see `Retry-After`', schema: 'OAuthErrorBody' },
    },
  }),
  route({
    method: 'POST', path: '/oauth2/introspect', group: 'oauth', operation: 'introspect', auth: 'public', errors: 'oauth', encoding: 'form',
    summary: 'Token introspection (RFC 7662) for confidential registered clients: access, refresh and API tokens, by their current state', body: oauth.IntrospectionRequest,
    responses: {
      200: { description: 'The token’s current state; anything not good now is `{ "active": false }`', schema: 'IntrospectionResponse' },
      400: { description: '`invalid_request`', schema: 'OAuthErrorBody' },
      401: { description: '`invalid_client` (unknown, public or wrong secret), with `WWW-Authenticate: Basic`', schema: 'OAuthErrorBody' },
    },
  }),
  route({
    method: 'POST', path: '/oauth2/revoke', group: 'oauth', operation: 'revoke', auth: 'public', errors: 'oauth', encoding: 'form',
    summary: 'Token revocation (RFC 7009): a refresh token or a session’s access token ends the session; a client-credentials access token revokes its API token', body: oauth.RevocationRequest,
    responses: {
      200: { description: 'Revoked, or was not a live token (always 200)' },
      400: { description: '`invalid_request`', schema: 'OAuthErrorBody' },
      401: { description: '`invalid_client`, with `WWW-Authenticate: Basic`', schema: 'OAuthErrorBody' },
    },
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
    body: sessions.EndMySessionsBody,
    responses: {
      200: { description: 'How many ended; ids that are not live sessions of yours are ignored', schema: 'EndedSessions' },
      403: { description: '`reauthentication_failed`: a wrong or missing password or code (counted towards the lockout)' },
      429: { description: 'Locked after repeated failures; see `Retry-After`' },
    },
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
    body: sessions.EndOrgSessionsBody,
    responses: {
      200: { description: 'How many sessions and users; users are signed out in transactions of 99, each audited', schema: 'EndedOrgSessions' },
      403: { description: '`reauthentication_failed`, or not the owner' },
      503: { description: '`partially_done`: a batch failed after earlier ones committed; send the same request again to finish (already signed-out users are skipped)' },
    },
  }),
  // ---- sign-in for the SaaS's apps: OpenID Connect authorization code with PKCE (issue 14) ----
  route({
    method: 'GET', path: '/oauth2/authorize', group: 'oidc', operation: 'authorize', auth: 'public', errors: 'page', query: oidc.AuthorizeQuery,
    summary: 'Start an app’s sign-in (OpenID Connect authorization code flow, PKCE S256 required)',
    responses: {
      302: { description: 'To the console’s sign-in page with `?request=<handle>` (10 minutes); or, for a bad request from a trusted client, to its redirect URI with `error`, `state` and `iss`' },
      400: { description: 'An HTML page, never a redirect, for an unknown client or a redirect URI not registered for it (exact match)' },
    },
  }),
  route({
    method: 'POST', path: '/oauth2/authorize', group: 'oidc', operation: 'authorizeByForm', auth: 'public', errors: 'page', encoding: 'form', body: oidc.AuthorizeQuery,
    summary: 'The same authorization request sent as a form post (OpenID Connect Core §3.1.2.1: GET and POST)',
    responses: {
      302: { description: 'To the console’s sign-in page with `?request=<handle>` (10 minutes); or, for a bad request from a trusted client, to its redirect URI with `error`, `state` and `iss`' },
      400: { description: 'An HTML page, never a redirect, for an unknown client or a redirect URI not registered for it (exact match)' },
    },
  }),
  route({
    method: 'GET', path: '/oauth2/authorize/request', group: 'oidc', operation: 'describeAuthorizeRequest', auth: 'public', errors: 'oauth', query: oidc.PendingRequestQuery,
    summary: 'The console’s view of a pending sign-in request: which app, prompt, login hint, organization',
    responses: { 200: { description: 'The pending request', schema: 'PendingRequest' }, 400: { description: '`invalid_request`: unknown, used or expired handle' } },
  }),
  route({
    method: 'POST', path: '/oauth2/authorize/complete', group: 'oidc', operation: 'completeAuthorize', auth: 'optional', errors: 'oauth', body: oidc.CompleteBody,
    summary: 'The console’s half: complete a pending request as the signed-in person (Bearer), or answer the app an error without a token',
    responses: {
      200: { description: 'Where the browser goes next: the app’s redirect URI with `code` (60 s, single use) or `error`, `state` and `iss`', schema: 'CompleteResult' },
      400: { description: '`invalid_request`: unknown, used or expired handle' },
      401: { description: '`login_required`: no token, an API token, or a sign-in older than `prompt=login` or `max_age` allow' },
      403: { description: '`access_denied`: the person is not of the organization the app asked for' },
    },
  }),
  route({
    method: 'GET', path: '/oauth2/userinfo', group: 'oidc', operation: 'userinfo', auth: 'user', errors: 'oauth',
    summary: 'OpenID Connect UserInfo: `sub`, name, login, email, organization and role of the token’s user',
    responses: { 200: { description: 'Claims about the signed-in user', schema: 'UserInfo' } },
  }),
  route({
    method: 'GET', path: '/oauth2/logout', group: 'oidc', operation: 'endSession', auth: 'public', errors: 'page', query: oidc.LogoutQuery,
    summary: 'RP-initiated logout: end the session the ID token names and the sign-in it came from',
    responses: {
      302: { description: 'To the registered `post_logout_redirect_uri`, with `state`' },
      200: { description: 'An HTML page saying the person is signed out (no redirect asked for)' },
      400: { description: 'An HTML page, never a redirect, for an unregistered address or an ID token not issued to the client' },
    },
  }),
] as const;

export type Route = (typeof routes)[number];
export type RouteOf<G extends FunctionGroup> = Extract<Route, { group: G }>;
export type OperationOf<G extends FunctionGroup> = RouteOf<G>['operation'];

export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>) => `${route.method} ${route.path}`;
