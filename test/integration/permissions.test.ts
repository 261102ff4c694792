import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { addMember, verifiedOrg } from '../support/factories';
import { useApi } from '../support/api';

const api = useApi();
const demo = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context['gatehouse:permissions'] as Array<{ name: string }>;
const ALL = demo.map((entry) => entry.name);

const originalCatalog = process.env.PERMISSIONS!;
/** The deployment's catalog changes (a redeploy with another cdk.json): every handler sees the new one. */
function useCatalog(entries: unknown[]) {
  process.env.PERMISSIONS = JSON.stringify(entries);
  resetConfig();
}
afterEach(() => {
  process.env.PERMISSIONS = originalCatalog;
  resetConfig();
});

const me = async (token: string) => (await api.request('GET', '/v1/me', { token })).body;

describe('the catalog', () => {
  it('is the demo catalog of cdk.json, for every signed-in user, and nobody anonymous', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    for (const token of [org.rootToken, developer.accessToken]) {
      const answer = await api.request('GET', '/v1/permissions', { token });
      expect(answer.status).toBe(200);
      expect(answer.body.items).toEqual([
        { name: 'settings:read', description: 'Read system settings', module: 'settings', dangerous: false, defaultFor: ['admin', 'developer'] },
        { name: 'settings:write', description: 'Change system settings', module: 'settings', dangerous: false, defaultFor: ['admin'] },
        { name: 'flows:edit', description: 'Edit flows', module: 'flows', dangerous: false, defaultFor: ['admin', 'developer'] },
        { name: 'logs:read', description: 'Read and manage logs', module: 'logs', dangerous: false, defaultFor: ['admin'] },
        { name: 'devices:control', description: expect.any(String), module: 'devices', dangerous: true, defaultFor: [] },
      ]);
    }
    expect((await api.request('GET', '/v1/permissions')).status).toBe(401);
  });
});

describe('grants', () => {
  it('come with an invitation: the catalog defaults for the role, or the list given; the root holds everything', async () => {
    const org = await verifiedOrg(api);
    expect((await me(org.rootToken)).permissions).toEqual(ALL);
    const admin = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'adm', name: 'Ad', email: `adm@${org.slug}.example.com`, role: 'admin' } });
    expect(admin.body.user.permissions).toEqual(['settings:read', 'settings:write', 'flows:edit', 'logs:read']);
    const dev = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'dev', name: 'Dev', email: `dev@${org.slug}.example.com`, role: 'developer' } });
    expect(dev.body.user.permissions).toEqual(['settings:read', 'flows:edit']);
    const svc = await api.request('POST', '/v1/users', { token: org.rootToken, body: { type: 'service', login: 'svc', name: 'Svc', role: 'developer', permissions: ['devices:control', 'logs:read', 'logs:read'] } });
    expect(svc.status, svc.text).toBe(201);
    // Catalog order, each once.
    expect(svc.body.user.permissions).toEqual(['logs:read', 'devices:control']);
    const none = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'none', name: 'None', email: `none@${org.slug}.example.com`, role: 'developer', permissions: [] } });
    expect(none.body.user.permissions).toEqual([]);

    const unknown = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'unk', name: 'Unk', email: `unk@${org.slug}.example.com`, role: 'developer', permissions: ['nuclear:launch'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'unknown_permission', errors: [{ path: 'permissions' }] });

    const events = (await api.request('GET', '/v1/audit-events?action=user.created', { token: org.rootToken })).body.items;
    expect(events[0].details.permissions).toEqual(['logs:read', 'devices:control']);
  });

  it('change with the whole list under If-Match, in one transaction with an audit event of what was added and removed', async () => {
    const org = await verifiedOrg(api);
    const dev = await addMember(api, org, org.rootToken, 'developer');
    const read = await api.request('GET', `/v1/users/${dev.id}`, { token: org.rootToken });
    const version = read.body.version;

    const changed = await api.request('PATCH', `/v1/users/${dev.id}`, {
      token: org.rootToken,
      body: { permissions: ['settings:read', 'devices:control'] },
      headers: { 'if-match': `"${version}"` },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ permissions: ['settings:read', 'devices:control'], version: version + 1 });
    expect(changed.headers.get('etag')).toBe(`"${version + 1}"`);

    const stale = await api.request('PATCH', `/v1/users/${dev.id}`, { token: org.rootToken, body: { permissions: [] }, headers: { 'if-match': `"${version}"` } });
    expect(stale.status).toBe(412);
    expect((await me(dev.accessToken)).permissions).toEqual(['settings:read', 'devices:control']);

    const unknown = await api.request('PATCH', `/v1/users/${dev.id}`, { token: org.rootToken, body: { permissions: ['settings:read', 'Settings:Write'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('unknown_permission');
    expect(unknown.body.detail).toContain('Settings:Write');

    // The same list again changes nothing: no new version, no audit event.
    const same = await api.request('PATCH', `/v1/users/${dev.id}`, { token: org.rootToken, body: { permissions: ['devices:control', 'settings:read'] } });
    expect(same.body.version).toBe(version + 1);

    const events = (await api.request('GET', `/v1/audit-events?action=user.permissions_changed&target=${dev.id}`, { token: org.rootToken })).body.items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: { id: org.root.id },
      target: { id: dev.id, login: dev.login },
      details: { added: ['devices:control'], removed: ['flows:edit'] },
    });

    // With other fields, the owner's one PATCH writes both and records both.
    const both = await api.request('PATCH', `/v1/users/${dev.id}`, { token: org.rootToken, body: { name: 'Renamed', permissions: [] } });
    expect(both.body).toMatchObject({ name: 'Renamed', permissions: [], version: version + 2 });
    const after = (await api.request('GET', `/v1/audit-events?target=${dev.id}`, { token: org.rootToken })).body.items.map((event: { action: string }) => event.action);
    expect(after.slice(0, 2).sort()).toEqual(['user.permissions_changed', 'user.updated']);
  });

  it('cannot be set for the root, by anyone', async () => {
    const org = await verifiedOrg(api);
    const answer = await api.request('PATCH', `/v1/users/${org.root.id}`, { token: org.rootToken, body: { permissions: [] } });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('root_protected');
    expect((await me(org.rootToken)).permissions).toEqual(ALL);
  });

  it('filter the user list: ?permission= gives its holders, the root among them', async () => {
    const org = await verifiedOrg(api);
    const a = await addMember(api, org, org.rootToken, 'developer', { login: 'alpha', permissions: ['devices:control'] });
    await addMember(api, org, org.rootToken, 'developer', { login: 'beta', permissions: ['settings:read'] });
    const admin = await addMember(api, org, org.rootToken, 'admin', { login: 'gamma', permissions: ['devices:control', 'settings:read'] });
    const logins = async (query: string) => {
      const answer = await api.request('GET', `/v1/users?${query}`, { token: org.rootToken });
      expect(answer.status, answer.text).toBe(200);
      return answer.body.items.map((user: { login: string }) => user.login);
    };
    expect(await logins('permission=devices:control')).toEqual(['alpha', 'gamma', 'owner']);
    expect(await logins('permission=devices:control&role=developer')).toEqual(['alpha']);
    expect(await logins('permission=settings:read&q=g')).toEqual(['gamma']);
    expect(await logins('permission=logs:read')).toEqual(['owner']);
    const unknown = await api.request('GET', '/v1/users?permission=nuclear:launch', { token: org.rootToken });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('unknown_permission');
    // Admins list too; developers do not.
    expect((await api.request('GET', '/v1/users?permission=settings:read', { token: admin.accessToken })).status).toBe(200);
    expect((await api.request('GET', '/v1/users?permission=settings:read', { token: a.accessToken })).status).toBe(403);
  });

  it('take effect on the very next request, even one carrying an access token issued before the change', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const dev = await addMember(api, org, org.rootToken, 'developer');
    expect((await me(admin.accessToken)).permissions).toContain('settings:write');

    const withdrawn = await api.request('PATCH', `/v1/users/${admin.id}`, { token: org.rootToken, body: { permissions: ['settings:read', 'flows:edit'] } });
    expect(withdrawn.status).toBe(200);
    expect((await me(admin.accessToken)).permissions).toEqual(['settings:read', 'flows:edit']);
    // What the admin no longer holds, it can no longer give, on its very next request.
    const give = await api.request('PATCH', `/v1/users/${dev.id}`, { token: admin.accessToken, body: { permissions: ['settings:read', 'flows:edit', 'settings:write'] } });
    expect(give.status).toBe(403);
 
    // The access token issued before keeps its scope until it expires; the next one has the change.
    expect(decodeJwt(admin.accessToken).scope).toContain('settings:write');
    const refreshed = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: admin.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.accessToken).scope).toBe('settings:read flows:edit');
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: admin.login, password: admin.password } });
    expect(decodeJwt(login.body.accessToken).scope).toBe('settings:read flows:edit');
  });

  it('pass to the old owner on a transfer: it keeps, as an admin, every permission it held', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin', { permissions: [] });
    const answer = await api.request('POST', '/v1/org/transfer', { token: org.rootToken, body: { userId: admin.id, password: org.root.password } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.previousRoot).toMatchObject({ role: 'admin', permissions: ALL });
    expect(answer.body.newRoot).toMatchObject({ role: 'root', permissions: ALL });
    expect((await me(org.rootToken)).permissions).toEqual(ALL);
  });
});

describe('API token scopes', () => {
  it('narrow a token to some of its owner’s permissions; listed, they show; absent, the token follows its owner', async () => {
    const org = await verifiedOrg(api);
    const dev = await addMember(api, org, org.rootToken, 'developer');
    const scoped = await api.request('POST', '/v1/me/api-tokens', { token: dev.accessToken, body: { name: 'scoped', scopes: ['flows:edit'] } });
    expect(scoped.status, scoped.text).toBe(201);
    expect(scoped.body.scopes).toEqual(['flows:edit']);
    const whole = await api.request('POST', '/v1/me/api-tokens', { token: dev.accessToken, body: { name: 'whole' } });
    expect(whole.body.scopes).toBeNull();
    const listed = (await api.request('GET', `/v1/users/${dev.id}/api-tokens`, { token: org.rootToken })).body.items;
    expect(listed.map((token: { scopes: unknown }) => token.scopes)).toEqual([['flows:edit'], null]);
    const events = (await api.request('GET', '/v1/audit-events?action=api_token.created', { token: org.rootToken })).body.items;
    expect(events.map((event: { details: { scopes: unknown } }) => event.details.scopes)).toEqual([null, ['flows:edit']]);
  });
});

describe('a permission that leaves the catalog', () => {
  it('stops counting at once: not held, not listed, not a filter, not a scope; stored grants are ignored, never an error', async () => {
    const org = await verifiedOrg(api);
    const dev = await addMember(api, org, org.rootToken, 'developer', { permissions: ['settings:read', 'logs:read'] });
    const token = await api.request('POST', '/v1/me/api-tokens', { token: dev.accessToken, body: { name: 'logs', scopes: ['logs:read'] } });

    useCatalog(demo.filter((entry) => entry.name !== 'logs:read'));
    expect((await me(dev.accessToken)).permissions).toEqual(['settings:read']);
    expect((await me(org.rootToken)).permissions).toEqual(ALL.filter((name) => name !== 'logs:read'));
    expect((await api.request('GET', '/v1/permissions', { token: dev.accessToken })).body.items.map((entry: { name: string }) => entry.name)).not.toContain('logs:read');
    expect((await api.request('GET', '/v1/users?permission=logs:read', { token: org.rootToken })).body.code).toBe('unknown_permission');
    const tokens = await api.request('GET', '/v1/me/api-tokens', { token: dev.accessToken });
    expect(tokens.status).toBe(200);
    expect(tokens.body.items[0].scopes).toEqual([]);
    // The token still authenticates (its owner is fine); it simply carries nothing now.
    expect((await api.request('GET', '/v1/me', { token: token.body.token })).status).toBe(200);
    // An edit of the list is judged on what counts; the stale name is not an error.
    const edit = await api.request('PATCH', `/v1/users/${dev.id}`, { token: org.rootToken, body: { permissions: ['settings:read', 'flows:edit'] } });
    expect(edit.status, edit.text).toBe(200);
    const events = (await api.request('GET', `/v1/audit-events?action=user.permissions_changed&target=${dev.id}`, { token: org.rootToken })).body.items;
    expect(events[0].details).toEqual({ added: ['flows:edit'], removed: [] });
  });

  it('counts again if it comes back, for grants no one edited meanwhile', async () => {
    const org = await verifiedOrg(api);
    const dev = await addMember(api, org, org.rootToken, 'developer', { permissions: ['logs:read'] });
    useCatalog(demo.filter((entry) => entry.name !== 'logs:read'));
    expect((await me(dev.accessToken)).permissions).toEqual([]);
    useCatalog(demo);
    expect((await me(dev.accessToken)).permissions).toEqual(['logs:read']);
  });
});
