import { LOCALES } from '../i18n/locales';
import { CLAIMS_SUPPORTED, SIGNING_ALG, scopesSupported } from '../auth/tokens';
import { config } from '../config';
import { GRANTS } from './token';

/**
 * OpenID Connect Discovery 1.0 and RFC 8414 metadata (the same document at both addresses).
 * `issuer` is the `iss` of every token byte for byte. A grant is listed only when the token
 * endpoint has it; that every endpoint listed is served is checked against the route table
 * by test/integration/oauth-standards.test.ts, not at run time, so the `oauth` function need
 * not load the other groups' routes.
 */
export function discoveryDocument() {
  const issuer = config().JWT_ISSUER;
  const at = (path: string) => `${issuer}${path}`;
  const clientAuth = ['client_secret_basic', 'client_secret_post'];
  return {
    issuer,
    authorization_endpoint: at('/oauth2/authorize'),
    token_endpoint: at('/oauth2/token'),
    userinfo_endpoint: at('/oauth2/userinfo'),
    jwks_uri: at('/.well-known/jwks.json'),
    introspection_endpoint: at('/oauth2/introspect'),
    revocation_endpoint: at('/oauth2/revoke'),
    end_session_endpoint: at('/oauth2/logout'),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    grant_types_supported: Object.keys(GRANTS),
    // Public clients authenticate with `none` at the token endpoint and the revocation endpoint.
    token_endpoint_auth_methods_supported: [...clientAuth, 'none'],
    introspection_endpoint_auth_methods_supported: clientAuth,
    revocation_endpoint_auth_methods_supported: [...clientAuth, 'none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    scopes_supported: scopesSupported(),
    claims_supported: [...CLAIMS_SUPPORTED],
    ui_locales_supported: [...LOCALES],
  };
}
