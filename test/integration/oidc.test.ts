import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { generate } from 'otplib';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { addMember, loginAs, verifiedOrg } from '../support/factories';
import { useApi } from '../support/api';

/**
 * The authorization-code flow without a browser: the test plays the console's half (log in
 * through the API, then POST /oauth2/authorize/complete) and the app's half (the redirect,
 * the token endpoint). The browser test (test/e2e/oidc.test.ts) runs the same flow in Chromium.
 */
const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});
const advance = (ms: number) => {
  const base = clock.now;
  clock.now = () => base() + ms;
};

const WEB = { id: 'demo-web', redirectUri: 'http://127.0.0.1:8976/callback', postLogout: 'http://127.0.0.1:8976/' };
const APP2 = { id: 'demo-app-2', redirectUri: 'http://127.0.0.1:8977/callback', postLogout: 'http://127.0.0.1:8977/' };
const ISSUER = process.env.JWT_ISSUER!;

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** A GET that does not follow redirects, as a browser would show what it got. */
async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}${path}`, { redirect: 'manual', headers });
  return { status: response.status, location: response.headers.get('location'), type: response.headers.get('content-type') ?? '', text: await response.text(), headers: response.headers };
}

function authorizeQuery(overrides: Record<string, string | undefined> = {}, challenge = pkce().challenge) {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: WEB.id,
    redirect_uri: WEB.redirectUri,
    scope: 'openid profile email',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  return query.toString();
}

/** GET /oauth2/authorize that succeeds: the handle the console is sent with. */
async function startFlow(overrides: Record<string, string | undefined> = {}, challenge?: string) {
  const answer = await get(`/oauth2/authorize?${authorizeQuery(overrides, challenge)}`);
  expect(answer.status, answer.text).toBe(302);
  const location = new URL(answer.location!);
  expect(`${location.origin}${location.pathname}`).toBe(`${process.env.APP_URL}/login`);
  return location.searchParams.get('request')!;
}

const complete = (handle: string, token?: string, error?: string) =>
  api.request('POST', '/oauth2/authorize/complete', { token, body: { request: handle, ...(error ? { error } : {}) } });

const tokenRequest = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  api.request('POST', '/oauth2/token', { raw: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

/** The whole flow for a signed-in user: the code the app receives, and what it needs to trade it. */
async function codeFor(accessToken: string, client = WEB, overrides: Record<string, string | undefined> = {}) {
  const { verifier, challenge } = pkce();
  const handle = await startFlow({ client_id: client.id, redirect_uri: client.redirectUri, ...overrides }, challenge);
  const completed = await complete(handle, accessToken);
  expect(completed.status, completed.text).toBe(200);
  const redirect = new URL(completed.body.redirectTo);
  return { code: redirect.searchParams.get('code')!, verifier, redirect };
}

const exchange = (code: string, verifier: string, client = WEB) =>
  tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier, client_id: client.id });

async function enrolTotp(token: string) {
  const started = await api.request('POST', '/v1/me/mfa/totp', { token });
  const verified = await api.request('POST', '/v1/me/mfa/totp/verify', { token, body: { code: await generate({ secret: started.body.secret, epoch: Math.floor(clock.now() / 1000) }) } });
  expect(verified.status).toBe(200);
  return started.body.secret as string;
}

describe('GET /oauth2/authorize', () => {
  it('sends the browser to the console sign-in with an opaque handle, and the console can read what the app asked for', async () => {
    const handle = await startFlow({ login_hint: 'alice', org: 'acme-corp', prompt: 'login' });
    expect(handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const described = await get(`/oauth2/authorize/request?request=${handle}`);
    expect(described.status).toBe(200);
    expect(JSON.parse(described.text)).toMatchObject({ client: { id: 'demo-web', name: expect.any(String) }, prompt: 'login', loginHint: 'alice', org: 'acme-corp' });
    expect(described.text).not.toContain('state-123');
    expect(described.text).not.toContain(WEB.redirectUri);
  });

  it('shows an error page, never a redirect, for an unknown client or an unregistered redirect URI', async () => {
    const registered = WEB.redirectUri;
    const attempts = [
      { client_id: 'no-such-app' },
      { client_id: undefined },
      { redirect_uri: undefined },
      { redirect_uri: `${registered}/extra` },
      { redirect_uri: `${registered}x` },
      { redirect_uri: `${registered}/` },
      { redirect_uri: registered.replace('callback', 'Callback') },
      { redirect_uri: registered.replace('http:', 'HTTP:') },
      { redirect_uri: registered.replace('127.0.0.1:8976', '127.0.0.1:8976@evil.example') },
      { redirect_uri: registered.replace('127.0.0.1', 'evil.example') },
      { redirect_uri: `${registered}?next=https://evil.example` },
      { redirect_uri: `${registered}#frag` },
      { redirect_uri: `${registered}%2F..%2F..%2Fevil` },
      { redirect_uri: registered.replace('/callback', '/%63allback') },
      { redirect_uri: registered.replace('/callback', '/./callback') },
      { redirect_uri: ` ${registered}` },
      { redirect_uri: APP2.redirectUri },
    ];
    for (const overrides of attempts) {
      const answer = await get(`/oauth2/authorize?${authorizeQuery(overrides)}`);
      expect(answer.status, JSON.stringify(overrides)).toBe(400);
      expect(answer.location, JSON.stringify(overrides)).toBeNull();
      expect(answer.type).toMatch(/^text\/html/);
      expect(answer.text).toContain('<h1>');
      expect(answer.text).not.toContain('evil.example');
    }
    // Twice the redirect URI (even the registered one) is as untrustworthy.
    const twice = await get(`/oauth2/authorize?${authorizeQuery()}&redirect_uri=${encodeURIComponent('https://evil.example/')}`);
    expect(twice.status).toBe(400);
    expect(twice.location).toBeNull();
  });

  it('redirects other errors to the app with error, the untouched state and iss (RFC 9207)', async () => {
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
      [{ code_challenge_method: undefined }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge: 'too-short' }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ scope: 'profile email' }, 'invalid_scope'],
      [{ scope: 'openid launch:missiles' }, 'invalid_scope'],
      [{ prompt: 'consent' }, 'invalid_request'],
      [{ max_age: '-1' }, 'invalid_request'],
      [{ org: 'Not A Slug' }, 'invalid_request'],
      [{ request: 'eyJ...' }, 'request_not_supported'],
    ];
    for (const [overrides, error] of cases) {
      const answer = await get(`/oauth2/authorize?${authorizeQuery(overrides)}`);
      expect(answer.status, JSON.stringify(overrides)).toBe(302);
      const location = new URL(answer.location!);
      expect(`${location.origin}${location.pathname}`).toBe(WEB.redirectUri);
      expect(location.searchParams.get('error'), JSON.stringify(overrides)).toBe(error);
      expect(location.searchParams.get('state')).toBe('state-123');
      expect(location.searchParams.get('iss')).toBe(ISSUER);
      expect(location.searchParams.get('code')).toBeNull();
    }
  });

  it('echoes state byte for byte, however odd', async () => {
    const org = await verifiedOrg(api);
    const state = 'a b+c&d=e/é%20"<x>\u{1F600}~';
    const { redirect } = await codeFor(org.rootToken, WEB, { state });
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('iss')).toBe(ISSUER);
    const refused = await get(`/oauth2/authorize?${authorizeQuery({ state, code_challenge_method: 'plain' })}`);
    expect(new URL(refused.location!).searchParams.get('state')).toBe(state);
  });
});

describe('POST /oauth2/authorize', () => {
  const post = async (body: string, contentType = 'application/x-www-form-urlencoded') => {
    const response = await fetch(`${api.url}/oauth2/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': contentType }, body });
    return { status: response.status, location: response.headers.get('location'), type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  it('takes the same request as a form post (OpenID Connect Core 3.1.2.1), judged as the GET is', async () => {
    const started = await post(authorizeQuery({ login_hint: 'bob' }).toString());
    expect(started.status, started.text).toBe(302);
    const location = new URL(started.location!);
    expect(`${location.origin}${location.pathname}`).toBe(`${process.env.APP_URL}/login`);
    const described = await get(`/oauth2/authorize/request?request=${location.searchParams.get('request')}`);
    expect(described.status).toBe(200);
    expect(JSON.parse(described.text)).toMatchObject({ client: { id: 'demo-web' }, loginHint: 'bob' });

    const refused = await post(authorizeQuery({ code_challenge_method: 'plain' }).toString());
    expect(refused.status).toBe(302);
    expect(new URL(refused.location!).searchParams.get('error')).toBe('invalid_request');
    expect(new URL(refused.location!).searchParams.get('iss')).toBe(ISSUER);
  });

  it('answers an error page, never a redirect, for an untrusted client, a repeated parameter or a body that is not a form', async () => {
    const untrusted = [
      authorizeQuery({ redirect_uri: `${WEB.redirectUri}/extra` }).toString(),
      authorizeQuery({ client_id: 'no-such-app' }).toString(),
      `${authorizeQuery()}&redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    ];
    for (const body of untrusted) {
      const answer = await post(body);
      expect(answer.status, body).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.type).toMatch(/^text\/html/);
      expect(answer.text).not.toContain('evil.example');
    }
    const json = await post(JSON.stringify({ client_id: WEB.id }), 'application/json');
    expect(json.status).toBe(415);
    expect(json.location).toBeNull();
    expect(json.type).toMatch(/^text\/html/);
  });
});

describe('POST /oauth2/authorize/complete', () => {
  it('answers login_required or access_denied to the app without a token, and the handle is then spent', async () => {
    const handle = await startFlow({ prompt: 'none' });
    const refused = await complete(handle, undefined, 'login_required');
    expect(refused.status).toBe(200);
    const redirect = new URL(refused.body.redirectTo);
    expect(redirect.searchParams.get('error')).toBe('login_required');
    expect(redirect.searchParams.get('state')).toBe('state-123');
    expect(redirect.searchParams.get('iss')).toBe(ISSUER);
    expect((await complete(handle, undefined, 'login_required')).status).toBe(400);

    const cancelled = await complete(await startFlow(), undefined, 'access_denied');
    expect(new URL(cancelled.body.redirectTo).searchParams.get('error')).toBe('access_denied');
  });

  it('refuses an unknown, used or expired handle with invalid_request', async () => {
    const org = await verifiedOrg(api);
    expect((await complete('no-such-handle', org.rootToken)).body.error).toBe('invalid_request');
    const handle = await startFlow();
    expect((await complete(handle, org.rootToken)).status).toBe(200);
    const again = await complete(handle, org.rootToken);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_request');
    const stale = await startFlow();
    advance(10 * 60 * 1000 + 1000);
    expect((await complete(stale, org.rootToken)).body.error).toBe('invalid_request');
  });

  it('needs a signed-in person: no token is 401, an API token is login_required', async () => {
    const org = await verifiedOrg(api);
    const handle = await startFlow();
    expect((await complete(handle)).status).toBe(401);
    const apiToken = await api.request('POST', '/v1/me/api-tokens', { token: org.rootToken, body: { name: 'script' } });
    const withApiToken = await complete(handle, apiToken.body.token);
    expect(withApiToken.status).toBe(401);
    expect(withApiToken.body.error).toBe('login_required');
  });

  it('asks for a fresh sign-in for prompt=login and max_age, and accepts one made after the request', async () => {
    const org = await verifiedOrg(api);
    advance(5_000);
    const handle = await startFlow({ prompt: 'login' });
    const stale = await complete(handle, org.rootToken);
    expect(stale.status).toBe(401);
    expect(stale.body.error).toBe('login_required');
    const fresh = await loginAs(api, org.slug, org.root.login, org.root.password);
    expect((await complete(handle, fresh.accessToken)).status).toBe(200);

    advance(120_000);
    const aged = await startFlow({ max_age: '60' });
    expect((await complete(aged, fresh.accessToken)).body.error).toBe('login_required');
    expect((await complete(await startFlow({ max_age: '600' }), fresh.accessToken)).status).toBe(200);
  });

  it('refuses a user of another organization than the app asked for (org)', async () => {
    const org = await verifiedOrg(api);
    const other = await verifiedOrg(api);
    const handle = await startFlow({ org: other.slug });
    const refused = await complete(handle, org.rootToken);
    expect(refused.status).toBe(403);
    expect(refused.body.redirectTo).toBeUndefined();
    expect((await complete(handle, other.rootToken)).status).toBe(200);
  });
});

describe('POST /oauth2/token, authorization_code', () => {
  it('answers an ID token the JWKS verifies, an access token Gatehouse accepts, and a refresh token', async () => {
    const org = await verifiedOrg(api);
    const secret = await enrolTotp(org.rootToken);
    advance(30_000);
    const challenge = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    const signedIn = await api.request('POST', '/v1/auth/challenge', {
      body: { session: challenge.body.session, challenge: 'MFA_REQUIRED', code: await generate({ secret, epoch: Math.floor(clock.now() / 1000) }) },
    });
    expect(signedIn.status).toBe(200);
    const { code, verifier } = await codeFor(signedIn.body.accessToken);
    const answer = await exchange(code, verifier);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, access_token: expect.any(String), id_token: expect.any(String), refresh_token: expect.any(String) });
    expect(answer.body.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));

    const jwks = createRemoteJWKSet(new URL(`${api.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(answer.body.id_token, jwks, { issuer: ISSUER, audience: 'demo-web', algorithms: ['RS256'], currentDate: new Date(clock.now()) });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: org.root.id, aud: 'demo-web', nonce: 'nonce-456', org: org.orgId, role: 'root', amr: ['pwd', 'otp', 'mfa'], preferred_username: 'owner', name: 'Olivia Owner', email: org.root.email, email_verified: true });
    expect(payload.auth_time).toBeLessThanOrEqual(payload.iat!);
    expect(typeof payload.sid).toBe('string');

    const me = await api.request('GET', '/v1/me', { token: answer.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(org.root.id);
    // An ordinary session: listed with its app, its two-factor, and marked current for its own token.
    const sessions = await api.request('GET', '/v1/me/sessions', { token: answer.body.access_token });
    expect(sessions.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: payload.sid, client: 'demo-web', mfa: true, current: true })]));
    const audit = await api.request('GET', '/v1/audit-events?action=app.signed_in', { token: answer.body.access_token });
    expect(audit.body.items[0]).toMatchObject({ action: 'app.signed_in', target: { id: org.root.id }, details: { client: 'demo-web' } });
    const info = await api.request('GET', '/oauth2/userinfo', { token: answer.body.access_token });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ sub: org.root.id, preferred_username: 'owner', email: org.root.email, email_verified: true, org: org.orgId, role: 'root' });
  });

  it('releases name only for profile and email only for email, in userinfo and the ID token alike (OIDC Core §5.4)', async () => {
    const org = await verifiedOrg(api);
    const claimsOf = (idToken: string) => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString());
    const cases: Array<[string, string[], string[]]> = [
      ['openid', [], ['name', 'preferred_username', 'email', 'email_verified']],
      ['openid email', ['email', 'email_verified'], ['name', 'preferred_username']],
      ['openid profile', ['name', 'preferred_username'], ['email', 'email_verified']],
    ];
    for (const [scope, released, withheld] of cases) {
      const { code, verifier } = await codeFor(org.rootToken, WEB, { scope });
      const answer = await exchange(code, verifier);
      expect(answer.status, answer.text).toBe(200);
      const info = await api.request('GET', '/oauth2/userinfo', { token: answer.body.access_token });
      expect(info.status).toBe(200);
      for (const claims of [info.body, claimsOf(answer.body.id_token)]) {
        expect(claims, scope).toMatchObject({ sub: org.root.id, org: org.orgId, role: 'root' });
        for (const name of released) expect(claims, `${scope} releases ${name}`).toHaveProperty(name);
        for (const name of withheld) expect(claims, `${scope} withholds ${name}`).not.toHaveProperty(name);
      }
    }
    // The console's own session was granted no OpenID scope: who it is, and nothing more.
    const own = await api.request('GET', '/oauth2/userinfo', { token: org.rootToken });
    expect(own.status).toBe(200);
    expect(Object.keys(own.body).sort()).toEqual(['org', 'role', 'sub']);
  });

  it('says amr ["pwd"] for a password-only sign-in', async () => {
    const org = await verifiedOrg(api);
    const { code, verifier } = await codeFor(org.rootToken);
    const answer = await exchange(code, verifier);
    const claims = JSON.parse(Buffer.from(answer.body.id_token.split('.')[1], 'base64url').toString());
    expect(claims.amr).toEqual(['pwd']);
  });

  it('refuses a wrong or missing verifier, and the right one still works after', async () => {
    const org = await verifiedOrg(api);
    const { code, verifier } = await codeFor(org.rootToken);
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    const missing = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: WEB.redirectUri, client_id: WEB.id });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a code presented with another redirect URI or by another client', async () => {
    const org = await verifiedOrg(api);
    const { code, verifier } = await codeFor(org.rootToken);
    const otherUri = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: `${WEB.redirectUri}/`, code_verifier: verifier, client_id: WEB.id });
    expect(otherUri.body.error).toBe('invalid_grant');
    const otherClient = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: WEB.redirectUri, code_verifier: verifier, client_id: APP2.id });
    expect(otherClient.status).toBe(400);
    expect(otherClient.body.error).toBe('invalid_grant');
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a code after 60 seconds', async () => {
    const org = await verifiedOrg(api);
    const { code, verifier } = await codeFor(org.rootToken);
    advance(61_000);
    const late = await exchange(code, verifier);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
  });

  it('refuses a code used twice and revokes what the first use issued', async () => {
    const org = await verifiedOrg(api);
    const { code, verifier } = await codeFor(org.rootToken);
    const first = await exchange(code, verifier);
    expect(first.status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: first.body.access_token })).status).toBe(200);
    const second = await exchange(code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect((await api.request('GET', '/v1/me', { token: first.body.access_token })).status).toBe(401);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: WEB.id })).body.error).toBe('invalid_grant');
    // The browser's own session, which signed in, is not the stolen code's to end.
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).status).toBe(200);
    const audit = await api.request('GET', '/v1/audit-events?action=session.ended', { token: org.rootToken });
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actor: null, details: expect.objectContaining({ reason: 'an authorization code was presented again' }) }),
    ]);
  });

  it('refuses the code of a user deactivated mid-flow', async () => {
    const org = await verifiedOrg(api);
    const dev = await addMember(api, org, org.rootToken, 'developer');
    const { code, verifier } = await codeFor(dev.accessToken);
    await api.request('PATCH', `/v1/users/${dev.id}`, { token: org.rootToken, body: { status: 'deactivated' } });
    const answer = await exchange(code, verifier);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_grant');
    // And a person deactivated before the console completes cannot complete at all.
    const later = await startFlow();
    expect((await complete(later, dev.accessToken)).status).toBe(401);
  });
});

describe('POST /oauth2/token, refresh_token', () => {
  it('rotates, detects reuse (ending the session), and is bound to its client', async () => {
    const org = await verifiedOrg(api);
    const { code, verifier } = await codeFor(org.rootToken);
    const first = (await exchange(code, verifier)).body;

    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.refresh_token } })).status).toBe(401);
    const otherClient = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: APP2.id });
    expect(otherClient.body.error).toBe('invalid_grant');

    const rotated = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: WEB.id });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
    const firstClaims = JSON.parse(Buffer.from(first.id_token.split('.')[1], 'base64url').toString());
    const rotatedClaims = JSON.parse(Buffer.from(rotated.body.id_token.split('.')[1], 'base64url').toString());
    expect(rotatedClaims).toMatchObject({ sub: firstClaims.sub, aud: 'demo-web', auth_time: firstClaims.auth_time, sid: firstClaims.sid });
    expect(rotatedClaims.nonce).toBeUndefined();

    const replay = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: WEB.id });
    expect(replay.body.error).toBe('invalid_grant');
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token, client_id: WEB.id })).body.error).toBe('invalid_grant');
    expect((await api.request('GET', '/v1/me', { token: rotated.body.access_token })).status).toBe(401);
  });

  it('keeps console refresh tokens away from the apps', async () => {
    const org = await verifiedOrg(api);
    const answer = await tokenRequest({ grant_type: 'refresh_token', refresh_token: org.rootRefresh, client_id: WEB.id });
    expect(answer.body.error).toBe('invalid_grant');
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: org.rootRefresh } })).status).toBe(200);
  });
});

describe('GET /oauth2/logout', () => {
  it('ends the app session and the sign-in it came from, then returns to the registered address with state', async () => {
    const org = await verifiedOrg(api);
    const { code, verifier } = await codeFor(org.rootToken);
    const tokens = (await exchange(code, verifier)).body;
    const query = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: WEB.postLogout, state: 'bye 1' });
    const answer = await get(`/oauth2/logout?${query}`);
    expect(answer.status).toBe(302);
    const location = new URL(answer.location!);
    expect(`${location.origin}${location.pathname}`).toBe(WEB.postLogout);
    expect(location.searchParams.get('state')).toBe('bye 1');
    // The browser's refresh cookie names the ended sign-in: it is cleared on the way out.
    expect(answer.headers.get('set-cookie')).toMatch(/^__Host-gatehouse-refresh=; Path=\/; Max-Age=0/);
    expect((await api.request('GET', '/v1/me', { token: tokens.access_token })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).status).toBe(401);
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: WEB.id })).body.error).toBe('invalid_grant');
  });

  it('never redirects to an address not registered for that very client', async () => {
    const org = await verifiedOrg(api);
    const { code, verifier } = await codeFor(org.rootToken);
    const tokens = (await exchange(code, verifier)).body;
    const attempts: Array<Record<string, string>> = [
      { id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example/' },
      { id_token_hint: tokens.id_token, post_logout_redirect_uri: `${WEB.postLogout}evil` },
      { id_token_hint: tokens.id_token, post_logout_redirect_uri: WEB.postLogout.replace('127.0.0.1', 'evil.example') },
      { id_token_hint: tokens.id_token, post_logout_redirect_uri: APP2.postLogout },
      { client_id: APP2.id, id_token_hint: tokens.id_token, post_logout_redirect_uri: APP2.postLogout },
      { post_logout_redirect_uri: WEB.postLogout },
      { client_id: 'no-such-app', post_logout_redirect_uri: WEB.postLogout },
      { id_token_hint: 'not.a.token', post_logout_redirect_uri: WEB.postLogout },
    ];
    for (const attempt of attempts) {
      const answer = await get(`/oauth2/logout?${new URLSearchParams(attempt)}`);
      expect(answer.status, JSON.stringify(attempt)).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.type).toMatch(/^text\/html/);
    }
    // None of those ended the app's session.
    expect((await api.request('GET', '/v1/me', { token: tokens.access_token })).status).toBe(200);
  });
});

describe('ui_locales', () => {
  it('carries the first language Gatehouse has to the sign-in page as lang, and nothing when none matches', async () => {
    const withLang = await get(`/oauth2/authorize?${authorizeQuery({ ui_locales: 'it fr-CA de' })}`);
    expect(new URL(withLang.location!).searchParams.get('lang')).toBe('fr');
    const without = await get(`/oauth2/authorize?${authorizeQuery({ ui_locales: 'it zz' })}`);
    expect(new URL(without.location!).searchParams.has('lang')).toBe(false);
  });
});

describe('discovery', () => {
  it('describes the authorization-code flow', async () => {
    const answer = await api.request('GET', '/.well-known/openid-configuration');
    expect(answer.body).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth2/authorize`,
      token_endpoint: `${ISSUER}/oauth2/token`,
      userinfo_endpoint: `${ISSUER}/oauth2/userinfo`,
      end_session_endpoint: `${ISSUER}/oauth2/logout`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(answer.body.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(answer.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
    expect(answer.body.claims_supported).toEqual(expect.arrayContaining(['sub', 'auth_time', 'nonce', 'sid', 'amr', 'org', 'role']));
    expect(answer.body.ui_locales_supported).toEqual(['en', 'de', 'fr', 'es', 'pt-BR', 'ja']);
  });
});
