import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { clock, nowSeconds } from '../clock';
import { config } from '../config';
import { newId } from '../ids';
import type { Role } from '../data/users';
import { keyRing } from './keys';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
/** The JWT `typ` of access tokens (RFC 9068); any other kind of token is refused as a Bearer. */
const ACCESS_TYP = 'at+jwt';

export interface AccessClaims {
  sub: string;
  org: string;
  role: Role;
  sid: string;
}

export async function signAccessToken(claims: AccessClaims): Promise<string> {
  const { current } = await keyRing();
  const { JWT_ISSUER, JWT_AUDIENCE } = config();
  const now = nowSeconds();
  return new SignJWT({ org: claims.org, role: claims.role, sid: claims.sid })
    .setProtectedHeader({ alg: 'EdDSA', kid: current.kid, typ: ACCESS_TYP })
    .setSubject(claims.sub)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_SECONDS)
    .setJti(newId())
    .sign(current.privateKey);
}

/** Verifies signature (EdDSA only), kid, typ, issuer, audience and expiry; undefined when any fails. */
export async function verifyAccessToken(token: string): Promise<(JWTPayload & AccessClaims) | undefined> {
  const { all } = await keyRing();
  const { JWT_ISSUER, JWT_AUDIENCE } = config();
  try {
    const { payload } = await jwtVerify<AccessClaims>(
      token,
      (header) => {
        const key = all.find((candidate) => candidate.kid === header.kid);
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      {
        algorithms: ['EdDSA'],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        typ: ACCESS_TYP,
        currentDate: new Date(clock.now()),
        clockTolerance: 5,
        requiredClaims: ['sub', 'org', 'role', 'sid', 'exp', 'iat', 'jti'],
      },
    );
    if (typeof payload.org !== 'string' || typeof payload.sid !== 'string') return undefined;
    return payload;
  } catch {
    return undefined;
  }
}

export async function jwks() {
  const { all } = await keyRing();
  return { keys: all.map((key) => key.publicJwk) };
}
