import { verify as verifySignature } from 'node:crypto';
import { SignJWT, UnsecuredJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { clock, nowSeconds } from '../clock';
import { config } from '../config';
import { newId } from '../ids';
import { keyRing } from './keys';
import {
  ACCESS_TOKEN_REQUIRED_CLAIMS,
  ACCESS_TOKEN_TYP,
  LIFETIMES,
  SIGNING_ALG,
  type AccessTokenClaims,
  type AccessTokenInput,
  type IdTokenClaims,
  type IdTokenInput,
} from './tokens';

/** Kept for callers that name the lifetime: the one value lives in ./tokens. */
export const ACCESS_TOKEN_SECONDS = LIFETIMES.accessToken;

async function sign(claims: Record<string, unknown>, options: { typ: string; audience: string; lifetime: number; jti?: boolean }): Promise<string> {
  const { signer } = await keyRing();
  const key = signer();
  const now = nowSeconds();
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: options.typ })
    .setIssuer(config().JWT_ISSUER)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + options.lifetime);
  if (options.jti) jwt.setJti(newId());
  return jwt.sign(key.privateKey);
}

/** An RFC 9068 access token for the deployment's audience (`JWT_AUDIENCE`). */
export function signAccessToken(input: AccessTokenInput): Promise<string> {
  const { sub, ...rest } = input;
  return sign({ sub, ...rest }, { typ: ACCESS_TOKEN_TYP, audience: config().JWT_AUDIENCE, lifetime: LIFETIMES.accessToken, jti: true });
}

/** An OpenID Connect ID token; its audience is the client (issue 14). */
export function signIdToken(input: IdTokenInput): Promise<string> {
  const { aud, ...rest } = input;
  return sign(rest, { typ: 'JWT', audience: aud, lifetime: LIFETIMES.idToken });
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const decodeJson = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/**
 * Verifies an access token as every consumer should: RS256 only (EdDSA, HS256, `none` and any
 * other algorithm refused before a key is looked at), a `kid` published in the JWKS now,
 * `typ: at+jwt`, issuer, audience, expiry. Undefined when any check fails.
 *
 * Every authenticated request runs this, so the signature is checked with node:crypto's
 * synchronous RSA verify: jose's WebCrypto verify sends each check to the libuv thread pool
 * and back, one more wake-up of the event loop per request, which `npm run bench` and the
 * peers harness measured as CPU. The claims are still judged by jose, with the same options,
 * over the very payload whose signature was just checked.
 */
export async function verifyAccessToken(token: string): Promise<(JWTPayload & AccessTokenClaims) | undefined> {
  const { published } = await keyRing();
  const { JWT_ISSUER, JWT_AUDIENCE } = config();
  try {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined;
    const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
    const header = decodeJson(encodedHeader) as Record<string, unknown> | null;
    if (!header || typeof header !== 'object' || Array.isArray(header)) return undefined;
    // What jose refused before looking at a key: another algorithm, and the crit/b64 extensions.
    if (header.alg !== SIGNING_ALG || 'crit' in header || 'b64' in header) return undefined;
    const key = published().find((candidate) => candidate.kid === header.kid);
    if (!key) return undefined;
    // RS256 is RSASSA-PKCS1-v1_5 with SHA-256, node:crypto's default padding for an RSA key.
    if (!verifySignature('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), key.publicKey, Buffer.from(signature, 'base64url'))) {
      return undefined;
    }
    const claimsOnly = `${Buffer.from(JSON.stringify({ alg: 'none', typ: header.typ })).toString('base64url')}.${encodedPayload}.`;
    const { payload } = UnsecuredJWT.decode(claimsOnly, {
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      typ: ACCESS_TOKEN_TYP,
      currentDate: new Date(clock.now()),
      clockTolerance: 5,
      requiredClaims: [...ACCESS_TOKEN_REQUIRED_CLAIMS],
    }) as { payload: JWTPayload & AccessTokenClaims };
    const { org, sid, api_token_id: apiTokenId, scope, client_id: clientId } = payload;
    if (typeof org !== 'string' || typeof scope !== 'string' || typeof clientId !== 'string') return undefined;
    // Exactly one of a session or an API token stands behind an access token.
    if ((typeof sid === 'string') === (typeof apiTokenId === 'string')) return undefined;
    return payload;
  } catch {
    return undefined;
  }
}

/** The ID token's claims, verified (for `id_token_hint`, issue 14); undefined when invalid. */
export async function verifyIdToken(token: string, audience: string, options: { allowExpired?: boolean } = {}): Promise<(JWTPayload & IdTokenClaims) | undefined> {
  const { published } = await keyRing();
  try {
    const { payload } = await jwtVerify<IdTokenClaims>(
      token,
      (header) => {
        const key = published().find((candidate) => candidate.kid === header.kid);
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      {
        algorithms: [SIGNING_ALG],
        issuer: config().JWT_ISSUER,
        audience,
        currentDate: new Date(clock.now()),
        // An expired ID token still names who signed in (RP-initiated logout's `id_token_hint`).
        clockTolerance: options.allowExpired ? 365 * 86400 : 5,
        requiredClaims: ['sub', 'sid', 'iat'],
      },
    );
    return payload;
  } catch {
    return undefined;
  }
}

/** The public half of every published key: `kid`, `kty`, `alg`, `use`, `n`, `e`, nothing private. */
export async function jwks() {
  const { published } = await keyRing();
  return { keys: published().map((key) => key.publicJwk) };
}
