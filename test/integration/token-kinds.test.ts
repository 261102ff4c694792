import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAccessToken, signIdToken, verifyAccessToken, verifyIdToken } from '../../shared/auth/jwt';
import { LIFETIMES } from '../../shared/auth/tokens';
import { useApi } from '../support/api';

const api = useApi();

describe('the token kinds of shared/auth/tokens.ts', () => {
  it('signs ID tokens RS256 for the client as audience, verifiable with the JWKS, and never usable as access tokens', async () => {
    const idToken = await signIdToken({
      aud: 'demo-web', sub: 'user-1', auth_time: 1_700_000_000, nonce: 'n-0S6_WzA2Mj', sid: 'session-1', amr: ['pwd', 'otp'], org: 'org-1', role: 'developer',
      name: 'Ada', preferred_username: 'ada',
    });
    const jwks = createLocalJWKSet((await api.request('GET', '/.well-known/jwks.json')).body);
    const { payload, protectedHeader } = await jwtVerify(idToken, jwks, { issuer: process.env.JWT_ISSUER, audience: 'demo-web', algorithms: ['RS256'] });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'user-1', nonce: 'n-0S6_WzA2Mj', sid: 'session-1', amr: ['pwd', 'otp'], org: 'org-1', role: 'developer' });
    expect(payload.exp! - payload.iat!).toBe(LIFETIMES.idToken);

    expect(await verifyIdToken(idToken, 'demo-web')).toMatchObject({ sub: 'user-1' });
    expect(await verifyIdToken(idToken, 'another-app')).toBeUndefined();
    // typ JWT, audience the client: refused as a Bearer on Gatehouse's API.
    expect(await verifyAccessToken(idToken)).toBeUndefined();
    expect((await api.request('GET', '/v1/me', { token: idToken })).status).toBe(401);

    // And an access token is no ID token, even when the audiences agree.
    const access = await signAccessToken({ sub: 'user-1', client_id: 'console', scope: '', org: 'org-1', role: 'developer', sid: 'session-1' });
    expect(decodeProtectedHeader(access).typ).toBe('at+jwt');
    expect(await verifyIdToken(access, process.env.JWT_AUDIENCE!)).toBeUndefined();
  });

  it('refuses an access token naming both or neither a session and an API token', async () => {
    const base = { sub: 'user-1', client_id: 'console', scope: '', org: 'org-1', role: 'developer' as const };
    expect(await verifyAccessToken(await signAccessToken(base))).toBeUndefined();
    expect(await verifyAccessToken(await signAccessToken({ ...base, sid: 's', api_token_id: 't' }))).toBeUndefined();
    expect(await verifyAccessToken(await signAccessToken({ ...base, sid: 's' }))).toMatchObject({ sid: 's' });
  });
});
