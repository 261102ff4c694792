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

export const RevocationRequest = z
  .object({
    token: param(5000, 'A refresh token, access token or API token'),
    token_type_hint: param(100, '`access_token`, `refresh_token` or `api_token`; a hint only').optional(),
    ...clientAuthFields,
  })
  ;
export type RevocationRequest = z.infer<typeof RevocationRequest>;

