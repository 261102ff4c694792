import * as z from 'zod';

/**
 * The OAuth and OpenID Connect routes' JSON answers, for the OpenAPI document only (see
 * shared/http/responses.ts); the requests they answer are in schemas.ts and
 * authorization-schemas.ts beside this file.
 */

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

export const PendingRequest = z
  .object({
    client: z.object({ id: z.string(), name: z.string() }),
    prompt: z.enum(['login', 'none']).nullable(),
    loginHint: z.string().nullable(),
    org: z.string().nullable(),
    expiresAt: z.string(),
  })
  .meta({ id: 'OidcPendingRequest', description: 'What the console shows while it signs the person in' });

export const CompleteResult = z
  .object({ redirectTo: z.url().meta({ description: 'The client’s redirect URI with `code` (or `error`), `state` and `iss`' }) })
  .meta({ id: 'OidcCompleteResult' });

export const UserInfo = z
  .object({
    sub: z.string(),
    name: z.string().optional(),
    preferred_username: z.string().optional().meta({ description: 'The login' }),
    locale: z.string().optional().meta({ description: 'The user’s language (`en`, `de`, `fr`, `es`, `pt-BR`, `ja`), with `profile`, when the user chose one' }),
    email: z.string().optional(),
    email_verified: z.boolean().optional(),
    org: z.string().meta({ description: 'Organization id' }),
    role: z.enum(['root', 'admin', 'developer']),
  })
  .meta({ id: 'OidcUserInfo' });
