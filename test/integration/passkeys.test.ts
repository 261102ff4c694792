import { createHash, randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clock } from '../../shared/clock';
import { resetConfig } from '../../shared/config';
import { emailsTo, lastEmailTo, useApi, type Api } from '../support/api';
import { SoftAuthenticator, type Bend } from '../support/authenticator';
import { addMember, loginAs, verifiedOrg } from '../support/factories';

// Passkeys need a host name as RP ID; the API is reached on 127.0.0.1, but the relying party is
// APP_URL's host, as on a deployment behind its domain (api/passkeys.md).
const ORIGIN = 'http://localhost:3000';
process.env.APP_URL = ORIGIN;
resetConfig();

// Each answer reports the DynamoDB calls it made (X-Gatehouse-Usage); set before the handlers
// load, which read the setting once.
await vi.hoisted(async () => {
  process.env.USAGE_HEADER = '1';
  (await import('../../shared/config')).resetConfig();
});

const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});
const later = (seconds: number) => {
  const base = clock.now();
  clock.now = () => base + seconds * 1000;
};

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const ONE_PASSWORD = 'bada5566-a7aa-401f-bd96-45619a55120d';

async function register(api: Api, token: string, authenticator: SoftAuthenticator, body: Record<string, unknown> = {}, bend: Bend = {}) {
  const options = await api.request('POST', '/v1/me/passkeys/options', { token, body: {} });
  expect(options.status, options.text).toBe(200);
  return api.request('POST', '/v1/me/passkeys', { token, body: { response: authenticator.create(options.body.options, bend), ...body } });
}

async function passwordless(api: Api, authenticator: SoftAuthenticator, bend: Bend = {}, body: Record<string, unknown> = {}) {
  const options = await api.request('POST', '/v1/auth/passkey/options', { body });
  expect(options.status, options.text).toBe(200);
  return api.request('POST', '/v1/auth/passkey', { body: { session: options.body.session, response: authenticator.get(options.body.options, bend) } });
}

async function audit(api: Api, token: string, action: string) {
  return (await api.request('GET', `/v1/audit-events?action=${action}`, { token })).body.items as Array<{ details: Record<string, unknown> }>;
}

describe('registering and managing passkeys', () => {
  it('registers after a fresh sign-in, names it from its AAGUID, turns two-factor on with recovery codes and emails the user', async () => {
    const org = await verifiedOrg(api);
    const authenticator = new SoftAuthenticator(ORIGIN, { aaguid: ONE_PASSWORD, backupEligible: true, backedUp: true });
    const options = await api.request('POST', '/v1/me/passkeys/options', { token: org.rootToken, body: {} });
    expect(options.status).toBe(200);
    const creation = options.body.options;
    expect(creation.rp).toEqual({ id: 'localhost', name: 'Acme Test' });
    expect(creation.authenticatorSelection).toMatchObject({ residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' });
    expect(creation.attestation).toBe('none');
    expect(creation.timeout).toBe(300000);
    expect(Buffer.from(creation.challenge, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(creation.user.id, 'base64url').length).toBe(32);
    expect(creation.user.displayName).toBe('Olivia Owner (Acme Test)');

    const added = await api.request('POST', '/v1/me/passkeys', { token: org.rootToken, body: { response: authenticator.create(creation) } });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({ name: '1Password', deviceType: 'multiDevice', backedUp: true, lastUsedAt: null, authenticator: { aaguid: ONE_PASSWORD, name: '1Password' } });
    expect(added.body.recoveryCodes).toHaveLength(10);
    expect(added.text).not.toMatch(/publicKey|counter|userHandle/);
    const me = await api.request('GET', '/v1/me', { token: org.rootToken });
    expect(me.body.mfa).toEqual({ enabled: true, required: false, methods: ['passkey'], passkeys: 1 });
    const addedNotice = await lastEmailTo(org.root.email);
    expect(addedNotice.subject).toBe('The passkeys of your Acme Test account changed');
    expect(addedNotice.body.text).toMatch(/You added the passkey “1Password” to your account on \w+ \d+, \d{4}/);
    expect((await audit(api, org.rootToken, 'passkey.added'))[0]!.details).toMatchObject({ passkeyId: added.body.id, name: '1Password' });

    // The same challenge cannot register a second time.
    const replay = await api.request('POST', '/v1/me/passkeys', { token: org.rootToken, body: { response: new SoftAuthenticator(ORIGIN).create(creation) } });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('invalid_passkey');

    // A second passkey: the all-zero AAGUID names nothing, no new recovery codes.
    const second = await register(api, org.rootToken, new SoftAuthenticator(ORIGIN), { name: '  Laptop  ' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ name: 'Laptop', deviceType: 'singleDevice', authenticator: null });
    expect(second.body.recoveryCodes).toBeUndefined();
    const listed = await api.request('GET', '/v1/me/passkeys', { token: org.rootToken });
    expect(listed.body.items.map((item: { name: string }) => item.name)).toEqual(['1Password', 'Laptop']);

    const renamed = await api.request('PATCH', `/v1/me/passkeys/${second.body.id}`, { token: org.rootToken, body: { name: 'Work laptop' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Work laptop');
    expect((await api.request('PATCH', `/v1/me/passkeys/${second.body.id}`, { token: org.rootToken, body: { name: 'bad\u0007' } })).status).toBe(400);
    expect((await api.request('PATCH', '/v1/me/passkeys/00000000-0000-0000-0000-000000000000', { token: org.rootToken, body: { name: 'x' } })).status).toBe(404);

    const removed = await api.request('DELETE', `/v1/me/passkeys/${second.body.id}`, { token: org.rootToken });
    expect(removed.status).toBe(204);
    expect((await lastEmailTo(org.root.email)).body.text).toContain('You removed the passkey “Work laptop” from your account on');
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).body.mfa.passkeys).toBe(1);
  });

  it('refuses a credential registered twice, a bent registration, and anything beyond 20 passkeys', async () => {
    const org = await verifiedOrg(api);
    const bent: Array<[Bend, string]> = [[{ origin: 'https://evil.example' }, 'origin'], [{ rpId: 'evil.example' }, 'rpId'], [{ up: false }, 'up'], [{ type: 'webauthn.get' }, 'type'], [{ crossOrigin: true }, 'crossOrigin']];
    for (const [bend, what] of bent) {
      const answer = await register(api, org.rootToken, new SoftAuthenticator(ORIGIN), {}, bend);
      expect(answer.status, what).toBe(400);
      expect(answer.body.code, what).toBe('invalid_passkey');
    }
    // UV is not demanded at registration (a PIN-less security key can be a second factor).
    expect((await register(api, org.rootToken, new SoftAuthenticator(ORIGIN), {}, { uv: false })).status).toBe(201);

    const authenticator = new SoftAuthenticator(ORIGIN);
    const options = await api.request('POST', '/v1/me/passkeys/options', { token: org.rootToken, body: {} });
    const response = authenticator.create(options.body.options);
    expect((await api.request('POST', '/v1/me/passkeys', { token: org.rootToken, body: { response } })).status).toBe(201);
    // The same credential presented with a fresh challenge: already registered.
    const again = await api.request('POST', '/v1/me/passkeys/options', { token: org.rootToken, body: {} });
    const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString());
    const copy = { ...response, response: { ...response.response, clientDataJSON: Buffer.from(JSON.stringify({ ...clientData, challenge: again.body.options.challenge })).toString('base64url') } };
    const duplicate = await api.request('POST', '/v1/me/passkeys', { token: org.rootToken, body: { response: copy } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('passkey_exists');

    for (let count = 2; count < 20; count += 1) expect((await register(api, org.rootToken, new SoftAuthenticator(ORIGIN))).status).toBe(201);
    const limit = await api.request('POST', '/v1/me/passkeys/options', { token: org.rootToken, body: {} });
    expect(limit.status).toBe(409);
    expect(limit.body.code).toBe('passkey_limit');
    expect((await api.request('GET', '/v1/me/passkeys', { token: org.rootToken })).body.items).toHaveLength(20);
  }, 60_000);

  it('asks a sign-in older than 5 minutes to confirm, and refuses API tokens', async () => {
    const org = await verifiedOrg(api);
    later(301);
    const stale = await api.request('POST', '/v1/me/passkeys/options', { token: (await loginAs(api, org.slug, 'owner', org.root.password)).accessToken, body: {} });
    expect(stale.status).toBe(200);
    const old = await api.request('POST', '/v1/me/passkeys/options', { token: org.rootToken, body: {} });
    expect(old.status).toBe(403);
    expect(old.body.code).toBe('reauthentication_required');
    const wrong = await api.request('POST', '/v1/me/passkeys/options', { token: org.rootToken, body: { password: 'not the password at all' } });
    expect(wrong.body.code).toBe('reauthentication_failed');
    expect((await api.request('POST', '/v1/me/passkeys/options', { token: org.rootToken, body: { password: org.root.password } })).status).toBe(200);

    const apiToken = await api.request('POST', '/v1/me/api-tokens', { token: org.rootToken, body: { name: 'ci' } });
    const exchanged = await api.request('POST', '/v1/me/passkeys/options', { token: apiToken.body.token, body: {} });
    expect(exchanged.status).toBe(403);
  });
});

describe('passwordless sign-in', () => {
  it('signs in with a discoverable passkey and user verification as a multi-factor sign-in', async () => {
    const org = await verifiedOrg(api);
    const authenticator = new SoftAuthenticator(ORIGIN);
    const added = await register(api, org.rootToken, authenticator);
    const options = await api.request('POST', '/v1/auth/passkey/options', { body: {} });
    expect(options.body.options).toMatchObject({ rpId: 'localhost', userVerification: 'required', allowCredentials: [], timeout: 300000 });
    const signedIn = await api.request('POST', '/v1/auth/passkey', { body: { session: options.body.session, response: authenticator.get(options.body.options) } });
    expect(signedIn.status, signedIn.text).toBe(200);
    const token = claims(signedIn.body.accessToken);
    expect(token.amr).toEqual(['hwk', 'user', 'mfa']);
    expect(typeof token.auth_time).toBe('number');
    expect(token.sub).toBe(org.root.id);
    const listed = await api.request('GET', '/v1/me/passkeys', { token: signedIn.body.accessToken });
    expect(listed.body.items[0]).toMatchObject({ id: added.body.id, lastUsedAt: expect.any(String) });
    // The refreshed access token keeps how the session signed in.
    const refreshed = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: signedIn.body.refreshToken } });
    expect(claims(refreshed.body.accessToken).amr).toEqual(['hwk', 'user', 'mfa']);

    // Narrowed to another organization, the same passkey is not accepted.
    const other = await verifiedOrg(api);
    expect((await passwordless(api, authenticator, {}, { org: other.slug })).body.code).toBe('invalid_passkey');
    expect((await passwordless(api, authenticator, {}, { org: org.slug })).status).toBe(200);
  });

  it('refuses a wrong origin, RP ID hash, missing UV or UP, a spent challenge, a bad signature, a missing user handle, an unknown credential', async () => {
    const org = await verifiedOrg(api);
    const authenticator = new SoftAuthenticator(ORIGIN);
    await register(api, org.rootToken, authenticator);
    const bent: Array<[Bend, string]> = [
      [{ origin: 'https://evil.example' }, 'origin'],
      [{ origin: 'http://localhost:3001' }, 'port'],
      [{ rpId: 'evil.example' }, 'rpId'],
      [{ uv: false }, 'uv'],
      [{ up: false, uv: false }, 'up'],
      [{ badSignature: true }, 'signature'],
      [{ userHandle: null }, 'userHandle missing'],
      [{ userHandle: Buffer.alloc(32, 7).toString('base64url') }, 'userHandle of nobody'],
      [{ crossOrigin: true }, 'crossOrigin'],
      [{ type: 'webauthn.create' }, 'type'],
      [{ challenge: Buffer.alloc(32, 1).toString('base64url') }, 'challenge'],
    ];
    for (const [bend, what] of bent) {
      const answer = await passwordless(api, authenticator, bend);
      expect(answer.status, what).toBe(401);
      expect(answer.body.code, what).toBe('invalid_passkey');
    }
    const stranger = new SoftAuthenticator(ORIGIN);
    stranger.create({ challenge: 'x', rp: { id: 'localhost', name: 'x' }, user: { id: Buffer.alloc(32).toString('base64url'), name: 'x', displayName: 'x' } });
    expect((await passwordless(api, stranger)).body.code).toBe('invalid_passkey');

    // Replay: the session and its challenge are spent by the first answer.
    const options = await api.request('POST', '/v1/auth/passkey/options', { body: {} });
    const response = authenticator.get(options.body.options);
    expect((await api.request('POST', '/v1/auth/passkey', { body: { session: options.body.session, response } })).status).toBe(200);
    const replayed = await api.request('POST', '/v1/auth/passkey', { body: { session: options.body.session, response } });
    expect(replayed.status).toBe(401);
    expect(replayed.body.code).toBe('invalid_session');
    // Expired: five minutes.
    const old = await api.request('POST', '/v1/auth/passkey/options', { body: {} });
    later(301);
    expect((await api.request('POST', '/v1/auth/passkey', { body: { session: old.body.session, response: authenticator.get(old.body.options) } })).body.code).toBe('invalid_session');
  });

  it('refuses a device-bound passkey whose counter went backwards, audits and emails; a synced one is only audited', async () => {
    const org = await verifiedOrg(api);
    const bound = new SoftAuthenticator(ORIGIN);
    await register(api, org.rootToken, bound);
    expect((await passwordless(api, bound)).status).toBe(200);
    expect((await passwordless(api, bound)).status).toBe(200);
    const cloned = await passwordless(api, bound, { counter: 1 });
    expect(cloned.status).toBe(401);
    expect(cloned.body.code).toBe('invalid_passkey');
    expect((await audit(api, org.rootToken, 'passkey.counter_regression'))[0]!.details).toMatchObject({ stored: 2, presented: 1, refused: true });
    const copied = await lastEmailTo(org.root.email);
    expect(copied.subject).toBe('A passkey of your Acme Test account looks copied');
    expect(copied.body.text).toContain('That sign-in was refused.');

    const synced = new SoftAuthenticator(ORIGIN, { backupEligible: true, backedUp: true });
    await register(api, org.rootToken, synced);
    expect((await passwordless(api, synced, { counter: 5 })).status).toBe(200);
    expect((await passwordless(api, synced, { counter: 3 })).status).toBe(200);
    const events = await audit(api, org.rootToken, 'passkey.counter_regression');
    expect(events[0]!.details).toMatchObject({ stored: 5, presented: 3, refused: false });
    // Synced passkeys that report no counter at all are fine.
    const zero = new SoftAuthenticator(ORIGIN, { backupEligible: true, counterStep: 0 });
    await register(api, org.rootToken, zero);
    expect((await passwordless(api, zero)).status).toBe(200);
    expect((await passwordless(api, zero)).status).toBe(200);
  });
});

describe('signing in to an app (/oauth2/authorize) with a passkey', () => {
  it('completes the app’s request with a passwordless sign-in, and its amr reaches the ID token', async () => {
    const org = await verifiedOrg(api);
    const key = new SoftAuthenticator(ORIGIN, { backupEligible: true, backedUp: true });
    expect((await register(api, org.rootToken, key)).status).toBe(201);
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'demo-web', redirect_uri: 'http://127.0.0.1:8976/callback', scope: 'openid', state: 's', nonce: 'n',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    });
    const started = await fetch(`${api.url}/oauth2/authorize?${query}`, { redirect: 'manual' });
    expect(started.status).toBe(302);
    const login = new URL(started.headers.get('location')!);
    expect(login.pathname).toBe('/login');

    // What the console's /login?request= page does with "Sign in with a passkey" (the org is its hint, if any).
    const signedIn = await passwordless(api, key, {}, { org: org.slug });
    expect(signedIn.status, signedIn.text).toBe(200);
    const completed = await api.request('POST', '/oauth2/authorize/complete', { token: signedIn.body.accessToken, body: { request: login.searchParams.get('request') } });
    expect(completed.status, completed.text).toBe(200);
    const code = new URL(completed.body.redirectTo).searchParams.get('code')!;
    const tokens = await api.request('POST', '/oauth2/token', {
      raw: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:8976/callback', code_verifier: verifier, client_id: 'demo-web' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(tokens.status, tokens.text).toBe(200);
    const idToken = claims(tokens.body.id_token);
    expect(idToken).toMatchObject({ sub: org.root.id, aud: 'demo-web', amr: ['swk', 'user', 'mfa'] });
    expect(claims(tokens.body.access_token).amr).toEqual(['swk', 'user', 'mfa']);
  });
});

describe('passkey as second factor', () => {
  it('is offered after the password beside recovery codes, needs presence but not verification, and refuses another user’s credential', async () => {
    const org = await verifiedOrg(api);
    const mine = new SoftAuthenticator(ORIGIN);
    const added = await register(api, org.rootToken, mine);
    const recovery = added.body.recoveryCodes as string[];
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const theirs = new SoftAuthenticator(ORIGIN);
    await register(api, admin.accessToken, theirs);

    const login = () => api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    const first = await login();
    expect(first.body).toMatchObject({ challenge: 'MFA_REQUIRED', methods: ['passkey'] });
    expect(first.body.passkeyOptions).toMatchObject({ rpId: 'localhost', userVerification: 'preferred', allowCredentials: [{ id: mine.credentials[0]!.id }] });

    // Another user's passkey signs nothing for this login; the passkey challenge is then spent.
    const foreign = await api.request('POST', '/v1/auth/challenge', {
      body: { session: first.body.session, challenge: 'MFA_REQUIRED', passkey: theirs.get({ ...first.body.passkeyOptions, allowCredentials: [] }) },
    });
    expect(foreign.status).toBe(401);
    expect(foreign.body.code).toBe('invalid_passkey');
    const spent = await api.request('POST', '/v1/auth/challenge', { body: { session: first.body.session, challenge: 'MFA_REQUIRED', passkey: mine.get(first.body.passkeyOptions) } });
    expect(spent.body.code).toBe('invalid_passkey');
    // The login still takes a recovery code.
    const byCode = await api.request('POST', '/v1/auth/challenge', { body: { session: first.body.session, challenge: 'MFA_REQUIRED', code: recovery[0] } });
    expect(byCode.status, byCode.text).toBe(200);
    expect(claims(byCode.body.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);

    const second = await login();
    const both = await api.request('POST', '/v1/auth/challenge', { body: { session: second.body.session, challenge: 'MFA_REQUIRED', code: recovery[1], passkey: mine.get(second.body.passkeyOptions) } });
    expect(both.status).toBe(400);
    const third = await login();
    const signedIn = await api.request('POST', '/v1/auth/challenge', { body: { session: third.body.session, challenge: 'MFA_REQUIRED', passkey: mine.get(third.body.passkeyOptions, { uv: false }) } });
    expect(signedIn.status, signedIn.text).toBe(200);
    expect(claims(signedIn.body.accessToken).amr).toEqual(['pwd', 'hwk', 'mfa']);
    const fourth = await login();
    const noPresence = await api.request('POST', '/v1/auth/challenge', { body: { session: fourth.body.session, challenge: 'MFA_REQUIRED', passkey: mine.get(fourth.body.passkeyOptions, { up: false, uv: false }) } });
    expect(noPresence.body.code).toBe('invalid_passkey');
    const fifth = await login();
    const verified = await api.request('POST', '/v1/auth/challenge', { body: { session: fifth.body.session, challenge: 'MFA_REQUIRED', passkey: mine.get(fifth.body.passkeyOptions) } });
    expect(claims(verified.body.accessToken).amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
  });
});

describe('root’s powers and the organization policy', () => {
  it('lets root list and remove a user’s passkeys, admins only list, and the MFA reset removes them all', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const key = new SoftAuthenticator(ORIGIN);
    const added = await register(api, developer.accessToken, key);
    const kept = new SoftAuthenticator(ORIGIN);
    await register(api, developer.accessToken, kept);

    expect((await api.request('GET', `/v1/users/${developer.id}/passkeys`, { token: admin.accessToken })).body.items).toHaveLength(2);
    expect((await api.request('GET', `/v1/users/${admin.id}/passkeys`, { token: developer.accessToken })).status).toBe(403);
    expect((await api.request('DELETE', `/v1/users/${developer.id}/passkeys/${added.body.id}`, { token: admin.accessToken })).status).toBe(403);
    const other = await verifiedOrg(api);
    expect((await api.request('GET', `/v1/users/${developer.id}/passkeys`, { token: other.rootToken })).status).toBe(404);

    expect((await api.request('DELETE', `/v1/users/${developer.id}/passkeys/${added.body.id}`, { token: org.rootToken })).status).toBe(204);
    expect((await lastEmailTo(developer.email)).body.text).toMatch(/The organization owner removed the passkey “[^”]+” from your account/);
    // A removed passkey stops working at once.
    expect((await passwordless(api, key)).body.code).toBe('invalid_passkey');

    expect((await api.request('DELETE', `/v1/users/${developer.id}/mfa`, { token: org.rootToken })).status).toBe(204);
    const user = await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken });
    expect(user.body.mfa).toMatchObject({ enabled: false, methods: [], passkeys: 0 });
    expect((await passwordless(api, kept)).status).toBe(401);
    expect((await audit(api, org.rootToken, 'mfa.reset'))[0]!.details).toMatchObject({ passkeysRemoved: 1 });
  });

  it('applies root’s policy at sign-in: required for admins, passkeys only, and never a silent downgrade', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await api.request('PATCH', '/v1/org', { token: admin.accessToken, body: { mfaPolicy: { require: 'everyone' } } })).status).toBe(403);
    expect((await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { mfaPolicy: { methods: [] } } })).status).toBe(400);
    expect((await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { mfaPolicy: { methods: ['totp', 'totp'] } } })).status).toBe(400);
    const changed = await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { mfaPolicy: { require: 'admins', methods: ['passkey'] } } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.mfaPolicy).toEqual({ require: 'admins', methods: ['passkey'] });
    expect((await audit(api, org.rootToken, 'org.mfa_policy_changed'))).toHaveLength(1);

    // An admin without a factor sets up a passkey before any token.
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: admin.login, password: admin.password } });
    expect(login.body).toMatchObject({ challenge: 'MFA_SETUP_REQUIRED', methods: ['passkey'] });
    const offer = await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_SETUP_REQUIRED' } });
    expect(offer.status, offer.text).toBe(200);
    expect(offer.body.secret).toBeUndefined();
    const key = new SoftAuthenticator(ORIGIN);
    const setUp = await api.request('POST', '/v1/auth/challenge', {
      body: { session: login.body.session, challenge: 'MFA_SETUP_REQUIRED', passkey: key.create(offer.body.passkeyOptions), passkeyName: 'Phone' },
    });
    expect(setUp.status, setUp.text).toBe(200);
    expect(setUp.body.recoveryCodes).toHaveLength(10);
    expect(claims(setUp.body.accessToken).amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
    // It is the last allowed factor of a covered user: it cannot be removed.
    const passkeys = await api.request('GET', '/v1/me/passkeys', { token: setUp.body.accessToken });
    const removal = await api.request('DELETE', `/v1/me/passkeys/${passkeys.body.items[0].id}`, { token: setUp.body.accessToken });
    expect(removal.status).toBe(403);
    expect(removal.body.code).toBe('mfa_required');

    // Without passkeys allowed, nothing passkey works, and the admin must set up TOTP.
    await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { mfaPolicy: { methods: ['totp'] } } });
    expect((await passwordless(api, key)).status).toBe(403);
    const again = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: admin.login, password: admin.password } });
    expect(again.body).toMatchObject({ challenge: 'MFA_SETUP_REQUIRED', methods: ['totp'] });
    expect((await api.request('POST', '/v1/me/passkeys/options', { token: org.rootToken, body: {} })).body.code).toBe('method_not_allowed');
  });

  it('shows the policy in every user object: mfa.required is root’s per-user flag or the policy covering the user', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const required = async () => {
      const listed = await api.request('GET', '/v1/users', { token: org.rootToken });
      const fromList = Object.fromEntries(listed.body.items.map((user: { login: string; mfa: { required: boolean } }) => [user.login, user.mfa.required]));
      const shown = async (id: string) => (await api.request('GET', `/v1/users/${id}`, { token: org.rootToken })).body.mfa.required as boolean;
      const me = async (token: string) => (await api.request('GET', '/v1/me', { token })).body.mfa.required as boolean;
      const each = {
        root: [await me(org.rootToken), await shown(org.root.id), fromList.owner],
        admin: [await me(admin.accessToken), await shown(admin.id), fromList[admin.login]],
        developer: [await me(developer.accessToken), await shown(developer.id), fromList[developer.login]],
      };
      // /v1/me, /v1/users/{id} and the list always agree.
      for (const [who, answers] of Object.entries(each)) expect(new Set(answers).size, who).toBe(1);
      return { root: each.root[0], admin: each.admin[0], developer: each.developer[0] };
    };
    expect(await required()).toEqual({ root: false, admin: false, developer: false });

    await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { mfaPolicy: { require: 'admins' } } });
    expect(await required()).toEqual({ root: true, admin: true, developer: false });
    // Root's per-user flag still counts on its own, and stays what PATCH sets.
    const flagged = await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { requireMfa: true } });
    expect(flagged.body.mfa.required).toBe(true);

    await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { mfaPolicy: { require: 'everyone' } } });
    const invited = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'newcomer', name: 'New Comer', email: `newcomer@${org.slug}.example.com`, role: 'developer' } });
    expect(invited.body.user.mfa.required).toBe(true);
    const service = await api.request('POST', '/v1/users', { token: org.rootToken, body: { type: 'service', login: 'robot', name: 'Robot', role: 'developer' } });
    expect(service.body.user.mfa.required).toBe(false);
    expect((await api.request('GET', `/v1/users/${service.body.user.id}`, { token: org.rootToken })).body.mfa.required).toBe(false);

    // Back to "nobody": only root's flag is left.
    await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { mfaPolicy: { require: 'off' } } });
    expect(await required()).toEqual({ root: false, admin: false, developer: true });
    expect((await api.request('GET', `/v1/users/${invited.body.user.id}`, { token: org.rootToken })).body.mfa.required).toBe(false);
  });

  it('offers only allowed methods: with passkeys only, a TOTP code no longer answers, a recovery code still does', async () => {
    const org = await verifiedOrg(api);
    const started = await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken });
    const enrolled = await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: await generate({ secret: started.body.secret }) } });
    expect(enrolled.status).toBe(200);
    const key = new SoftAuthenticator(ORIGIN);
    const added = await register(api, org.rootToken, key);
    expect(added.body.recoveryCodes).toBeUndefined();
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).body.mfa).toMatchObject({ methods: ['totp', 'passkey'], passkeys: 1 });
    const both = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect(both.body.methods).toEqual(['totp', 'passkey']);

    await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { mfaPolicy: { methods: ['passkey'] } } });
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect(login.body.methods).toEqual(['passkey']);
    later(30);
    const totp = await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_REQUIRED', code: await generate({ secret: started.body.secret, epoch: Math.floor(clock.now() / 1000) }) } });
    expect(totp.status).toBe(401);
    expect(totp.body.code).toBe('invalid_code');
    const recovery = await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_REQUIRED', code: enrolled.body.recoveryCodes[0] } });
    expect(recovery.status).toBe(200);
  });

  it('turns passkeys off when APP_URL is an IP address', async () => {
    process.env.APP_URL = 'http://127.0.0.1:3000';
    resetConfig();
    try {
      const answer = await api.request('POST', '/v1/auth/passkey/options', { body: {} });
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('passkeys_unavailable');
    } finally {
      process.env.APP_URL = ORIGIN;
      resetConfig();
    }
  });
});

describe('what a passkey sign-in costs in DynamoDB', () => {
  const usage = (answer: { headers: Headers }) => JSON.parse(answer.headers.get('x-gatehouse-usage')!) as { reads: number; writes: number };

  it('passwordless: options 1 write; the assertion 2 reads and 3 writes, one read more when the instance has no policy cached', async () => {
    const org = await verifiedOrg(api);
    const key = new SoftAuthenticator(ORIGIN);
    expect((await register(api, org.rootToken, key)).status).toBe(201);
    const signIn = async () => {
      const options = await api.request('POST', '/v1/auth/passkey/options', { body: {} });
      const done = await api.request('POST', '/v1/auth/passkey', { body: { session: options.body.session, response: key.get(options.body.options) } });
      expect(done.status, done.text).toBe(200);
      return [usage(options), usage(done)];
    };
    // The options: the challenge item. The assertion: the credential's marker and the user (reads);
    // the spent challenge, the passkey's counter and last use, the session with its audit event (writes).
    expect(await signIn()).toEqual([{ reads: 0, writes: 1, rcu: 0, wcu: expect.any(Number) }, expect.objectContaining({ reads: 2, writes: 3 })]);
    // A new function instance, or 30 s later: the organization's policy is read once more.
    later(31);
    expect((await signIn())[1]).toMatchObject({ reads: 3, writes: 3 });
    expect((await signIn())[1]).toMatchObject({ reads: 2, writes: 3 });
  });

  it('second factor: the login 2 writes more than without a passkey offer; the answer 2 reads and 4 writes', async () => {
    const org = await verifiedOrg(api);
    const key = new SoftAuthenticator(ORIGIN);
    expect((await register(api, org.rootToken, key)).status).toBe(201);
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect(login.body.challenge).toBe('MFA_REQUIRED');
    // A login from a client without its device cookie (4 reads, as any); the login challenge and the passkey challenge (writes).
    expect(usage(login)).toMatchObject({ reads: 4, writes: 2 });
    const done = await api.request('POST', '/v1/auth/challenge', { body: { session: login.body.session, challenge: 'MFA_REQUIRED', passkey: key.get(login.body.passkeyOptions) } });
    expect(done.status, done.text).toBe(200);
    // Reads: the login challenge, the user. Writes: the spent passkey challenge; the consumed login
    // challenge with the passkey's counter (one transaction); the login's failure run ended; the session.
    expect(usage(done)).toMatchObject({ reads: 2, writes: 4 });
  });
});

describe('emails', () => {
  it('are sent for every added passkey', async () => {
    const org = await verifiedOrg(api);
    await register(api, org.rootToken, new SoftAuthenticator(ORIGIN));
    expect((await emailsTo(org.root.email)).filter((email) => /You added the passkey/.test(email.body.text ?? ''))).toHaveLength(1);
  });

  it('are in the user’s language: a German user reads every passkey notice in German', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer', { locale: 'de' });
    const key = new SoftAuthenticator(ORIGIN);
    const added = await register(api, developer.accessToken, key, { name: 'Schlüssel' });
    expect(added.status, added.text).toBe(201);
    const addedNotice = await lastEmailTo(developer.email);
    expect(addedNotice.subject).toBe('Die Passkeys Ihres Kontos bei Acme Test wurden geändert');
    expect(addedNotice.body.text).toMatch(/^Sie haben am \d+\. \S+ \d{4} um \d\d:\d\d UTC den Passkey „Schlüssel“ zu Ihrem Konto hinzugefügt\.$/m);
    expect(addedNotice.body.html).toMatch(/^<!doctype html><html lang="de"/);

    // A device-bound key whose counter went backwards: refused, and the notice is German too.
    expect((await passwordless(api, key)).status).toBe(200);
    expect((await passwordless(api, key)).status).toBe(200);
    expect((await passwordless(api, key, { counter: 1 })).status).toBe(401);
    const copied = await lastEmailTo(developer.email);
    expect(copied.subject).toBe('Ein Passkey Ihres Kontos bei Acme Test scheint kopiert worden zu sein');
    expect(copied.body.text).toContain('Diese Anmeldung wurde abgelehnt.');

    expect((await api.request('DELETE', `/v1/users/${developer.id}/passkeys/${added.body.id}`, { token: org.rootToken })).status).toBe(204);
    const removed = await lastEmailTo(developer.email);
    expect(removed.body.text).toMatch(/^Der Inhaber der Organisation hat am .+ den Passkey „Schlüssel“ aus Ihrem Konto entfernt\.$/m);
    // The English root still gets English.
    await register(api, org.rootToken, new SoftAuthenticator(ORIGIN));
    expect((await lastEmailTo(org.root.email)).subject).toBe('The passkeys of your Acme Test account changed');
  });
});
