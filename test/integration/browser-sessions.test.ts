import { describe, expect, it } from 'vitest';
import { REFRESH_COOKIE } from '../../shared/http/session-cookie';
import { type Answer, useApi } from '../support/api';
import { signUpOrg } from '../support/factories';
import { logLines } from '../support/setup';

const api = useApi();
const PREFER = { prefer: 'refresh-token=cookie' };

const refreshCookie = (answer: Answer) => {
  const header = answer.headers.getSetCookie().find((cookie) => cookie.startsWith(`${REFRESH_COOKIE}=`));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split('; ');
  return { value: pair!.slice(REFRESH_COOKIE.length + 1), attributes };
};
const cookieHeader = (value: string) => ({ cookie: `other=1; ${REFRESH_COOKIE}=${value}` });

async function browserLogin() {
  const org = await signUpOrg(api);
  const answer = await api.request('POST', '/v1/auth/login', {
    body: { org: org.slug, login: 'owner', password: org.root.password },
    headers: PREFER,
  });
  return { org, answer, cookie: refreshCookie(answer)! };
}

describe('browser sessions: the refresh token only in an HttpOnly cookie', () => {
  it('sets the cookie instead of returning the refresh token, with every protective attribute', async () => {
    const { answer, cookie } = await browserLogin();
    expect(answer.status).toBe(200);
    expect(answer.body.refreshToken).toBeUndefined();
    expect(answer.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(answer.headers.get('preference-applied')).toBe('refresh-token=cookie');
    expect(cookie.value).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\.[\w-]{43}$/);
    expect(cookie.attributes).toEqual(expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Strict']));
    expect(cookie.attributes.some((attribute) => attribute.startsWith('Domain'))).toBe(false);
  });

  it('refreshes from the cookie with a bodyless POST, rotating it; a spent cookie ends the session and is cleared', async () => {
    const { cookie } = await browserLogin();
    const first = await api.request('POST', '/v1/auth/refresh', { headers: { ...PREFER, ...cookieHeader(cookie.value) } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).toBeUndefined();
    const next = refreshCookie(first)!;
    expect(next.value).not.toBe(cookie.value);

    const me = await api.request('GET', '/v1/me', { token: first.body.accessToken });
    expect(me.status).toBe(200);

    const replay = await api.request('POST', '/v1/auth/refresh', { headers: { ...PREFER, ...cookieHeader(cookie.value) } });
    expect(replay.status).toBe(401);
    expect(refreshCookie(replay)?.attributes).toContain('Max-Age=0');
    // The replay revoked the family: the newest cookie is dead too.
    expect((await api.request('POST', '/v1/auth/refresh', { headers: { ...PREFER, ...cookieHeader(next.value) } })).status).toBe(401);
  });

  it('ignores the cookie without the Prefer header, which a cross-site form cannot send', async () => {
    const { cookie } = await browserLogin();
    const answer = await api.request('POST', '/v1/auth/refresh', { headers: cookieHeader(cookie.value) });
    expect(answer.status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { headers: { ...PREFER, ...cookieHeader(cookie.value) } })).status).toBe(200);
  });

  it('logs out from the cookie: the session ends and the cookie is cleared', async () => {
    const { cookie } = await browserLogin();
    const answer = await api.request('POST', '/v1/auth/logout', { headers: { ...PREFER, ...cookieHeader(cookie.value) } });
    expect(answer.status).toBe(204);
    expect(refreshCookie(answer)?.attributes).toContain('Max-Age=0');
    expect((await api.request('POST', '/v1/auth/refresh', { headers: { ...PREFER, ...cookieHeader(cookie.value) } })).status).toBe(401);
  });

  it('answers 401 to a cookie refresh with no cookie, and keeps body tokens for scripts', async () => {
    expect((await api.request('POST', '/v1/auth/refresh', { headers: PREFER })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: {} })).status).toBe(401);
    const org = await signUpOrg(api);
    const plain = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect(plain.body.refreshToken).toEqual(expect.any(String));
    expect(refreshCookie(plain)).toBeUndefined();
  });

  it('answers hostile cookies and preferences with 4xx, never 500', async () => {
    const hostile = ['', 'x', 'a'.repeat(8000), '..%00..', 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa.b.c.d', '"quoted"', '\u00e9t\u00e9'];
    for (const value of hostile) {
      for (const path of ['/v1/auth/refresh', '/v1/auth/logout']) {
        const answer = await api.request('POST', path, { headers: { ...PREFER, ...cookieHeader(value) } });
        expect(answer.status, `${path} ${value.slice(0, 20)}`).toBeLessThan(500);
        if (path.endsWith('refresh')) expect(answer.headers.get('content-type')).toMatch(/problem\+json/);
      }
    }
    for (const prefer of ['refresh-token=COOKIE', 'refresh-token=cookie, respond-async', 'x'.repeat(5000)]) {
      expect((await api.request('POST', '/v1/auth/refresh', { headers: { prefer } })).status).toBe(401);
    }
    const wrongType = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: 42 }, headers: PREFER });
    expect(wrongType.status).toBe(400);
  });

  it('never writes the cookie’s refresh token to a log', async () => {
    const { cookie } = await browserLogin();
    const rotated = refreshCookie(await api.request('POST', '/v1/auth/refresh', { headers: { ...PREFER, ...cookieHeader(cookie.value) } }))!;
    await api.request('POST', '/v1/auth/logout', { headers: { ...PREFER, ...cookieHeader(rotated.value) } });
    const logs = logLines.join('\n');
    expect(logs).toContain('/v1/auth/refresh');
    for (const token of [cookie.value, rotated.value]) {
      expect(logs).not.toContain(token);
      expect(logs).not.toContain(token.split('.').at(-1));
    }
  });
});
