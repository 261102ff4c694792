import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { updateUser, getUser } from '../../shared/data/users';
import { transact } from '../../shared/data/transact';
import { STRONG_PASSWORD, loginAs, signUpOrg } from '../support/factories';
import { useApi } from '../support/api';

const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

/** Moves the server's clock forward without waiting. */
const advance = (ms: number) => {
  const base = clock.now();
  clock.now = () => base + ms + (realNow() - realNow());
};

const attempt = (org: string, login: string, password: string) =>
  api.request('POST', '/v1/auth/login', { body: { org, login, password } });

describe('login', () => {
  it('issues an RS256 access token (RFC 9068) that verifies against the JWKS, with the documented claims', async () => {
    const org = await signUpOrg(api);
    const tokens = await loginAs(api, org.slug, 'owner', org.root.password);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    const jwks = await api.request('GET', '/.well-known/jwks.json');
    expect(jwks.headers.get('cache-control')).toContain('max-age');
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"/);
    const header = decodeProtectedHeader(tokens.accessToken);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);

    const { payload } = await jwtVerify(tokens.accessToken, createLocalJWKSet(jwks.body), {
      issuer: process.env.JWT_ISSUER,
      audience: process.env.JWT_AUDIENCE,
    });
    expect(payload).toMatchObject({ sub: org.root.id, org: org.orgId, role: 'root', client_id: 'console', scope: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.jti).toBeTruthy();
    expect(payload.sid).toBeTruthy();
  });

  it('accepts the login in any case or width, and records lastLoginAt', async () => {
    const org = await signUpOrg(api);
    const tokens = await loginAs(api, org.slug.toUpperCase(), 'ＯＷＮＥＲ', org.root.password);
    const me = await api.request('GET', '/v1/me', { token: tokens.accessToken });
    expect(me.body.lastLoginAt).not.toBeNull();
  });

  it('answers the same 401 for an unknown org, unknown login, wrong password and a deactivated account', async () => {
    const org = await signUpOrg(api);
    const answers = [
      await attempt('no-such-org-anywhere', 'owner', org.root.password),
      await attempt(org.slug, 'nobody', org.root.password),
      await attempt(org.slug, 'owner', 'wrong password, quite long'),
    ];
    const user = (await getUser(org.orgId, org.root.id))!;
    await transact([updateUser(user, { set: { status: 'deactivated' } })]);
    answers.push(await attempt(org.slug, 'owner', org.root.password));

    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(answers[0]!.body);
    }
    expect(answers[0]!.body.code).toBe('invalid_credentials');
  });

  it('rehashes a password stored with weaker parameters at the next login', async () => {
    const org = await signUpOrg(api);
    const { hash } = await import('@node-rs/argon2');
    const weak = await hash(STRONG_PASSWORD, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const user = (await getUser(org.orgId, org.root.id))!;
    await transact([updateUser(user, { set: { passwordHash: weak }, bumpVersion: false })]);

    await loginAs(api, org.slug, 'owner', STRONG_PASSWORD);
    const after = (await getUser(org.orgId, org.root.id))!;
    expect(after.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await loginAs(api, org.slug, 'owner', STRONG_PASSWORD)).accessToken).toBeTruthy();
  });

  it('ignores X-Forwarded-For', async () => {
    const org = await signUpOrg(api);
    for (let index = 0; index < 5; index += 1) {
      await api.request('POST', '/v1/auth/login', {
        body: { org: org.slug, login: 'owner', password: 'wrong password, quite long' },
        headers: { 'x-forwarded-for': `10.0.0.${index}` },
      });
    }
    expect((await attempt(org.slug, 'owner', org.root.password)).status).toBe(429);
  });
});

describe('lockout', () => {
  it('locks after 5 failures in a row for 30 s, then doubles, and never evaluates while locked', async () => {
    const org = await signUpOrg(api);
    for (let index = 0; index < 4; index += 1) expect((await attempt(org.slug, 'owner', 'not the password!!')).status).toBe(401);
    expect((await attempt(org.slug, 'owner', 'not the password!!')).status).toBe(401);

    const locked = await attempt(org.slug, 'owner', org.root.password);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('too_many_requests');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(25);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(30);

    advance(31_000);
    expect((await attempt(org.slug, 'owner', 'not the password!!')).status).toBe(401);
    const doubled = await attempt(org.slug, 'owner', org.root.password);
    expect(doubled.status).toBe(429);
    expect(Number(doubled.headers.get('retry-after'))).toBeGreaterThan(55);
    expect(Number(doubled.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    advance(61_000 + 31_000);
    expect((await attempt(org.slug, 'owner', org.root.password)).status).toBe(200);
    // Success ends the run: the next failure starts counting from one again.
    expect((await attempt(org.slug, 'owner', 'not the password!!')).status).toBe(401);
    expect((await attempt(org.slug, 'owner', org.root.password)).status).toBe(200);
  });

  it('caps the lock at 15 minutes', async () => {
    const org = await signUpOrg(api);
    let elapsed = 0;
    for (let failure = 1; failure <= 12; failure += 1) {
      clock.now = ((at) => () => realNow() + at)(elapsed);
      expect((await attempt(org.slug, 'owner', 'not the password!!')).status).toBe(401);
      const answer = await attempt(org.slug, 'owner', 'not the password!!');
      if (failure >= 5) {
        expect(answer.status).toBe(429);
        const wait = Number(answer.headers.get('retry-after'));
        expect(wait).toBeLessThanOrEqual(900);
        elapsed += wait * 1000 + 1000;
      } else {
        expect(answer.status).toBe(401);
        failure += 1;
      }
    }
    const last = await attempt(org.slug, 'owner', 'x'.repeat(20));
    expect(Number(last.headers.get('retry-after') ?? 0)).toBeLessThanOrEqual(900);
  });

  it('locks unknown logins the same way, so locking reveals nothing', async () => {
    const org = await signUpOrg(api);
    for (let index = 0; index < 5; index += 1) expect((await attempt(org.slug, 'ghost', 'whatever password!')).status).toBe(401);
    const locked = await attempt(org.slug, 'ghost', 'whatever password!');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(30);
  });

  it('counts concurrent failures atomically', async () => {
    const org = await signUpOrg(api);
    await Promise.all(Array.from({ length: 10 }, () => attempt(org.slug, 'owner', 'not the password!!')));
    expect((await attempt(org.slug, 'owner', org.root.password)).status).toBe(429);
  });
});

describe('refresh and logout', () => {
  it('rotates the refresh token on every use and revokes the family when a spent one returns', async () => {
    const org = await signUpOrg(api);
    const first = await loginAs(api, org.slug, 'owner', org.root.password);
    const second = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const third = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(third.status).toBe(200);

    const replay = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(replay.status).toBe(401);
    // The whole family is gone: the newest token and its access token die too.
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: third.body.refreshToken } })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: third.body.accessToken })).status).toBe(401);
    // Audited, with the reason: the owner may be looking at a stolen token.
    const owner = await loginAs(api, org.slug, 'owner', org.root.password);
    const audit = await api.request('GET', '/v1/audit-events?action=session.ended', { token: owner.accessToken });
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actor: null, details: expect.objectContaining({ reason: 'a spent refresh token was presented again' }) }),
    ]);
  });

  it('gives at most one new token to 20 concurrent refreshes of one token', async () => {
    const org = await signUpOrg(api);
    const { refreshToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api.request('POST', '/v1/auth/refresh', { body: { refreshToken } })),
    );
    expect(answers.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(1);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 401)).toBe(true);
  });

  it('refuses garbage, and a forged secret for a real session does not end that session', async () => {
    const org = await signUpOrg(api);
    const tokens = await loginAs(api, org.slug, 'owner', org.root.password);
    for (const refreshToken of ['nope', tokens.refreshToken.replace(/\.[^.]+$/, `.${'A'.repeat(43)}`)]) {
      const answer = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken } });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('unauthorized');
    }
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(200);
  });

  it('expires sessions after the configured lifetime', async () => {
    const org = await signUpOrg(api);
    const tokens = await loginAs(api, org.slug, 'owner', org.root.password);
    advance(31 * 86400_000);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(401);
  });

  it('refuses an access token after it expires', async () => {
    const org = await signUpOrg(api);
    const tokens = await loginAs(api, org.slug, 'owner', org.root.password);
    advance(15 * 60_000 + 10_000);
    expect((await api.request('GET', '/v1/me', { token: tokens.accessToken })).status).toBe(401);
  });

  it('logs out: the refresh token and that session’s access token stop working; others live on', async () => {
    const org = await signUpOrg(api);
    const one = await loginAs(api, org.slug, 'owner', org.root.password);
    const two = await loginAs(api, org.slug, 'owner', org.root.password);
    expect((await api.request('POST', '/v1/auth/logout', { body: { refreshToken: one.refreshToken } })).status).toBe(204);

    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: one.refreshToken } })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: one.accessToken })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: two.accessToken })).status).toBe(200);
    // Logging out twice, or with nonsense, is quietly fine.
    expect((await api.request('POST', '/v1/auth/logout', { body: { refreshToken: one.refreshToken } })).status).toBe(204);
    expect((await api.request('POST', '/v1/auth/logout', { body: { refreshToken: 'x' } })).status).toBe(204);
  });
});

describe('authentication of requests', () => {
  it.each([
    ['no header', {}],
    ['a malformed header', { authorization: 'Token abc' }],
    ['a garbage bearer', { authorization: 'Bearer not.a.jwt' }],
    ['an unsigned token', { authorization: `Bearer ${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.` }],
  ])('answers 401 for %s', async (_, headers) => {
    const answer = await api.request('GET', '/v1/me', { headers });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('unauthorized');
  });

  it('refuses a refresh token used as a bearer', async () => {
    const org = await signUpOrg(api);
    const tokens = await loginAs(api, org.slug, 'owner', org.root.password);
    expect((await api.request('GET', '/v1/me', { token: tokens.refreshToken })).status).toBe(401);
  });

  it('applies a deactivation on the very next request of an existing token', async () => {
    const org = await signUpOrg(api);
    const tokens = await loginAs(api, org.slug, 'owner', STRONG_PASSWORD);
    expect((await api.request('GET', '/v1/me', { token: tokens.accessToken })).status).toBe(200);
    const user = (await getUser(org.orgId, org.root.id))!;
    await transact([updateUser(user, { set: { status: 'deactivated' } })]);
    expect((await api.request('GET', '/v1/me', { token: tokens.accessToken })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).toBe(401);
  });
});
