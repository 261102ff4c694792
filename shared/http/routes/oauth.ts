import { route } from '../route';
import { IntrospectionRequest, RevocationRequest, TokenRequest } from '../../oauth/schemas';

/** The `oauth` function's routes: OAuth 2.0: discovery, token, introspection, revocation, with form bodies and RFC 6749 errors (functions/oauth.ts). */
export const oauthRoutes = [
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
    summary: 'Token endpoint (RFC 6749 §3.2): client_credentials with a user id and one of its API tokens (Basic or form)', body: TokenRequest,
    responses: {
      200: { description: 'An RS256 access token (RFC 9068) for 15 minutes; no refresh token for client credentials', schema: 'TokenResponse' },
      400: { description: '`invalid_request` (also a JSON body), `invalid_grant`, `unauthorized_client`, `unsupported_grant_type`, `invalid_scope`', schema: 'OAuthErrorBody' },
      401: { description: '`invalid_client`, with `WWW-Authenticate: Basic`', schema: 'OAuthErrorBody' },
      429: { description: 'Too many wrong secrets for this client id; see `Retry-After`', schema: 'OAuthErrorBody' },
    },
  }),
  route({
    method: 'POST', path: '/oauth2/introspect', group: 'oauth', operation: 'introspect', auth: 'public', errors: 'oauth', encoding: 'form',
    summary: 'Token introspection (RFC 7662) for confidential registered clients: access, refresh and API tokens, by their current state', body: IntrospectionRequest,
    responses: {
      200: { description: 'The token’s current state; anything not good now is `{ "active": false }`', schema: 'IntrospectionResponse' },
      400: { description: '`invalid_request`', schema: 'OAuthErrorBody' },
      401: { description: '`invalid_client` (unknown, public or wrong secret), with `WWW-Authenticate: Basic`', schema: 'OAuthErrorBody' },
    },
  }),
  route({
    method: 'POST', path: '/oauth2/revoke', group: 'oauth', operation: 'revoke', auth: 'public', errors: 'oauth', encoding: 'form',
    summary: 'Token revocation (RFC 7009): a refresh token or a session’s access token ends the session; a client-credentials access token revokes its API token', body: RevocationRequest,
    responses: {
      200: { description: 'Revoked, or was not a live token (always 200)' },
      400: { description: '`invalid_request`', schema: 'OAuthErrorBody' },
      401: { description: '`invalid_client`, with `WWW-Authenticate: Basic`', schema: 'OAuthErrorBody' },
    },
  }),
] as const;
