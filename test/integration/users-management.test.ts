import { describe, expect, it } from 'vitest';
import { addMember, loginAs, verifiedOrg } from '../support/factories';
import { emailsTo, lastEmailTo, tokenFromEmail, useApi } from '../support/api';

const api = useApi();

describe('listing and search', () => {
  it('pages users sorted by login with an opaque cursor, and filters by role and status', async () => {
    const org = await verifiedOrg(api);
    for (let index = 0; index < 7; index += 1) {
      await api.request('POST', '/v1/users', {
        token: org.rootToken,
        body: { login: `user${index}`, name: `User ${index}`, email: `user${index}@${org.slug}.example.com`, role: index < 2 ? 'admin' : 'developer' },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api.request('GET', `/v1/users?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: org.rootToken });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((user: { login: string }) => user.login));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['owner', ...Array.from({ length: 7 }, (_, index) => `user${index}`)].sort());

    const admins = await api.request('GET', '/v1/users?role=admin', { token: org.rootToken });
    expect(admins.body.items.map((user: { login: string }) => user.login)).toEqual(['user0', 'user1']);
    const pending = await api.request('GET', '/v1/users?status=pending&role=developer', { token: org.rootToken });
    expect(pending.body.items).toHaveLength(5);
    const roots = await api.request('GET', '/v1/users?role=root', { token: org.rootToken });
    expect(roots.body.items.map((user: { login: string }) => user.login)).toEqual(['owner']);
  });

  it('finds users by the start of their login, name or email', async () => {
    const org = await verifiedOrg(api);
    await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'jdoe', name: 'Jane Doe', email: `jane@${org.slug}.example.com`, role: 'developer' } });
    await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'bsmith', name: 'Bob Smith', email: `robert@${org.slug}.example.com`, role: 'admin' } });
    const logins = async (q: string, extra = '') =>
      (await api.request('GET', `/v1/users?q=${encodeURIComponent(q)}${extra}`, { token: org.rootToken })).body.items.map((user: { login: string }) => user.login);
    expect(await logins('jd')).toEqual(['jdoe']);
    expect(await logins('Jane')).toEqual(['jdoe']);
    expect(await logins('robert@')).toEqual(['bsmith']);
    expect(await logins('bob', '&role=developer')).toEqual([]);
    expect(await logins('doe')).toEqual([]);
  });

  it('refuses bad limits, unknown filters and forged or foreign cursors with 400', async () => {
    const org = await verifiedOrg(api);
    const other = await verifiedOrg(api);
    await api.request('POST', '/v1/users', { token: other.rootToken, body: { login: 'zed', name: 'Zed', email: `zed@${other.slug}.example.com`, role: 'developer' } });
    const foreign = (await api.request('GET', '/v1/users?limit=1', { token: other.rootToken })).body.nextCursor;
    expect(foreign).toBeTruthy();
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'role=owner', 'status=gone', 'cursor=abc', `cursor=${encodeURIComponent(foreign)}`, `cursor=${encodeURIComponent(foreign.replace(/.$/, 'x'))}`]) {
      const answer = await api.request('GET', `/v1/users?${query}`, { token: org.rootToken });
      expect(answer.status, query).toBe(400);
    }
  });
});

describe('viewing', () => {
  it('lets developers see only themselves; ids of another organization are 404', async () => {
    const org = await verifiedOrg(api);
    const other = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await api.request('GET', `/v1/users/${developer.id}`, { token: developer.accessToken })).status).toBe(200);
    expect((await api.request('GET', `/v1/users/${admin.id}`, { token: developer.accessToken })).status).toBe(403);
    expect((await api.request('GET', '/v1/users', { token: developer.accessToken })).status).toBe(403);
    expect((await api.request('GET', `/v1/users/${developer.id}`, { token: admin.accessToken })).status).toBe(200);
    expect((await api.request('GET', `/v1/users/${other.root.id}`, { token: org.rootToken })).status).toBe(404);
    expect((await api.request('GET', `/v1/users/${other.root.id}`, { token: developer.accessToken })).status).toBe(404);
    expect((await api.request('GET', '/v1/users/not-an-id', { token: org.rootToken })).status).toBe(404);
  });
});

describe('editing (root)', () => {
  it('changes profile fields with If-Match, refuses login changes and stale versions', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const shown = await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken });
    const etag = shown.headers.get('etag')!;
    const patched = await api.request('PATCH', `/v1/users/${developer.id}`, {
      token: org.rootToken, headers: { 'if-match': etag }, body: { name: 'Renamed', origin: 'Agency', location: 'Paris', requireMfa: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', origin: 'Agency', location: 'Paris', mfa: { enabled: false, required: true } });
    expect((await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, headers: { 'if-match': etag }, body: { name: 'Late' } })).status).toBe(412);
    expect((await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { login: 'newlogin' } })).status).toBe(400);
    expect((await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { role: 'root' } })).status).toBe(400);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await api.request('PATCH', `/v1/users/${developer.id}`, { token: admin.accessToken, body: { name: 'X' } })).status).toBe(403);
  });

  it('protects the root from demotion and deactivation (403 root_protected)', async () => {
    const org = await verifiedOrg(api);
    for (const body of [{ role: 'admin' }, { status: 'deactivated' }]) {
      const answer = await api.request('PATCH', `/v1/users/${org.root.id}`, { token: org.rootToken, body });
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('root_protected');
    }
    expect((await api.request('PATCH', `/v1/users/${org.root.id}`, { token: org.rootToken, body: { name: 'Still Me' } })).status).toBe(200);
  });

  it('applies a role change to the very next request of an existing token', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await api.request('GET', '/v1/users', { token: admin.accessToken })).status).toBe(200);
    await api.request('PATCH', `/v1/users/${admin.id}`, { token: org.rootToken, body: { role: 'developer' } });
    expect((await api.request('GET', '/v1/users', { token: admin.accessToken })).status).toBe(403);
    const refreshed = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: admin.refreshToken } });
    const payload = JSON.parse(Buffer.from(refreshed.body.accessToken.split('.')[1], 'base64url').toString());
    expect(payload.role).toBe('developer');
  });

  it('deactivation stops access, refresh and API tokens at once; reactivation restores the password and API tokens', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const apiToken = (await api.request('POST', '/v1/me/api-tokens', { token: developer.accessToken, body: { name: 'laptop' } })).body.token;
    expect((await api.request('GET', '/v1/me', { token: apiToken })).status).toBe(200);

    const off = await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { status: 'deactivated' } });
    expect(off.body.status).toBe('deactivated');
    expect((await api.request('GET', '/v1/me', { token: developer.accessToken })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: apiToken })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: developer.refreshToken } })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: developer.login, password: developer.password } })).status).toBe(401);

    await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { status: 'active' } });
    expect((await api.request('GET', '/v1/me', { token: apiToken })).status).toBe(200);
    // Sessions stay ended; the password still works.
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: developer.refreshToken } })).status).toBe(401);
    expect((await loginAs(api, org.slug, developer.login, developer.password)).accessToken).toBeTruthy();
  });

  it('re-verifies a changed email and tells the old address', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const newEmail = `moved@${org.slug}.example.com`;
    const patched = await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { email: newEmail } });
    expect(patched.body).toMatchObject({ email: newEmail, emailVerified: false });
    expect((await lastEmailTo(developer.email)).subject).toMatch(/email address was changed/);
    const token = tokenFromEmail(await lastEmailTo(newEmail));
    expect((await api.request('POST', '/v1/auth/verify-email', { body: { token } })).status).toBe(204);
    expect((await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken })).body.emailVerified).toBe(true);
    // The old address is free again; the new one is taken.
    const taken = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'newcomer', name: 'N', email: newEmail, role: 'developer' } });
    expect(taken.body.code).toBe('email_taken');
    expect((await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'newcomer', name: 'N', email: developer.email, role: 'developer' } })).status).toBe(201);
  });

  it('refuses to take another user’s email (409) and changes nothing', async () => {
    const org = await verifiedOrg(api);
    const one = await addMember(api, org, org.rootToken, 'developer');
    const two = await addMember(api, org, org.rootToken, 'developer');
    const answer = await api.request('PATCH', `/v1/users/${two.id}`, { token: org.rootToken, body: { email: one.email, name: 'Nope' } });
    expect(answer.status).toBe(409);
    expect((await api.request('GET', `/v1/users/${two.id}`, { token: org.rootToken })).body).toMatchObject({ email: two.email, name: 'Test developer' });
  });
});

describe('deleting (root)', () => {
  it('needs the login repeated, never deletes the root, and frees the login', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    expect((await api.request('DELETE', `/v1/users/${developer.id}`, { token: org.rootToken })).status).toBe(400);
    const mismatch = await api.request('DELETE', `/v1/users/${developer.id}?confirm=someone`, { token: org.rootToken });
    expect(mismatch.body.code).toBe('confirmation_mismatch');
    const root = await api.request('DELETE', `/v1/users/${org.root.id}?confirm=owner`, { token: org.rootToken });
    expect(root.body.code).toBe('root_protected');

    expect((await api.request('DELETE', `/v1/users/${developer.id}?confirm=${developer.login}`, { token: org.rootToken })).status).toBe(204);
    expect((await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken })).status).toBe(404);
    expect((await api.request('GET', '/v1/me', { token: developer.accessToken })).status).toBe(401);
    const again = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: developer.login, name: 'Again', email: developer.email, role: 'developer' } });
    expect(again.status).toBe(201);
    const search = await api.request('GET', `/v1/users?q=${developer.login}`, { token: org.rootToken });
    expect(search.body.items).toHaveLength(1);
    expect(await emailsTo(developer.email)).not.toHaveLength(0);
  });
});
