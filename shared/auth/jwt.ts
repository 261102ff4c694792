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
/** How far clocks may disagree when a token's time claims are judged. */
const CLOCK_TOLERANCE_SECONDS = 5;
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
 *
 * A token that passed is remembered (see `stillVerified`), so a client's next requests with the
 * same token skip the signature and the parsing; what can change meanwhile is checked again.
 */
export async function verifyAccessToken(token: string): Promise<Readonly<AccessClaims> | undefined> {
  const { published } = await keyRing();
  const { JWT_ISSUER, JWT_AUDIENCE } = config();
  const keys = published();
  const remembered = verified.get(token);
  if (remembered) {
    if (stillVerified(remembered, keys, JWT_ISSUER, JWT_AUDIENCE)) return remembered.payload;
    verified.delete(token);
  }
  const passed = verifyInFull(token, keys, JWT_ISSUER, JWT_AUDIENCE);
  if (!passed) return undefined;
  remember(token, { payload: Object.freeze(passed.payload), kid: passed.kid, issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
  return passed.payload;
}

type AccessClaims = JWTPayload & AccessTokenClaims;
type PublishedKey = ReturnType<Awaited<ReturnType<typeof keyRing>>['published']>[number];

/** An access token that passed `verifyInFull`, with what its passing depended on. */
interface Verified {
  payload: Readonly<AccessClaims>;
  kid: string;
  issuer: string;
  audience: string;
}

/**
 * Verified access tokens by their exact text (signature included, so only what passed is here),
 * oldest first. A client sends the same token for its whole 15 minutes, and on every request the
 * signature check and jose's parse were a tenth of a GET /v1/me's CPU. Bounded: past the limit the
 * oldest entry goes, and a forgotten token is simply verified in full again.
 */
const verified = new Map<string, Verified>();
const VERIFIED_LIMIT = 1000;

function remember(token: string, entry: Verified) {
  if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.keys().next().value!);
  verified.set(token, entry);
}

/**
 * What a full verification would say now, of a token that passed before: its key still
 * published (a retired or withdrawn key takes its tokens with it at once), the same issuer and
 * audience, and the time claims judged as jose judges them (`exp`, `nbf`, 5 seconds' tolerance).
 */
function stillVerified(entry: Verified, keys: readonly PublishedKey[], issuer: string, audience: string): boolean {
  const now = Math.floor(clock.now() / 1000);
  const { exp, nbf } = entry.payload;
  return (
    entry.issuer === issuer &&
    entry.audience === audience &&
    typeof exp === 'number' &&
    exp > now - CLOCK_TOLERANCE_SECONDS &&
    (nbf === undefined || nbf <= now + CLOCK_TOLERANCE_SECONDS) &&
    keys.some((key) => key.kid === entry.kid)
  );
}

function verifyInFull(token: string, keys: readonly PublishedKey[], issuer: string, audience: string): { payload: AccessClaims; kid: string } | undefined {
  try {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined;
    const [encodedHeader, encodedPayload, signature] = parts as [string, string, string];
    const header = decodeJson(encodedHeader) as Record<string, unknown> | null;
    if (!header || typeof header !== 'object' || Array.isArray(header)) return undefined;
    // What jose refused before looking at a key: another algorithm, and the crit/b64 extensions.
    if (header.alg !== SIGNING_ALG || 'crit' in header || 'b64' in header) return undefined;
    const key = keys.find((candidate) => candidate.kid === header.kid);
    if (!key) return undefined;
    // RS256 is RSASSA-PKCS1-v1_5 with SHA-256, node:crypto's default padding for an RSA key.
    if (!verifySignature('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), key.publicKey, Buffer.from(signature, 'base64url'))) {
      return undefined;
    }
    const claimsOnly = `${Buffer.from(JSON.stringify({ alg: 'none', typ: header.typ })).toString('base64url')}.${encodedPayload}.`;
    const { payload } = UnsecuredJWT.decode(claimsOnly, {
      issuer,
      audience,
      typ: ACCESS_TOKEN_TYP,
      currentDate: new Date(clock.now()),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: [...ACCESS_TOKEN_REQUIRED_CLAIMS],
    }) as { payload: JWTPayload & AccessTokenClaims };
    const { org, sid, api_token_id: apiTokenId, scope, client_id: clientId } = payload;
    if (typeof org !== 'string' || typeof scope !== 'string' || typeof clientId !== 'string') return undefined;
    // Exactly one of a session or an API token stands behind an access token.
    if ((typeof sid === 'string') === (typeof apiTokenId === 'string')) return undefined;
    return { payload, kid: key.kid };
  } catch {
    return undefined;
  }
}

/** The ID token's claims, verified (for `id_token_hint`, issue 14); undefined when invalid. */
export async function verifyIdToken(token: string, audience: string, options: { allowExpired?: boolean } = {}): Promise<(JWTPayload & IdTokenClaims) | undefined> {
  const { published } = await keyRing();
  try {
    const { payload, protectedHeader } = await jwtVerify<IdTokenClaims>(
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
        clockTolerance: options.allowExpired ? 365 * 86400 : CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'sid', 'iat'],
      },
    );
    // An access token is never an ID token, even for an audience that happens to match.
    if (protectedHeader.typ === ACCESS_TOKEN_TYP) return undefined;
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
