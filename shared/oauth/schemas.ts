import * as z from 'zod';

/**
 * Schemas of the OAuth endpoints: form-encoded requests (RFC 6749 §3.2, RFC 7662 §2.1,
 * RFC 7009 §2.1) and their JSON answers. Unknown parameters are ignored, as RFC 6749 §3.2
 * requires (`z.object` strips them), and every value is bounded.
 */
const param = (max: number, description: string) => z.string().max(max).meta({ description });

export const TokenRequest = z
  .object({
    grant_type: param(200, '`client_credentials`; `authorization_code` and `refresh_token` for registered apps'),
    scope: param(4000, 'Space-separated; narrows what the grant would give (client credentials: a subset of the API token’s effective permissions)').optional(),
    client_id: param(200, '`client_secret_post` (with `client_secret`), or a public client; for client credentials, the user id').optional(),
    client_secret: param(500, '`client_secret_post`; for client credentials, one of the user’s API tokens').optional(),
    code: param(500, 'authorization_code: the code from the redirect').optional(),
    redirect_uri: param(2000, 'authorization_code: the redirect URI of the authorization request').optional(),
    code_verifier: param(128, 'authorization_code: the PKCE verifier (RFC 7636)').optional(),
    refresh_token: param(500, 'refresh_token: the current refresh token').optional(),
  })
  ;
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z
  .object({
    access_token: z.string().meta({ description: 'RS256 JWT, RFC 9068 (`typ: at+jwt`)' }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    scope: z.string().meta({ description: 'What the access token carries as `scope`, space-separated (may be empty)' }),
    id_token: z.string().optional().meta({ description: 'authorization_code with `openid`' }),
    refresh_token: z.string().optional().meta({ description: 'authorization_code and refresh_token grants; never for client credentials' }),
  })
  ;
export type TokenResponse = z.infer<typeof TokenResponse>;

const clientAuthFields = {
  client_id: param(200, '`client_secret_post`: the registered client’s id').optional(),
  client_secret: param(500, '`client_secret_post`: its secret').optional(),
};

export const IntrospectionRequest = z
  .object({
    token: param(5000, 'An access token, refresh token or API token'),
    token_type_hint: param(100, '`access_token`, `refresh_token` or `api_token`; a hint only').optional(),
    ...clientAuthFields,
  })
  ;
export type IntrospectionRequest = z.infer<typeof IntrospectionRequest>;

export const IntrospectionResponse = z
  .object({
    active: z.boolean(),
    sub: z.string().optional(),
    client_id: z.string().optional(),
    scope: z.string().optional().meta({ description: 'What it may do now: its scope intersected with the owner’s current permissions' }),
    exp: z.number().int().optional().meta({ description: 'Absent for an API token without expiry' }),
    iat: z.number().int().optional(),
    iss: z.string().optional(),
    aud: z.string().optional(),
    token_type: z.enum(['Bearer', 'refresh_token']).optional().meta({ description: '`Bearer` for access tokens and API tokens' }),
    org: z.string().optional(),
    role: z.enum(['root', 'admin', 'developer']).optional().meta({ description: 'The owner’s role now' }),
    sid: z.string().optional(),
    jti: z.string().optional(),
  })
  .meta({ description: 'RFC 7662; an inactive token answers only `{ "active": false }`' });
export type IntrospectionResponse = z.infer<typeof IntrospectionResponse>;

export const RevocationRequest = z
  .object({
    token: param(5000, 'A refresh token, access token or API token'),
    token_type_hint: param(100, '`access_token`, `refresh_token` or `api_token`; a hint only').optional(),
    ...clientAuthFields,
  })
  ;
export type RevocationRequest = z.infer<typeof RevocationRequest>;

export const OAuthErrorBody = z
  .object({ error: z.string(), error_description: z.string().optional() })
  .meta({ description: 'RFC 6749 §5.2' });

export const DiscoveryDocument = z
  .looseObject({
    issuer: z.string(),
    token_endpoint: z.string(),
    jwks_uri: z.string(),
    introspection_endpoint: z.string(),
    revocation_endpoint: z.string(),
    grant_types_supported: z.array(z.string()),
    scopes_supported: z.array(z.string()),
  })
  .meta({ description: 'OpenID Connect Discovery 1.0 / RFC 8414 metadata' });
