import { config } from '../config';
import type { Role } from '../data/users';
import { catalog } from './permissions';

/**
 * What every token Gatehouse issues carries and how long it lives, in one place (STYLE §12).
 * Signing and verification are in ./jwt.ts; this module holds only the declarations, so that
 * what a token says can be read here without reading crypto.
 */

/** Lifetimes, in seconds. */
export const LIFETIMES = {
  /** RFC 9068 access token: short, because consumers verify it offline. */
  accessToken: 15 * 60,
  /** OpenID Connect ID token (issue 14): read once by the app at sign-in. */
  idToken: 15 * 60,
  /** Authorization code (issue 14): single use. */
  authorizationCode: 60,
  /** A pending /oauth2/authorize request behind its opaque handle (issue 14). */
  authorizeRequest: 10 * 60,
} as const;

/** Opaque refresh tokens (a session): `SESSION_DAYS` of the deployment. */
export const refreshTokenSeconds = (): number => config().SESSION_DAYS * 86400;

/** A signing key must stay published at least this long after its last signature. */
export const LONGEST_SIGNED_TOKEN_SECONDS = Math.max(LIFETIMES.accessToken, LIFETIMES.idToken);

/** The JWT `typ` of access tokens (RFC 9068 §2.1); any other kind of JWT is refused as a Bearer. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** The one signing algorithm (PRODUCT.md: what API Gateway, ALB and every OIDC library accept). */
export const SIGNING_ALG = 'RS256';

/**
 * The `client_id` of access tokens that come from Gatehouse's own login (/v1/auth/*): the
 * console. Registered applications use their own id; client credentials use the user's id.
 */
export const CONSOLE_CLIENT_ID = 'console';

/**
 * RFC 9068 access token claims. `iss`, `aud`, `exp`, `iat`, `jti` are set by the signer.
 * Exactly one of `sid` (a human session: it ends when the session ends) and `api_token_id`
 * (client credentials: it ends when that API token is revoked or expires) is present, so
 * Gatehouse's own API judges either against the one user item it reads per request.
 */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  /** Effective permissions, space-separated (RFC 8693 §4.2); may be empty. */
  scope: string;
  /** Organization id. */
  org: string;
  role: Role;
  sid?: string;
  api_token_id?: string;
  /** Human sign-ins: how (RFC 8176) and when the session's sign-in authenticated; kept across refreshes. */
  amr?: string[];
  auth_time?: number;
  /** An enterprise SSO sign-in (`amr: ["ext"]`): the connection it came through (shared/api/sso.md "Tokens"). */
  idp?: string;
}
export type AccessTokenInput = Omit<AccessTokenClaims, 'iss' | 'aud' | 'exp' | 'iat' | 'jti'>;
export const ACCESS_TOKEN_REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope', 'org', 'role'] as const;

/** OpenID Connect ID token claims (issue 14). `aud` is the client id. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  auth_time: number;
  nonce?: string;
  sid: string;
  amr: string[];
  /** As in the access token: the SSO connection of the sign-in. */
  idp?: string;
  org: string;
  role: Role;
  /** By scope: `profile` → name, preferred_username, locale (when the user has one); `email` → email, email_verified. */
  name?: string;
  preferred_username?: string;
  locale?: string;
  email?: string;
  email_verified?: boolean;
}
export type IdTokenInput = Omit<IdTokenClaims, 'iss' | 'exp' | 'iat'>;

/** OpenID Connect scopes beside the permission catalog, and the claims each one releases. */
export const OIDC_SCOPES = {
  openid: ['sub'],
  profile: ['name', 'preferred_username', 'locale'],
  email: ['email', 'email_verified'],
  offline_access: [],
} as const satisfies Record<string, readonly string[]>;
export type OidcScope = keyof typeof OIDC_SCOPES;

/** Everything a token may carry as `scope`: the OIDC scopes and the deployment's permissions. */
export const scopesSupported = (): string[] => [...Object.keys(OIDC_SCOPES), ...catalog().map((permission) => permission.name)];

export const CLAIMS_SUPPORTED = [
  'iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'amr', 'idp', 'org', 'role',
  'name', 'preferred_username', 'locale', 'email', 'email_verified',
] as const;

export const joinScope = (scopes: readonly string[]): string => [...new Set(scopes)].join(' ');
export const splitScope = (scope: string | undefined): string[] => [...new Set((scope ?? '').split(' ').filter(Boolean))];
