import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { addMember, verifiedOrg } from '../support/factories';
import { useApi } from '../support/api';

const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

describe('own API tokens', () => {
  it('are shown once, listed without secrets, used as Bearer, and revoked at once', async () => {
    const org = await verifiedOrg(api);
    const created = await api.request('POST', '/v1/me/api-tokens', { token: org.rootToken, body: { name: 'deploy script', expiresInDays: 30 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'deploy script', token: expect.stringMatching(/^ghp_[A-Za-z0-9_-]{96}$/), lastUsedAt: null });
    expect(Date.parse(created.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 86400_000);

    const used = await api.request('GET', '/v1/org', { token: created.body.token });
    expect(used.status).toBe(200);
    const list = await api.request('GET', '/v1/me/api-tokens', { token: org.rootToken });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: created.body.id, prefix: created.body.prefix, lastUsedAt: expect.any(String) });
    expect(list.text).not.toContain(created.body.token);
    expect(list.text).not.toContain('hash');

    expect((await api.request('DELETE', `/v1/me/api-tokens/${created.body.id}`, { token: org.rootToken })).status).toBe(204);
    expect((await api.request('GET', '/v1/org', { token: created.body.token })).status).toBe(401);
    expect((await api.request('DELETE', `/v1/me/api-tokens/${created.body.id}`, { token: org.rootToken })).status).toBe(404);
  });

  it('stop working when they expire', async () => {
    const org = await verifiedOrg(api);
    const created = await api.request('POST', '/v1/me/api-tokens', { token: org.rootToken, body: { name: 'short', expiresInDays: 1 } });
    clock.now = () => realNow() + 86400_000 + 1000;
    expect((await api.request('GET', '/v1/org', { token: created.body.token })).status).toBe(401);
  });

  it('refuse tampered tokens and bad bodies', async () => {
    const org = await verifiedOrg(api);
    const created = await api.request('POST', '/v1/me/api-tokens', { token: org.rootToken, body: { name: 'x' } });
    const tampered = created.body.token.slice(0, 20) + (created.body.token[20] === 'A' ? 'B' : 'A') + created.body.token.slice(21);
    expect((await api.request('GET', '/v1/me', { token: tampered })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: 'ghp_short' })).status).toBe(401);
    for (const body of [{ name: 'x', expiresInDays: 0 }, { name: 'x', expiresInDays: 366 }, { name: '' }, { name: 'x', scope: 'all' }]) {
      expect((await api.request('POST', '/v1/me/api-tokens', { token: org.rootToken, body })).status).toBe(400);
    }
  });

  it('grant only the owner’s current role', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const token = (await api.request('POST', '/v1/me/api-tokens', { token: admin.accessToken, body: { name: 'admin token' } })).body.token;
    expect((await api.request('GET', '/v1/users', { token })).status).toBe(200);
    await api.request('PATCH', `/v1/users/${admin.id}`, { token: org.rootToken, body: { role: 'developer' } });
    expect((await api.request('GET', '/v1/users', { token })).status).toBe(403);
  });
});

describe('other users’ API tokens', () => {
  it('are managed by the root, readable by admins, hidden from developers', async () => {
    const org = await verifiedOrg(api);
    const bot = await api.request('POST', '/v1/users', { token: org.rootToken, body: { type: 'service', login: 'bot', name: 'Bot', role: 'developer' } });
    const botId = bot.body.user.id;
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const developer = await addMember(api, org, org.rootToken, 'developer');

    const second = await api.request('POST', `/v1/users/${botId}/api-tokens`, { token: org.rootToken, body: { name: 'second' } });
    expect(second.status).toBe(201);
    const listed = await api.request('GET', `/v1/users/${botId}/api-tokens`, { token: admin.accessToken });
    expect(listed.body.items.map((token: { name: string }) => token.name)).toEqual(['initial', 'second']);
    expect((await api.request('POST', `/v1/users/${botId}/api-tokens`, { token: admin.accessToken, body: { name: 'nope' } })).status).toBe(403);
    expect((await api.request('DELETE', `/v1/users/${botId}/api-tokens/${second.body.id}`, { token: admin.accessToken })).status).toBe(403);
    expect((await api.request('GET', `/v1/users/${botId}/api-tokens`, { token: developer.accessToken })).status).toBe(403);

    expect((await api.request('DELETE', `/v1/users/${botId}/api-tokens/${second.body.id}`, { token: org.rootToken })).status).toBe(204);
    expect((await api.request('GET', '/v1/me', { token: second.body.token })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: bot.body.apiToken.token })).status).toBe(200);

    // Deactivating the service account stops its tokens at once; reactivating restores them.
    await api.request('PATCH', `/v1/users/${botId}`, { token: org.rootToken, body: { status: 'deactivated' } });
    expect((await api.request('GET', '/v1/me', { token: bot.body.apiToken.token })).status).toBe(401);
    await api.request('PATCH', `/v1/users/${botId}`, { token: org.rootToken, body: { status: 'active' } });
    expect((await api.request('GET', '/v1/me', { token: bot.body.apiToken.token })).status).toBe(200);
  });
});
