import { route } from '../route';
import { AuthorizeQuery, CompleteBody, LogoutQuery, PendingRequestQuery } from '../../oauth/authorization-schemas';

/** The `oidc` function's routes: sign-in for the SaaS’s apps: OpenID Connect authorization code with PKCE (functions/oidc.ts). */
export const oidcRoutes = [
  // ---- sign-in for the SaaS's apps: OpenID Connect authorization code with PKCE (issue 14) ----
  route({
    method: 'GET', path: '/oauth2/authorize', group: 'oidc', operation: 'authorize', auth: 'public', errors: 'page', query: AuthorizeQuery,
    summary: 'Start an app’s sign-in (OpenID Connect authorization code flow, PKCE S256 required)',
    responses: {
      302: { description: 'To the console’s sign-in page with `?request=<handle>` (10 minutes); or, for a bad request from a trusted client, to its redirect URI with `error`, `state` and `iss`' },
      400: { description: 'An HTML page, never a redirect, for an unknown client or a redirect URI not registered for it (exact match)' },
    },
  }),
  route({
    method: 'POST', path: '/oauth2/authorize', group: 'oidc', operation: 'authorizeByForm', auth: 'public', errors: 'page', encoding: 'form', body: AuthorizeQuery,
    summary: 'The same authorization request sent as a form post (OpenID Connect Core §3.1.2.1: GET and POST)',
    responses: {
      302: { description: 'To the console’s sign-in page with `?request=<handle>` (10 minutes); or, for a bad request from a trusted client, to its redirect URI with `error`, `state` and `iss`' },
      400: { description: 'An HTML page, never a redirect, for an unknown client or a redirect URI not registered for it (exact match)' },
    },
  }),
  route({
    method: 'GET', path: '/oauth2/authorize/request', group: 'oidc', operation: 'describeAuthorizeRequest', auth: 'public', errors: 'oauth', query: PendingRequestQuery,
    summary: 'The console’s view of a pending sign-in request: which app, prompt, login hint, organization',
    responses: { 200: { description: 'The pending request', schema: 'PendingRequest' }, 400: { description: '`invalid_request`: unknown, used or expired handle' } },
  }),
  route({
    method: 'POST', path: '/oauth2/authorize/complete', group: 'oidc', operation: 'completeAuthorize', auth: 'optional', errors: 'oauth', body: CompleteBody,
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
    method: 'GET', path: '/oauth2/logout', group: 'oidc', operation: 'endSession', auth: 'public', errors: 'page', query: LogoutQuery,
    summary: 'RP-initiated logout: end the session the ID token names and the sign-in it came from',
    responses: {
      302: { description: 'To the registered `post_logout_redirect_uri`, with `state`' },
      200: { description: 'An HTML page saying the person is signed out (no redirect asked for)' },
      400: { description: 'An HTML page, never a redirect, for an unregistered address or an ID token not issued to the client' },
    },
  }),
] as const;
