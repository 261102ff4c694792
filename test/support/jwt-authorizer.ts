import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

/**
 * API Gateway HTTP API's JWT authorizer, check for check, as its documentation describes the
 * workflow ("Control access to HTTP APIs with JWT authorizers in API Gateway"):
 *   1. the identity source holds the token alone or prefixed with `Bearer `;
 *   2. decode it;
 *   3. check the algorithm and the signature with the public key from the issuer's `jwks_uri`
 *      (found through `<issuer>/.well-known/openid-configuration`); only RSA-based algorithms;
 *   4. validate the claims: `kid` names a key of the jwks_uri; `iss` equals the configured
 *      issuer; `aud` (or, only when there is no `aud`, `client_id`) is one of the configured
 *      audiences; `exp` after now; `nbf` and `iat` before now; `scope` or `scp` holds at least
 *      one of the route's `authorizationScopes`.
 * Written independently of jose and of Gatehouse's own verifier, so it judges both.
 */
export interface AuthorizerConfig {
  issuer: string;
  audience: string[];
  authorizationScopes?: string[];
  now?: number;
}

export type Verdict = { allowed: true; claims: Record<string, unknown> } | { allowed: false; reason: string };

const RSA_ALGORITHMS: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

export async function jwtAuthorizer(identitySource: string, config: AuthorizerConfig): Promise<Verdict> {
  const deny = (reason: string): Verdict => ({ allowed: false, reason });
  // 1. The token, alone or after "Bearer ".
  const token = identitySource.startsWith('Bearer ') ? identitySource.slice('Bearer '.length) : identitySource;
  // 2. Decode.
  const parts = token.split('.');
  if (parts.length !== 3) return deny('not a JWS');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = json(parts[0]!);
    claims = json(parts[1]!);
  } catch {
    return deny('undecodable');
  }
  // 3. Algorithm (RSA only) and signature, with the key the discovery document points to.
  const hash = typeof header.alg === 'string' ? RSA_ALGORITHMS[header.alg] : undefined;
  if (!hash) return deny(`algorithm ${String(header.alg)} is not RSA-based`);
  const discovery = (await (await fetch(`${config.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string; issuer: string };
  const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<JsonWebKey & { kid?: string }> };
  // 4a. kid: a key of the jwks_uri.
  const jwk = jwks.keys.find((key) => key.kid !== undefined && key.kid === header.kid);
  if (!jwk) return deny('kid not in the JWKS');
  if (jwk.kty !== 'RSA') return deny('key is not RSA');
  const signed = verify(hash, Buffer.from(`${parts[0]}.${parts[1]}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(parts[2]!, 'base64url'));
  if (!signed) return deny('bad signature');
  // 4b. iss.
  if (claims.iss !== config.issuer) return deny('iss');
  // 4c. aud, or client_id only when there is no aud.
  if (claims.aud !== undefined) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((aud) => config.audience.includes(String(aud)))) return deny('aud');
  } else if (!config.audience.includes(String(claims.client_id))) return deny('client_id');
  // 4d. exp, nbf, iat against now (UTC seconds).
  const now = (config.now ?? Date.now()) / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= now) return deny('exp');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) return deny('nbf');
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > now)) return deny('iat');
  // 4e. scope (space-separated) or scp: at least one of the route's scopes.
  if (config.authorizationScopes?.length) {
    const held =
      typeof claims.scope === 'string' ? claims.scope.split(' ') : Array.isArray(claims.scp) ? claims.scp.map(String) : typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
    if (!config.authorizationScopes.some((scope) => held.includes(scope))) return deny('scope');
  }
  return { allowed: true, claims };
}
