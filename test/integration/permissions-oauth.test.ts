import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { addMember, verifiedOrg } from '../support/factories';
import { basic, clientCredentials, clientSecret, postForm, serviceAccount } from '../support/oauth';

/**
 * Permissions through OAuth: the client-credentials exchange and introspection judge an API
 * token's permissions by its own list and its owner's grants now, never more.
 */
const api = useApi();
const introspect = (token: string) => postForm(api, '/oauth2/introspect', { token }, { authorization: basic('demo-service', clientSecret('demo-service')) });

describe('discovery', () => {
  it('lists the permission catalog among scopes_supported', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const answer = await api.request('GET', path);
      expect(answer.status).toBe(200);
      expect(answer.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'settings:read', 'settings:write', 'flows:edit', 'logs:read', 'devices:control']));
    }
  });
});

describe('client credentials and permissions', () => {
  it('refuses a scope beyond the API token’s own list or its owner’s grants, and issues nothing', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken, 'developer', ['settings:read', 'flows:edit']);
    const narrow = await api.request('POST', `/v1/users/${bot.id}/api-tokens`, { token: org.rootToken, body: { name: 'narrow', scopes: ['settings:read'] } });
    expect(narrow.status, narrow.text).toBe(201);

    for (const scope of ['flows:edit', 'settings:read flows:edit', 'devices:control', 'nuclear:launch']) {
      const answer = await clientCredentials(api, bot.id, narrow.body.token, { scope });
      expect(answer.status, scope).toBe(400);
      expect(answer.body.error).toBe('invalid_scope');
      expect(answer.body.access_token).toBeUndefined();
    }
    const whole = await clientCredentials(api, bot.id, narrow.body.token);
    expect(whole.body.scope).toBe('settings:read');
    // The unnarrowed token holds both; a scope beyond the owner's grants is refused all the same.
    expect((await clientCredentials(api, bot.id, bot.apiToken, { scope: 'devices:control' })).body.error).toBe('invalid_scope');
    expect((await clientCredentials(api, bot.id, bot.apiToken)).body.scope).toBe('settings:read flows:edit');
  });

  it('a narrowed access token gives on Gatehouse’s API no more than its scope, even to an admin', async () => {
    const org = await verifiedOrg(api);
    const admin = await serviceAccount(api, org.rootToken, 'admin', ['settings:read', 'flows:edit']);
    const dev = await addMember(api, org, org.rootToken, 'developer', { permissions: [] });
    const narrowed = await clientCredentials(api, admin.id, admin.apiToken, { scope: 'settings:read' });
    expect(narrowed.body.scope).toBe('settings:read');
    const refused = await api.request('PATCH', `/v1/users/${dev.id}`, { token: narrowed.body.access_token, body: { permissions: ['flows:edit'] } });
    expect(refused.status, refused.text).toBe(403);
    const allowed = await api.request('PATCH', `/v1/users/${dev.id}`, { token: narrowed.body.access_token, body: { permissions: ['settings:read'] } });
    expect(allowed.status, allowed.text).toBe(200);
    // Nor can it mint an API token broader than itself.
    const minted = await api.request('POST', '/v1/me/api-tokens', { token: narrowed.body.access_token, body: { name: 'wider', scopes: ['flows:edit'] } });
    expect(minted.body.code).toBe('invalid_scope');
  });
});

describe('a withdrawn permission, at once', () => {
  it('is gone from the next Gatehouse request, refresh, client-credentials exchange and introspection', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken, 'developer', ['settings:read', 'flows:edit']);
    const flowsOnly = await api.request('POST', `/v1/users/${bot.id}/api-tokens`, { token: org.rootToken, body: { name: 'flows', scopes: ['flows:edit'] } });
    const earlier = (await clientCredentials(api, bot.id, bot.apiToken)).body.access_token as string;
    expect(decodeJwt(earlier).scope).toBe('settings:read flows:edit');
    const dev = await addMember(api, org, org.rootToken, 'developer', { permissions: ['settings:read', 'flows:edit'] });
    expect((await introspect(dev.accessToken)).body.scope).toBe('settings:read flows:edit');

    for (const id of [bot.id, dev.id]) {
      const withdrawn = await api.request('PATCH', `/v1/users/${id}`, { token: org.rootToken, body: { permissions: ['settings:read'] } });
      expect(withdrawn.status, withdrawn.text).toBe(200);
    }

    // The very next Gatehouse request, with tokens issued before the change.
    expect((await api.request('GET', '/v1/me', { token: earlier })).body.permissions).toEqual(['settings:read']);
    expect((await api.request('GET', '/v1/me', { token: dev.accessToken })).body.permissions).toEqual(['settings:read']);
    // Refresh: the next access token's scope.
    const refreshed = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: dev.refreshToken } });
    expect(decodeJwt(refreshed.body.accessToken).scope).toBe('settings:read');
    // Client credentials: the next exchange.
    expect((await clientCredentials(api, bot.id, bot.apiToken)).body.scope).toBe('settings:read');
    expect((await clientCredentials(api, bot.id, bot.apiToken, { scope: 'flows:edit' })).body.error).toBe('invalid_scope');
    expect((await clientCredentials(api, bot.id, flowsOnly.body.token)).body.scope).toBe('');
    // Introspection: every kind of token answers what it can do now.
    const now = async (token: string) => {
      const answer = await introspect(token);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.active).toBe(true);
      return answer.body.scope;
    };
    expect(await now(earlier)).toBe('settings:read');
    expect(await now(bot.apiToken)).toBe('settings:read');
    expect(await now(flowsOnly.body.token)).toBe('');
    expect(await now(dev.accessToken)).toBe('settings:read');
    expect(await now(refreshed.body.refreshToken)).toBe('settings:read');
  });
});
