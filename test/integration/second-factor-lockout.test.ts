import { generate } from 'otplib';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { addMember, verifiedOrg } from '../support/factories';
import { lastEmailTo, tokenFromEmail, tokenFromUrl, useApi } from '../support/api';

/**
 * Someone who knows the password must not get unlimited guesses at the second factor: wrong
 * codes count towards the lock whatever the password step did in between, and only a
 * completed sign-in (every factor) ends the run of failures.
 */
const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});
const code = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000) });

const login = (slug: string, user: string, password: string) =>
  api.request('POST', '/v1/auth/login', { body: { org: slug, login: user, password } });
const answer = (session: string, challenge: string, value?: string) =>
  api.request('POST', '/v1/auth/challenge', { body: { session, challenge, ...(value === undefined ? {} : { code: value }) } });

async function enrolledOrg() {
  const org = await verifiedOrg(api);
  const started = await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken });
  const verified = await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: await code(started.body.secret) } });
  expect(verified.status).toBe(200);
  // The next 30-second step, so the enrolment's code is not "already used" for the tests' own good codes.
  clock.now = () => realNow() + 30_000;
  return { ...org, secret: started.body.secret as string, recoveryCodes: verified.body.recoveryCodes as string[] };
}

/** Correct password, then one wrong code: the attacker's loop. */
async function passwordThenWrongCode(slug: string, user: string, password: string, wrong: string) {
  const started = await login(slug, user, password);
  expect(started.status, started.text).toBe(200);
  expect(started.body.challenge).toBe('MFA_REQUIRED');
  expect((await answer(started.body.session, 'MFA_REQUIRED', wrong)).status).toBe(401);
}

describe('second-factor guessing', () => {
  it('locks after five wrong codes even when the correct password is given before each', async () => {
    const org = await enrolledOrg();
    for (let index = 0; index < 5; index += 1) await passwordThenWrongCode(org.slug, 'owner', org.root.password, `00000${index}`);

    const locked = await login(org.slug, 'owner', org.root.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts wrong recovery codes the same way', async () => {
    const org = await enrolledOrg();
    for (let index = 0; index < 5; index += 1) await passwordThenWrongCode(org.slug, 'owner', org.root.password, `zzzz-zzzz-zzz${index}`);
    expect((await login(org.slug, 'owner', org.root.password)).status).toBe(429);
  });

  it('locks wrong codes at enrolment during login (activation, then password logins) after five', async () => {
    const org = await verifiedOrg(api);
    const email = `strict@${org.slug}.example.com`;
    await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'strict', name: 'S', email, role: 'developer', requireMfa: true } });
    const password = 'a careful developer passphrase';
    const activated = await api.request('POST', '/v1/auth/activate', { body: { token: tokenFromEmail(await lastEmailTo(email)), password } });
    expect(activated.body.challenge).toBe('MFA_SETUP_REQUIRED');

    let session = activated.body.session as string;
    for (let index = 0; index < 5; index += 1) {
      if (index > 0) {
        const again = await login(org.slug, 'strict', password);
        expect(again.body.challenge).toBe('MFA_SETUP_REQUIRED');
        session = again.body.session;
      }
      expect((await answer(session, 'MFA_SETUP_REQUIRED')).status).toBe(200);
      expect((await answer(session, 'MFA_SETUP_REQUIRED', `99999${index}`)).status).toBe(401);
    }
    expect((await login(org.slug, 'strict', password)).status).toBe(429);
  });

  it('is not reset by a successful re-authentication inside a signed-in request', async () => {
    const org = await enrolledOrg();
    for (let index = 0; index < 4; index += 1) await passwordThenWrongCode(org.slug, 'owner', org.root.password, `11111${index}`);
    // Correct password with the wrong code, and a correct code, both within a signed-in session.
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const transfer = await api.request('POST', '/v1/org/transfer', {
      token: org.rootToken,
      body: { userId: admin.id, password: org.root.password, code: await code(org.secret) },
    });
    expect(transfer.status).toBe(200);
    const back = await api.request('POST', '/v1/org/transfer', {
      token: admin.accessToken,
      body: { userId: org.root.id, password: admin.password },
    });
    expect(back.status).toBe(200);
    clock.now = () => realNow() + 60_000;
    const regenerated = await api.request('POST', '/v1/me/mfa/recovery-codes', { token: org.rootToken, body: { code: await code(org.secret) } });
    expect(regenerated.status).toBe(200);

    await passwordThenWrongCode(org.slug, 'owner', org.root.password, '222222');
    expect((await login(org.slug, 'owner', org.root.password)).status).toBe(429);
  });

  it('counts a correct password with a wrong code at /v1/org/transfer', async () => {
    const org = await enrolledOrg();
    const admin = await addMember(api, org, org.rootToken, 'admin');
    for (let index = 0; index < 4; index += 1) await passwordThenWrongCode(org.slug, 'owner', org.root.password, `33333${index}`);
    const refused = await api.request('POST', '/v1/org/transfer', { token: org.rootToken, body: { userId: admin.id, password: org.root.password, code: '444444' } });
    expect(refused.status).toBe(403);
    expect((await login(org.slug, 'owner', org.root.password)).status).toBe(429);
  });

  it('keeps the lock of an enrolled user through a password reset (the link proves the mailbox, not the device)', async () => {
    const org = await enrolledOrg();
    for (let index = 0; index < 5; index += 1) await passwordThenWrongCode(org.slug, 'owner', org.root.password, `55555${index}`);
    const issued = await api.request('POST', `/v1/users/${org.root.id}/password-reset`, { token: org.rootToken });
    const reset = await api.request('POST', '/v1/auth/password/reset', { body: { token: tokenFromUrl(issued.body.url), password: 'a brand new passphrase here' } });
    expect(reset.status).toBe(204);
    expect((await login(org.slug, 'owner', 'a brand new passphrase here')).status).toBe(429);
  });

  it('still lets a password reset lift a lock left by password guesses when no second factor is enrolled', async () => {
    const org = await verifiedOrg(api);
    for (let index = 0; index < 5; index += 1) expect((await login(org.slug, 'owner', 'a wrong password guess')).status).toBe(401);
    expect((await login(org.slug, 'owner', org.root.password)).status).toBe(429);
    const issued = await api.request('POST', `/v1/users/${org.root.id}/password-reset`, { token: org.rootToken });
    await api.request('POST', '/v1/auth/password/reset', { body: { token: tokenFromUrl(issued.body.url), password: 'a brand new passphrase here' } });
    expect((await login(org.slug, 'owner', 'a brand new passphrase here')).status).toBe(200);
  });

  it('ends the run of failures with a completed sign-in, and only then', async () => {
    const org = await enrolledOrg();
    for (let index = 0; index < 4; index += 1) await passwordThenWrongCode(org.slug, 'owner', org.root.password, `66666${index}`);
    const started = await login(org.slug, 'owner', org.root.password);
    const done = await answer(started.body.session, 'MFA_REQUIRED', await code(org.secret));
    expect(done.status).toBe(200);
    expect(done.body.accessToken).toBeTruthy();
    // A fresh run: four more wrong codes do not lock.
    for (let index = 0; index < 4; index += 1) await passwordThenWrongCode(org.slug, 'owner', org.root.password, `77777${index}`);
    expect((await login(org.slug, 'owner', org.root.password)).status).toBe(200);
  });
});
