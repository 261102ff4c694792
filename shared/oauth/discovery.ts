import { CLAIMS_SUPPORTED, SIGNING_ALG, scopesSupported } from '../auth/tokens';
import { config } from '../config';
import { routeKey, routes, type RouteDef } from '../http/routes';
import { GRANTS } from './token';

const has = (method: RouteDef['method'], path: string) => (routes as readonly RouteDef[]).some((route) => routeKey(route) === `${method} ${path}`);

/**
 * OpenID Connect Discovery 1.0 and RFC 8414 metadata (the same document at both addresses).
 * `issuer` is the `iss` of every token byte for byte. An endpoint is listed only when its route
 * is in the route table and a grant only when the token endpoint has it, so the document never
 * promises what is not served (the authorization-code flow adds its endpoints as it lands).
 */
export function discoveryDocument() {
  const issuer = config().JWT_ISSUER;
  const at = (path: string) => `${issuer}${path}`;
  const authorize = has('GET', '/oauth2/authorize');
  const clientAuth = ['client_secret_basic', 'client_secret_post'];
  return {
    issuer,
    ...(authorize ? { authorization_endpoint: at('/oauth2/authorize') } : {}),
    token_endpoint: at('/oauth2/token'),
    ...(has('GET', '/oauth2/userinfo') ? { userinfo_endpoint: at('/oauth2/userinfo') } : {}),
    jwks_uri: at('/.well-known/jwks.json'),
    introspection_endpoint: at('/oauth2/introspect'),
    revocation_endpoint: at('/oauth2/revoke'),
    ...(has('GET', '/oauth2/logout') ? { end_session_endpoint: at('/oauth2/logout') } : {}),
    response_types_supported: authorize ? ['code'] : [],
    ...(authorize ? { response_modes_supported: ['query'], code_challenge_methods_supported: ['S256'], authorization_response_iss_parameter_supported: true } : {}),
    grant_types_supported: Object.keys(GRANTS),
    // Public clients authenticate with `none` at the token endpoint once they have a grant there.
    token_endpoint_auth_methods_supported: authorize ? [...clientAuth, 'none'] : clientAuth,
    introspection_endpoint_auth_methods_supported: clientAuth,
    revocation_endpoint_auth_methods_supported: authorize ? [...clientAuth, 'none'] : clientAuth,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    scopes_supported: scopesSupported(),
    claims_supported: [...CLAIMS_SUPPORTED],
  };
}
