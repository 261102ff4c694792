import { createHmac, sign } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { keyRing } from '../../shared/auth/keys';
import { clock } from '../../shared/clock';
import { resetConfig } from '../../shared/config';
import { loginAs, signUpOrg } from '../support/factories';
import { useApi } from '../support/api';

/**
 * The access-token check of every request verifies the RS256 signature itself (node:crypto)
 * and lets jose judge the claims. These are the tokens it must refuse, each one otherwise
 * valid, so a refusal can only come from the check under test.
 */
const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

async function ownerToken() {
  const org = await signUpOrg(api);
  const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
  return { accessToken, claims: decodeJwt(accessToken), header: decodeProtectedHeader(accessToken) };
}

/** Signs (RS256) with the deployment's own current key, so only the changed field can be wrong. */
async function signWithOurKey(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const key = (await keyRing()).signer();
  const input = `${b64({ alg: 'RS256', kid: key.kid, typ: 'at+jwt', ...header })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

const status = async (token: string) => (await api.request('GET', '/v1/me', { token })).status;

describe('access-token check', () => {
  it('accepts the token login issued, and one re-signed unchanged with our key', async () => {
    const { accessToken, claims } = await ownerToken();
    expect(await status(accessToken)).toBe(200);
    expect(await status(await signWithOurKey(claims))).toBe(200);
  });

  it('refuses a changed payload under the original signature', async () => {
    const { accessToken, claims } = await ownerToken();
    const [header, , signature] = accessToken.split('.');
    expect(await status(`${header}.${b64({ ...claims, role: 'admin' })}.${signature}`)).toBe(401);
  });

  it('refuses HS256 keyed with the public key, and other algorithms, before any key is used', async () => {
    const { accessToken, header } = await ownerToken();
    const published = (await keyRing()).published().find((key) => key.kid === header.kid)!;
    const pem = published.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const alg of ['HS256', 'RS512', 'none']) {
      const head = b64({ ...header, alg });
      const body = accessToken.split('.')[1];
      const mac = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url');
      expect(await status(`${head}.${body}.${mac}`)).toBe(401);
    }
  });

  it('refuses a wrong typ, audience or issuer, an unknown kid and a crit header, each signed with our key', async () => {
    const { claims } = await ownerToken();
    expect(await status(await signWithOurKey(claims, { typ: 'JWT' }))).toBe(401);
    expect(await status(await signWithOurKey({ ...claims, aud: 'someone-else' }))).toBe(401);
    expect(await status(await signWithOurKey({ ...claims, iss: 'https://elsewhere.example' }))).toBe(401);
    expect(await status(await signWithOurKey(claims, { kid: 'not-a-published-kid' }))).toBe(401);
    expect(await status(await signWithOurKey(claims, { crit: ['exp'] }))).toBe(401);
  });

  it('refuses a token missing a required claim, and one with neither or both of sid and api_token_id', async () => {
    const { claims } = await ownerToken();
    const { jti: _jti, ...withoutJti } = claims;
    expect(await status(await signWithOurKey(withoutJti))).toBe(401);
    const { sid: _sid, ...withoutSid } = claims;
    expect(await status(await signWithOurKey(withoutSid))).toBe(401);
    expect(await status(await signWithOurKey({ ...claims, api_token_id: 'x' }))).toBe(401);
  });

  it('refuses an expired token beyond the 5-second tolerance, and extra or non-base64url segments', async () => {
    const { accessToken, claims } = await ownerToken();
    expect(await status(`${accessToken}.x`)).toBe(401);
    expect(await status(`${accessToken}!`)).toBe(401);
    const expiresAt = claims.exp! * 1000;
    clock.now = () => expiresAt + 3_000;
    expect(await status(accessToken)).toBe(200);
    clock.now = () => expiresAt + 10_000;
    expect(await status(accessToken)).toBe(401);
  });

  it('judges a token it accepted before against the issuer and audience of now', async () => {
    const { accessToken } = await ownerToken();
    expect(await status(accessToken)).toBe(200);
    for (const [name, value] of [['JWT_ISSUER', 'https://another-issuer.example.com'], ['JWT_AUDIENCE', 'another-audience']] as const) {
      const previous = process.env[name];
      process.env[name] = value;
      resetConfig();
      try {
        expect(await status(accessToken)).toBe(401);
      } finally {
        process.env[name] = previous;
        resetConfig();
      }
      expect(await status(accessToken)).toBe(200);
    }
  });
});
