import { route } from '../route';
import {
  AcsForm,
  CreateConnectionBody,
  DomainBody,
  OidcCallbackQuery,
  PatchConnectionBody,
  SsoCompleteBody,
  SsoStartBody,
} from '../requests/sso';

/** The IdP's answers may be up to 256 KiB (shared/api/sso.md "Limits"). */
const ACS_BODY_BYTES = 256 * 1024;

/**
 * The `sso` function's routes: enterprise single sign-on (issue 31, shared/api/sso.md). The
 * `/v1/org/*` routes are the root's; `/v1/auth/sso/*` the console's; `/sso/saml/*` and
 * `/sso/oidc/*` are for the person's browser coming from or going to the IdP, so they answer
 * errors as pages and redirect to the console, never to an address from the request.
 */
export const ssoRoutes = [
  route({
    method: 'POST', path: '/v1/org/domains', group: 'sso', operation: 'claimDomain', auth: 'user', body: DomainBody,
    summary: 'Claim an email domain for single sign-on (root); prove it with the DNS TXT record answered',
    responses: {
      201: { description: 'The domain, pending', schema: 'SsoDomain' },
      400: { description: '`consumer_domain` (gmail.com, outlook.com, yahoo.com, icloud.com, proton.me, aol.com, gmx.* …) or `validation_failed`' },
      403: { description: 'Admins and developers' },
      409: { description: '`domain_taken` (verified by another organization), `conflict` (already claimed here), `too_many_domains` (20)' },
    },
  }),
  route({
    method: 'GET', path: '/v1/org/domains', group: 'sso', operation: 'listDomains', auth: 'user',
    summary: 'The organization’s claimed domains (root)',
    responses: { 200: { description: 'Domains', schema: 'SsoDomainList' }, 403: { description: 'Admins and developers' } },
  }),
  route({
    method: 'POST', path: '/v1/org/domains/{id}/verify', group: 'sso', operation: 'verifyDomain', auth: 'user',
    summary: 'Look the TXT record up now (never cached) and mark the domain verified when it holds the value',
    responses: {
      200: { description: 'The domain, verified', schema: 'SsoDomain' },
      404: { description: 'No such domain' },
      409: { description: '`domain_not_verified` (record not found yet) or `domain_taken`' },
      503: { description: 'DNS did not answer' },
    },
  }),
  route({
    method: 'DELETE', path: '/v1/org/domains/{id}', group: 'sso', operation: 'removeDomain', auth: 'user',
    summary: 'Give a domain up (it is free for others afterwards)',
    responses: { 204: { description: 'Removed' }, 404: { description: 'No such domain' }, 409: { description: '`domain_in_use`: a connection serves it' } },
  }),
  route({
    method: 'POST', path: '/v1/org/sso/connections', group: 'sso', operation: 'createConnection', auth: 'user', body: CreateConnectionBody,
    summary: 'Connect the organization’s IdP (root): SAML (metadata, or entity ID, SSO URL and certificates) or OIDC (issuer, client ID and secret)',
    responses: {
      201: { description: 'The connection, with the SP details for the IdP admin', schema: 'SsoConnection' },
      400: { description: '`invalid_metadata`, `invalid_issuer` or `validation_failed`' },
      403: { description: 'Admins and developers' },
      409: { description: '`domain_not_verified`, `domain_in_use`, `too_many_connections` (10)' },
    },
  }),
  route({
    method: 'GET', path: '/v1/org/sso/connections', group: 'sso', operation: 'listConnections', auth: 'user',
    summary: 'The organization’s SSO connections (root)',
    responses: { 200: { description: 'Connections', schema: 'SsoConnectionList' }, 403: { description: 'Admins and developers' } },
  }),
  route({
    method: 'GET', path: '/v1/org/sso/connections/{id}', group: 'sso', operation: 'getConnection', auth: 'user',
    summary: 'One SSO connection (root), with ETag',
    responses: { 200: { description: 'The connection', schema: 'SsoConnection' }, 404: { description: 'No such connection' } },
  }),
  route({
    method: 'PATCH', path: '/v1/org/sso/connections/{id}', group: 'sso', operation: 'patchConnection', auth: 'user', body: PatchConnectionBody,
    summary: 'Change a connection: any field but the protocol; `saml.metadataXml` replaces entity ID, SSO URL and certificates',
    responses: { 200: { description: 'The connection', schema: 'SsoConnection' }, 404: { description: 'No such connection' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'DELETE', path: '/v1/org/sso/connections/{id}', group: 'sso', operation: 'deleteConnection', auth: 'user',
    summary: 'Delete a connection: every session it made ends at once; its users stay',
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such connection' } },
  }),
  route({
    method: 'POST', path: '/v1/org/sso/connections/{id}/test', group: 'sso', operation: 'testConnection', auth: 'user',
    summary: 'Start a Test sign-in (also on a disabled connection): shows what the IdP sent, signs nobody in',
    responses: { 200: { description: 'Where to send the browser', schema: 'SsoRedirect' }, 404: { description: 'No such connection' } },
  }),
  route({
    method: 'POST', path: '/v1/auth/sso/start', group: 'sso', operation: 'startSso', auth: 'public', body: SsoStartBody,
    summary: 'Home-realm discovery: the IdP of the email’s domain (or of org + connection); sets the `gatehouse_sso` cookie',
    responses: {
      200: { description: 'Where to send the browser (the IdP)', schema: 'SsoRedirect' },
      404: { description: '`sso_not_configured`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/sso/complete', group: 'sso', operation: 'completeSso', auth: 'optional', body: SsoCompleteBody, sessionCookie: 'issues',
    summary: 'The console finishes an SSO sign-in with its one-time handle (and the `gatehouse_sso` cookie of the browser that started it)',
    responses: {
      200: { description: 'Tokens; or `{ redirectTo }` for an app’s pending request; or `{ test }` for a Test sign-in', schema: 'SsoCompleteResult' },
      400: { description: '`invalid_handle`' },
      401: { description: 'A Test sign-in’s result without a token' },
      403: { description: 'A Test sign-in’s result asked for by someone else' },
    },
  }),
  route({
    method: 'GET', path: '/sso/saml/{id}/metadata', group: 'sso', operation: 'samlMetadata', auth: 'public', errors: 'page',
    summary: 'The connection’s SAML service-provider metadata (entity ID, ACS, encryption and signing certificate)',
    produces: ['application/samlmetadata+xml'],
    responses: { 200: { description: 'SAML metadata' }, 404: { description: 'Unknown or deleted connection' } },
  }),
  route({
    method: 'POST', path: '/sso/saml/{id}/acs', group: 'sso', operation: 'samlAcs', auth: 'public', errors: 'page', encoding: 'form', body: AcsForm, maxBodyBytes: ACS_BODY_BYTES,
    summary: 'Assertion consumer service (SAML HTTP-POST binding)',
    responses: {
      303: { description: 'To the console: `/sso/complete#handle=…` or `#error=<code>`' },
      400: { description: 'A page: no SAMLResponse' },
      404: { description: 'A page: unknown or deleted connection' },
      413: { description: 'A page: more than 256 KiB' },
    },
  }),
  route({
    method: 'GET', path: '/sso/oidc/{id}/callback', group: 'sso', operation: 'oidcCallback', auth: 'public', errors: 'page', query: OidcCallbackQuery,
    summary: 'The OpenID Connect IdP’s redirect back (code, state, iss or error)',
    responses: {
      303: { description: 'To the console: `/sso/complete#handle=…` or `#error=<code>`' },
      404: { description: 'A page: unknown or deleted connection' },
    },
  }),
] as const;
