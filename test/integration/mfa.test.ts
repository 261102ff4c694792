import { generate } from 'otplib';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { addMember, loginAs, verifiedOrg } from '../support/factories';
import { lastEmailTo, tokenFromUrl, useApi } from '../support/api';

const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

/** Both the server and the authenticator read this clock, 30-second step by step. */
let offset = 0;
const setOffset = (ms: number) => {
  offset = ms;
  clock.now = () => realNow() + offset;
};
const code = (secret: string, stepShift = 0) => generate({ secret, epoch: Math.floor((clock.now() + stepShift * 30_000) / 1000) });
const nextStep = () => setOffset(offset + 30_000);

async function enrol(token: string) {
  const started = await api.request('POST', '/v1/me/mfa/totp', { token });
  expect(started.status).toBe(200);
  const verified = await api.request('POST', '/v1/me/mfa/totp/verify', { token, body: { code: await code(started.body.secret) } });
  expect(verified.status).toBe(200);
  return { secret: started.body.secret as string, recoveryCodes: verified.body.recoveryCodes as string[], enrolment: started.body };
}

describe('self-enrolment', () => {
  it('returns a 160-bit secret, an otpauth URI and a QR code, and enables only after a valid code', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const started = await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken });
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.otpauthUri).toMatch(new RegExp(`^otpauth://totp/Gatehouse:${org.slug}%2Fowner\\?.*secret=${started.body.secret}`));
    expect(started.body.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).body.mfa.enabled).toBe(false);

    const wrong = await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: '000000' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('invalid_code');
    const verified = await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: await code(started.body.secret) } });
    expect(verified.status).toBe(200);
    expect(verified.body.recoveryCodes).toHaveLength(10);
    expect(new Set(verified.body.recoveryCodes).size).toBe(10);
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).body.mfa).toEqual({ enabled: true, required: false, methods: ['totp'], passkeys: 0 });
    expect((await lastEmailTo(org.root.email)).subject).toMatch(/Two-factor/);
    expect((await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken })).body.code).toBe('mfa_already_enabled');
  });
});

describe('login with two-factor', () => {
  it('asks for a code after the password, never accepts a code twice, and allows one step of drift', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const { secret } = await enrol(org.rootToken);
    nextStep();

    const first = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect(first.body).toEqual({ challenge: 'MFA_REQUIRED', session: expect.any(String), methods: ['totp'] });
    expect((await api.request('GET', '/v1/me', { token: first.body.session })).status).toBe(401);
    const wrong = await api.request('POST', '/v1/auth/challenge', { body: { session: first.body.session, challenge: 'MFA_REQUIRED', code: '123456' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_code');
    const good = await code(secret);
    const done = await api.request('POST', '/v1/auth/challenge', { body: { session: first.body.session, challenge: 'MFA_REQUIRED', code: good } });
    expect(done.status).toBe(200);
    expect(done.body.accessToken).toBeTruthy();

    // The same code again, in a new login within the same 30 s: refused.
    const second = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    const replay = await api.request('POST', '/v1/auth/challenge', { body: { session: second.body.session, challenge: 'MFA_REQUIRED', code: good } });
    expect(replay.status).toBe(401);
    // A code from the previous step is also spent (it is not later than the last accepted one).
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: second.body.session, challenge: 'MFA_REQUIRED', code: await code(secret, -1) } })).status).toBe(401);
    // The next step's code (client clock 30 s ahead) is accepted.
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: second.body.session, challenge: 'MFA_REQUIRED', code: await code(secret, 1) } })).status).toBe(200);
    // Two steps of drift are too many.
    nextStep(); nextStep(); nextStep();
    const third = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: third.body.session, challenge: 'MFA_REQUIRED', code: await code(secret, 2) } })).status).toBe(401);
  });

  it('accepts each recovery code once, wherever a code is accepted', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const { recoveryCodes } = await enrol(org.rootToken);
    const login = () => api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    const one = await login();
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: one.body.session, challenge: 'MFA_REQUIRED', code: recoveryCodes[0]!.toUpperCase() } })).status).toBe(200);
    const two = await login();
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: two.body.session, challenge: 'MFA_REQUIRED', code: recoveryCodes[0] } })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: two.body.session, challenge: 'MFA_REQUIRED', code: recoveryCodes[1] } })).status).toBe(200);
  });

  it('counts failed codes towards the lockout, and a session cannot be used twice', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const { secret } = await enrol(org.rootToken);
    nextStep();
    const started = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    for (let index = 0; index < 5; index += 1) {
      await api.request('POST', '/v1/auth/challenge', { body: { session: started.body.session, challenge: 'MFA_REQUIRED', code: `00000${index}` } });
    }
    const locked = await api.request('POST', '/v1/auth/challenge', { body: { session: started.body.session, challenge: 'MFA_REQUIRED', code: await code(secret) } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    setOffset(offset + 31_000);
    const done = await api.request('POST', '/v1/auth/challenge', { body: { session: started.body.session, challenge: 'MFA_REQUIRED', code: await code(secret) } });
    expect(done.status).toBe(200);
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: started.body.session, challenge: 'MFA_REQUIRED', code: await code(secret, 1) } })).body.code).toBe('invalid_session');
  });

  it('still asks for the code after a password reset', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    await enrol(org.rootToken);
    const issued = await api.request('POST', `/v1/users/${org.root.id}/password-reset`, { token: org.rootToken });
    const token = tokenFromUrl(issued.body.url);
    expect((await api.request('POST', '/v1/auth/password/reset', { body: { token, password: 'reset passphrase here' } })).status).toBe(204);
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: 'reset passphrase here' } });
    expect(login.body.challenge).toBe('MFA_REQUIRED');
  });
});

describe('two-factor required by the root', () => {
  it('makes the next login enrol before any token, then completes with tokens and recovery codes', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { requireMfa: true } });

    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: developer.login, password: developer.password } });
    expect(login.body).toEqual({ challenge: 'MFA_SETUP_REQUIRED', session: expect.any(String), methods: ['totp'] });
    const offer = await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_SETUP_REQUIRED' } });
    expect(offer.status).toBe(200);
    expect(offer.body).toMatchObject({ session: login.body.session, secret: expect.any(String), otpauthUri: expect.stringContaining('otpauth://totp/'), qrCodeSvg: expect.stringContaining('<svg') });
    const again = await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_SETUP_REQUIRED' } });
    expect(again.body.secret).toBe(offer.body.secret);

    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_SETUP_REQUIRED', code: '999999' } })).status).toBe(401);
    const done = await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_SETUP_REQUIRED', code: await code(offer.body.secret) } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), recoveryCodes: expect.any(Array) });
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect((await api.request('GET', '/v1/me', { token: done.body.accessToken })).body.mfa).toEqual({ enabled: true, required: true, methods: ['totp'], passkeys: 0 });

    // Required two-factor cannot be turned off by its user.
    const off = await api.request('DELETE', '/v1/me/mfa/totp', { token: done.body.accessToken, body: { password: developer.password } });
    expect(off.status).toBe(403);
    expect(off.body.code).toBe('mfa_required');
  });

  it('sends a newly activated user with required two-factor straight to enrolment', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const email = `strict@${org.slug}.example.com`;
    const invited = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'strict', name: 'S', email, role: 'developer', requireMfa: true } });
    const token = tokenFromUrl(invited.body.activation.url);
    const activated = await api.request('POST', '/v1/auth/activate', { body: { token, password: 'careful person passphrase' } });
    expect(activated.body.challenge).toBe('MFA_SETUP_REQUIRED');
  });

  it('chains a temporary-password first login from NEW_PASSWORD_REQUIRED into MFA_SETUP_REQUIRED', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const invited = await api.request('POST', '/v1/users', {
      token: org.rootToken,
      body: { login: 'chained', name: 'C', email: `chained@${org.slug}.example.com`, role: 'developer', delivery: 'temporaryPassword', requireMfa: true },
    });
    const first = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'chained', password: invited.body.temporaryPassword } });
    expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    const second = await api.request('POST', '/v1/auth/challenge', { body: { session: first.body.session, challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'my own long passphrase' } });
    expect(second.body).toEqual({ challenge: 'MFA_SETUP_REQUIRED', session: expect.any(String), methods: ['totp'] });
    const offer = await api.request('POST', '/v1/auth/challenge', { body: { session: second.body.session, challenge: 'MFA_SETUP_REQUIRED' } });
    const done = await api.request('POST', '/v1/auth/challenge', { body: { session: second.body.session, challenge: 'MFA_SETUP_REQUIRED', code: await code(offer.body.secret) } });
    expect(done.body.accessToken).toBeTruthy();
    expect((await api.request('GET', '/v1/me', { token: done.body.accessToken })).body).toMatchObject({ emailVerified: true, mustChangePassword: false, mfa: { enabled: true, required: true } });
  });

  it('lets the root remove a lost device; the user enrols again at next login', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    await enrol(developer.accessToken);
    await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { requireMfa: true } });
    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await api.request('DELETE', `/v1/users/${developer.id}/mfa`, { token: admin.accessToken })).status).toBe(403);
    expect((await api.request('DELETE', `/v1/users/${developer.id}/mfa`, { token: org.rootToken })).status).toBe(204);
    const user = await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken });
    expect(user.body.mfa).toEqual({ enabled: false, required: true, methods: [], passkeys: 0 });
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: developer.login, password: developer.password } });
    expect(login.body.challenge).toBe('MFA_SETUP_REQUIRED');
  });
});

describe('managing one’s own two-factor', () => {
  it('disables with a code or the password (403 reauthentication_failed otherwise)', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const { secret } = await enrol(org.rootToken);
    nextStep();
    const wrong = await api.request('DELETE', '/v1/me/mfa/totp', { token: org.rootToken, body: { code: '000000' } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('reauthentication_failed');
    expect((await api.request('DELETE', '/v1/me/mfa/totp', { token: org.rootToken, body: { password: 'not my password at all' } })).status).toBe(403);
    expect((await api.request('DELETE', '/v1/me/mfa/totp', { token: org.rootToken, body: { code: await code(secret) } })).status).toBe(204);
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).body.mfa.enabled).toBe(false);
    expect((await loginAs(api, org.slug, 'owner', org.root.password)).accessToken).toBeTruthy();

    await enrol(org.rootToken);
    expect((await api.request('DELETE', '/v1/me/mfa/totp', { token: org.rootToken, body: { password: org.root.password } })).status).toBe(204);
    expect((await api.request('DELETE', '/v1/me/mfa/totp', { token: org.rootToken, body: { code: '1', password: 'x' } })).status).toBe(400);
  });

  it('replaces all recovery codes for a current code', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const { secret, recoveryCodes } = await enrol(org.rootToken);
    nextStep();
    const replaced = await api.request('POST', '/v1/me/mfa/recovery-codes', { token: org.rootToken, body: { code: await code(secret) } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.recoveryCodes).toHaveLength(10);
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_REQUIRED', code: recoveryCodes[0] } })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_REQUIRED', code: replaced.body.recoveryCodes[0] } })).status).toBe(200);
  });

  it('never shows the secret again after enrolment, nor stores it in clear', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const { secret } = await enrol(org.rootToken);
    const me = await api.request('GET', '/v1/me', { token: org.rootToken });
    expect(me.text).not.toContain(secret);
    const { getUser } = await import('../../shared/data/users');
    const stored = await getUser(org.orgId, org.root.id);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored!.totp!.secret).toMatch(/^v1\./);
  });
});
