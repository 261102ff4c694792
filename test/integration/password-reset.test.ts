import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { addMember, loginAs, verifiedOrg } from '../support/factories';
import { withLimits } from '../support/limits';
import { emailsTo, lastEmailTo, tokenFromEmail, tokenFromUrl, useApi } from '../support/api';

const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

const forgot = (org: string, login: string) => api.request('POST', '/v1/auth/password/forgot', { body: { org, login } });
const reset = (token: string, password: string) => api.request('POST', '/v1/auth/password/reset', { body: { token, password } });

describe('forgot password', () => {
  it('answers the same 202 whether or not the account exists, and emails only a real, active person', async () => {
    const org = await verifiedOrg(api);
    const before = (await emailsTo(org.root.email)).length;
    const known = await forgot(org.slug, 'owner');
    const unknownLogin = await forgot(org.slug, 'nobody-here');
    const unknownOrg = await forgot('no-such-org-at-all', 'owner');
    for (const answer of [known, unknownLogin, unknownOrg]) {
      expect(answer.status).toBe(202);
      expect(answer.text).toBe('');
    }
    expect(await emailsTo(org.root.email)).toHaveLength(before + 1);
    expect((await lastEmailTo(org.root.email)).body.text).toContain(`${process.env.APP_URL}/reset-password?lang=en#token=`);
  });

  it('sends at most one link a minute per account', async () => {
    const org = await verifiedOrg(api);
    const before = (await emailsTo(org.root.email)).length;
    await forgot(org.slug, 'owner');
    await forgot(org.slug, 'owner');
    expect(await emailsTo(org.root.email)).toHaveLength(before + 1);
    clock.now = () => realNow() + 61_000;
    await forgot(org.slug, 'owner');
    expect(await emailsTo(org.root.email)).toHaveLength(before + 2);
  });

  it('sends nothing more past the recipient limit, across organizations, and still answers 202', async () => {
    // The recipient limit counts every email on request (invitations too): 6 invitations, then 2 links.
    await withLimits({ GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: '8' }, async () => {
      const email = `flooded-${Math.random().toString(36).slice(2)}@example.com`;
      const orgs = [];
      for (let index = 0; index < 6; index += 1) {
        const org = await verifiedOrg(api);
        await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'target', name: 'T', email, role: 'developer', delivery: 'temporaryPassword' } });
        orgs.push(org);
      }
      const invitations = (await emailsTo(email)).length;
      expect(invitations).toBe(6);
      for (const org of orgs) expect((await forgot(org.slug, 'target')).status).toBe(202);
      expect((await emailsTo(email)).length - invitations).toBe(2);
    });
  });
});

describe('reset link', () => {
  it('works once, signs out everywhere, and leaves the old password dead', async () => {
    const org = await verifiedOrg(api);
    const other = await loginAs(api, org.slug, 'owner', org.root.password);
    await forgot(org.slug, 'owner');
    const token = tokenFromEmail(await lastEmailTo(org.root.email));

    expect((await reset(token, 'short')).status).toBe(400);
    expect((await reset(token, 'a brand new passphrase')).status).toBe(204);
    expect((await reset(token, 'another new passphrase')).body.code).toBe('invalid_token');
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } })).status).toBe(401);
    expect((await loginAs(api, org.slug, 'owner', 'a brand new passphrase')).accessToken).toBeTruthy();
    expect((await lastEmailTo(org.root.email)).subject).toMatch(/password was changed/);
  });

  it('expires after one hour', async () => {
    const org = await verifiedOrg(api);
    await forgot(org.slug, 'owner');
    const token = tokenFromEmail(await lastEmailTo(org.root.email));
    clock.now = () => realNow() + 3601_000;
    expect((await reset(token, 'a brand new passphrase')).status).toBe(400);
  });

  it('dies when a newer link is sent or the password is changed', async () => {
    const org = await verifiedOrg(api);
    await forgot(org.slug, 'owner');
    const first = tokenFromEmail(await lastEmailTo(org.root.email));
    clock.now = () => realNow() + 61_000;
    await forgot(org.slug, 'owner');
    const second = tokenFromEmail(await lastEmailTo(org.root.email));
    expect((await reset(first, 'a brand new passphrase')).status).toBe(400);

    await api.request('POST', '/v1/me/password', { token: org.rootToken, body: { currentPassword: org.root.password, newPassword: 'changed by myself here' } });
    expect((await reset(second, 'a brand new passphrase')).status).toBe(400);
  });

  it('is never a different kind of token', async () => {
    const org = await verifiedOrg(api);
    const invited = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'kind', name: 'K', email: `kind@${org.slug}.example.com`, role: 'developer' } });
    const activation = tokenFromUrl(invited.body.activation.url);
    expect((await reset(activation, 'a brand new passphrase')).status).toBe(400);
    expect((await api.request('POST', '/v1/auth/verify-email', { body: { token: activation } })).status).toBe(400);
  });
});

describe('reset by the owner', () => {
  it('sends a link to an active user (409 otherwise) and can revoke it', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    // Whether one is pending, so the console shows a cancel button only where it does something.
    const resetPending = async () => (await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken })).body.passwordResetPending;
    expect(await resetPending()).toBe(false);
    const issued = await api.request('POST', `/v1/users/${developer.id}/password-reset`, { token: org.rootToken });
    expect(issued.status).toBe(201);
    expect(await resetPending()).toBe(true);
    expect(issued.body).toMatchObject({ url: expect.stringContaining('/reset-password#token='), emailDelivery: 'sent' });
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeLessThanOrEqual(3600_000);
    expect((await api.request('DELETE', `/v1/users/${developer.id}/password-reset`, { token: org.rootToken })).status).toBe(204);
    expect(await resetPending()).toBe(false);
    expect((await reset(tokenFromUrl(issued.body.url), 'a brand new passphrase')).status).toBe(400);

    const pending = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'waiting', name: 'W', email: `w@${org.slug}.example.com`, role: 'developer' } });
    expect((await api.request('POST', `/v1/users/${pending.body.user.id}/password-reset`, { token: org.rootToken })).status).toBe(409);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await api.request('POST', `/v1/users/${developer.id}/password-reset`, { token: admin.accessToken })).status).toBe(403);
  });
});

describe('a pending reset in list pages', () => {
  it('shows passwordResetPending in the list (from the users index) as on the user, until the link is used, revoked or made moot', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const listed = async (query = '') => {
      const page = await api.request('GET', `/v1/users${query}`, { token: org.rootToken });
      expect(page.status).toBe(200);
      return page.body.items.find((user: { id: string }) => user.id === developer.id) as { passwordResetPending: boolean; login: string };
    };
    const shown = async () => (await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken })).body.passwordResetPending;
    // The index row still carries the login (its sort key), and nothing pending yet.
    expect(await listed()).toMatchObject({ login: developer.login, passwordResetPending: false });

    // Root's link: pending in the list, in the search list and on the user; revoked: gone.
    expect((await api.request('POST', `/v1/users/${developer.id}/password-reset`, { token: org.rootToken })).status).toBe(201);
    expect((await listed()).passwordResetPending).toBe(true);
    expect((await listed(`?q=${developer.login}`)).passwordResetPending).toBe(true);
    expect(await shown()).toBe(true);
    expect((await api.request('DELETE', `/v1/users/${developer.id}/password-reset`, { token: org.rootToken })).status).toBe(204);
    expect((await listed()).passwordResetPending).toBe(false);

    // Forgot-password's link, used: gone.
    expect((await forgot(org.slug, developer.login)).status).toBe(202);
    expect((await listed()).passwordResetPending).toBe(true);
    expect((await reset(tokenFromEmail(await lastEmailTo(developer.email)), 'a brand new passphrase 77')).status).toBe(204);
    expect((await listed()).passwordResetPending).toBe(false);
    expect(await shown()).toBe(false);

    // A link left unused dies when the user changes the password signed in.
    expect((await api.request('POST', `/v1/users/${developer.id}/password-reset`, { token: org.rootToken })).status).toBe(201);
    expect((await listed()).passwordResetPending).toBe(true);
    const { accessToken } = await loginAs(api, org.slug, developer.login, 'a brand new passphrase 77');
    const changed = await api.request('POST', '/v1/me/password', { token: accessToken, body: { currentPassword: 'a brand new passphrase 77', newPassword: 'yet another passphrase 88' } });
    expect(changed.status).toBe(204);
    expect((await listed()).passwordResetPending).toBe(false);
  });
});
