import { describe, expect, it } from 'vitest';
import { addMember, loginAs, signUpOrg, verifiedOrg } from '../support/factories';
import { emailsTo, lastEmailTo, tokenFromEmail, useApi } from '../support/api';

const api = useApi();
const invite = (token: string, body: Record<string, unknown>) => api.request('POST', '/v1/users', { token, body });

describe('invitation by link', () => {
  it('emails a single-use activation link (also returned once) that activates the account', async () => {
    const org = await verifiedOrg(api);
    const email = `dev@${org.slug}.example.com`;
    const invited = await invite(org.rootToken, { login: 'dev', name: 'Dee Veloper', email, role: 'developer', origin: 'Lyon office', location: 'Lyon' });

    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ login: 'dev', status: 'pending', role: 'developer', emailVerified: false, origin: 'Lyon office' });
    expect(invited.body.emailDelivery).toBe('sent');
    expect(invited.body.activation.url).toMatch(new RegExp(`^${process.env.APP_URL}/activate#token=`));
    expect(Date.parse(invited.body.activation.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86400_000);

    const mail = await lastEmailTo(email);
    expect(mail.subject).toContain('invited');
    // The emailed copy also carries the email’s language: /activate?lang=en#token=…
    expect(mail.body.text).toContain(invited.body.activation.url.replace("/activate#", "/activate?lang=en#"));
    const token = tokenFromEmail(mail);

    const weak = await api.request('POST', '/v1/auth/activate', { body: { token, password: 'too short' } });
    expect(weak.status).toBe(400);
    const activated = await api.request('POST', '/v1/auth/activate', { body: { token, password: 'a fine long passphrase' } });
    expect(activated.status).toBe(200);
    expect(activated.body.accessToken).toBeTruthy();
    const me = await api.request('GET', '/v1/me', { token: activated.body.accessToken });
    expect(me.body).toMatchObject({ status: 'active', emailVerified: true });

    const again = await api.request('POST', '/v1/auth/activate', { body: { token, password: 'a fine long passphrase' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_token');
  });

  it('re-issues a link (the previous one dies) and revokes it', async () => {
    const org = await verifiedOrg(api);
    const email = `late@${org.slug}.example.com`;
    const invited = await invite(org.rootToken, { login: 'late', name: 'Late', email, role: 'developer' });
    const first = tokenFromEmail(await lastEmailTo(email));

    const reissued = await api.request('POST', `/v1/users/${invited.body.user.id}/activation`, { token: org.rootToken });
    expect(reissued.status).toBe(201);
    expect(reissued.body.emailDelivery).toBe('sent');
    const second = tokenFromEmail(await lastEmailTo(email));
    expect(second).not.toBe(first);
    expect((await api.request('POST', '/v1/auth/activate', { body: { token: first, password: 'a fine long passphrase' } })).status).toBe(400);

    expect((await api.request('DELETE', `/v1/users/${invited.body.user.id}/activation`, { token: org.rootToken })).status).toBe(204);
    expect((await api.request('POST', '/v1/auth/activate', { body: { token: second, password: 'a fine long passphrase' } })).status).toBe(400);
    const third = await api.request('POST', `/v1/users/${invited.body.user.id}/activation`, { token: org.rootToken });
    expect((await api.request('POST', '/v1/auth/activate', { body: { token: tokenFromEmail(await lastEmailTo(email)), password: 'a fine long passphrase' } })).status).toBe(200);
    expect(third.status).toBe(201);
    const notPending = await api.request('POST', `/v1/users/${invited.body.user.id}/activation`, { token: org.rootToken });
    expect(notPending.status).toBe(409);
  });

  it('expires links after 7 days', async () => {
    const { clock } = await import('../../shared/clock');
    const org = await verifiedOrg(api);
    const email = `slow@${org.slug}.example.com`;
    await invite(org.rootToken, { login: 'slow', name: 'Slow', email, role: 'developer' });
    const token = tokenFromEmail(await lastEmailTo(email));
    const realNow = clock.now;
    clock.now = () => realNow() + 7 * 86400_000 + 60_000;
    try {
      expect((await api.request('POST', '/v1/auth/activate', { body: { token, password: 'a fine long passphrase' } })).status).toBe(400);
    } finally {
      clock.now = realNow;
    }
  });
});

describe('invitation with a temporary password', () => {
  it('makes the first login set a new password before any token, and the temporary one dies', async () => {
    const org = await verifiedOrg(api);
    const email = `temp@${org.slug}.example.com`;
    const invited = await invite(org.rootToken, { login: 'temp', name: 'Temp', email, role: 'developer', delivery: 'temporaryPassword' });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ status: 'active', mustChangePassword: true });
    const temporary = invited.body.temporaryPassword as string;
    expect(temporary.replace(/-/g, '')).toHaveLength(24);
    expect((await lastEmailTo(email)).body.text).toContain(temporary);

    const first = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'temp', password: temporary } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ challenge: 'NEW_PASSWORD_REQUIRED', session: expect.any(String) });
    expect(first.body.accessToken).toBeUndefined();
    expect((await api.request('GET', '/v1/me', { token: first.body.session })).status).toBe(401);

    const missing = await api.request('POST', '/v1/auth/challenge', { body: { session: first.body.session, challenge: 'NEW_PASSWORD_REQUIRED' } });
    expect(missing.status).toBe(400);
    const done = await api.request('POST', '/v1/auth/challenge', {
      body: { session: first.body.session, challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'my own long passphrase' },
    });
    expect(done.status).toBe(200);
    expect(done.body.accessToken).toBeTruthy();
    const me = await api.request('GET', '/v1/me', { token: done.body.accessToken });
    expect(me.body).toMatchObject({ mustChangePassword: false, emailVerified: true });

    const replay = await api.request('POST', '/v1/auth/challenge', {
      body: { session: first.body.session, challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'another long passphrase' },
    });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_session');
    expect((await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'temp', password: temporary } })).status).toBe(401);
    expect((await loginAs(api, org.slug, 'temp', 'my own long passphrase')).accessToken).toBeTruthy();
  });

  it('expires the challenge session after five minutes', async () => {
    const { clock } = await import('../../shared/clock');
    const org = await verifiedOrg(api);
    const invited = await invite(org.rootToken, { login: 'temp2', name: 'Temp', email: `temp2@${org.slug}.example.com`, role: 'developer', delivery: 'temporaryPassword' });
    const first = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'temp2', password: invited.body.temporaryPassword } });
    const realNow = clock.now;
    clock.now = () => realNow() + 301_000;
    try {
      const late = await api.request('POST', '/v1/auth/challenge', { body: { session: first.body.session, challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'my own long passphrase' } });
      expect(late.status).toBe(401);
    } finally {
      clock.now = realNow;
    }
  });
});

describe('who may invite whom', () => {
  it('refuses invitations from a root whose email is not verified', async () => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const answer = await invite(accessToken, { login: 'xx1', name: 'X', email: `x1@${org.slug}.example.com`, role: 'developer' });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('email_not_verified');
  });

  it('lets admins invite developers only, and developers nobody', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await invite(admin.accessToken, { login: 'dev1', name: 'D', email: `d1@${org.slug}.example.com`, role: 'developer' })).status).toBe(201);
    expect((await invite(admin.accessToken, { login: 'adm2', name: 'A', email: `a2@${org.slug}.example.com`, role: 'admin' })).status).toBe(403);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    expect((await invite(developer.accessToken, { login: 'dev2', name: 'D', email: `d2@${org.slug}.example.com`, role: 'developer' })).status).toBe(403);
  });

  it('never accepts root as a role', async () => {
    const org = await verifiedOrg(api);
    const answer = await invite(org.rootToken, { login: 'root2', name: 'R', email: `r2@${org.slug}.example.com`, role: 'root' });
    expect(answer.status).toBe(400);
  });
});

describe('uniqueness', () => {
  it('treats look-alike logins as the same (409 login_taken) and emails case-insensitively (409 email_taken)', async () => {
    const org = await verifiedOrg(api);
    expect((await invite(org.rootToken, { login: 'alice', name: 'A', email: `alice@${org.slug}.example.com`, role: 'developer' })).status).toBe(201);
    for (const login of ['Alice', 'ａｌｉｃｅ', 'ALICE']) {
      const answer = await invite(org.rootToken, { login, name: 'A', email: `${Math.random()}@${org.slug}.example.com`, role: 'developer' });
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('login_taken');
    }
    const email = await invite(org.rootToken, { login: 'alice2', name: 'A', email: `ALICE@${org.slug.toUpperCase()}.example.com`, role: 'developer' });
    expect(email.status).toBe(409);
    expect(email.body.code).toBe('email_taken');
    // The owner's own email is taken too.
    expect((await invite(org.rootToken, { login: 'alice3', name: 'A', email: org.root.email, role: 'developer' })).body.code).toBe('email_taken');
  });

  it('gives exactly one 201 to ten parallel invitations of the same email', async () => {
    const org = await verifiedOrg(api);
    const email = `race@${org.slug}.example.com`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => invite(org.rootToken, { login: `racer${index}`, name: 'R', email, role: 'developer' })),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.every((answer) => answer.status === 201 || answer.status === 409)).toBe(true);
    expect(await emailsTo(email)).toHaveLength(1);
    const list = await api.request('GET', '/v1/users?q=racer', { token: org.rootToken });
    expect(list.body.items).toHaveLength(1);
  });

  it('lets the same login and email exist in two organizations', async () => {
    const one = await verifiedOrg(api);
    const two = await verifiedOrg(api);
    const email = 'shared.person@example.com';
    expect((await invite(one.rootToken, { login: 'sam', name: 'Sam', email, role: 'developer' })).status).toBe(201);
    expect((await invite(two.rootToken, { login: 'sam', name: 'Sam', email, role: 'developer' })).status).toBe(201);
  });
});

describe('service accounts', () => {
  it('are created with a first API token that works at once and have no password login', async () => {
    const org = await verifiedOrg(api);
    const created = await invite(org.rootToken, { type: 'service', login: 'ci-bot', name: 'CI bot', role: 'developer' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ type: 'service', email: null, status: 'active' });
    expect(created.body.emailDelivery).toBe('none');
    expect(created.body.apiToken).toMatchObject({ name: 'initial', token: expect.stringMatching(/^ghp_/) });
    expect(created.body.apiToken.prefix).toBe(created.body.apiToken.token.slice(0, 12));

    const me = await api.request('GET', '/v1/me', { token: created.body.apiToken.token });
    expect(me.status).toBe(200);
    expect(me.body.login).toBe('ci-bot');
    expect((await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'ci-bot', password: 'any password at all' } })).status).toBe(401);
    expect((await invite(org.rootToken, { type: 'service', login: 'bot2', name: 'B', role: 'developer', email: 'b@example.com' })).status).toBe(400);
  });
});

describe('emails that lead to a sign-in name what the login form asks for', () => {
  // The organization is named by its sign-in address (the slug), never only its display name,
  // which the login form refuses: an invited user must be able to sign in with what the email says.
  // The catalogs quote as each language does; English uses typographic quotes.
  const quoted = (text: string | undefined, what: string) => new RegExp(`${what} ["“]([^"”]+)["”]`).exec(text ?? '')?.[1];

  it('a temporary-password invitation: signing in with exactly what it says works, and its button fills the organization in', async () => {
    const org = await verifiedOrg(api);
    const orgName = (await api.request('GET', '/v1/org', { token: org.rootToken })).body.name as string;
    expect(orgName).not.toBe(org.slug);
    const email = `named@${org.slug}.example.com`;
    const invited = await invite(org.rootToken, { login: 'named', name: 'Named', email, role: 'developer', delivery: 'temporaryPassword' });
    expect(invited.status).toBe(201);
    const mail = await lastEmailTo(email);
    const said = { org: quoted(mail.body.text, 'organization'), login: quoted(mail.body.text, 'login') };
    expect(said).toEqual({ org: org.slug, login: 'named' });
    expect(mail.body.text).toContain(`${process.env.APP_URL}/login?org=${org.slug}`);
    const first = await api.request('POST', '/v1/auth/login', { body: { org: said.org, login: said.login, password: invited.body.temporaryPassword } });
    expect(first.status, first.text).toBe(200);
    expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('a link invitation and a password reset name the sign-in address and the login too', async () => {
    const org = await verifiedOrg(api);
    const email = `linked@${org.slug}.example.com`;
    expect((await invite(org.rootToken, { login: 'linked', name: 'Linked', email, role: 'developer' })).status).toBe(201);
    const invitation = await lastEmailTo(email);
    expect({ org: quoted(invitation.body.text, 'organization'), login: quoted(invitation.body.text, 'login') }).toEqual({ org: org.slug, login: 'linked' });

    expect((await api.request('POST', '/v1/auth/password/forgot', { body: { org: org.slug, login: 'owner' } })).status).toBe(202);
    const reset = await lastEmailTo(org.root.email);
    expect(reset.subject).toMatch(/Reset/);
    expect({ org: quoted(reset.body.text, 'organization'), login: quoted(reset.body.text, 'login') }).toEqual({ org: org.slug, login: 'owner' });
  });
});
