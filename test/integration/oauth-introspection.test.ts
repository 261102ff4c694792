import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { addMember, verifiedOrg } from '../support/factories';
import { basic, clientCredentials, clientSecret, postForm, serviceAccount } from '../support/oauth';

const api = useApi();
const asService = () => ({ authorization: basic('demo-service', clientSecret('demo-service')) });
const introspect = (token: string, headers: Record<string, string> = asService()) => postForm(api, '/oauth2/introspect', { token }, headers);
const revoke = (token: string, headers: Record<string, string> = asService()) => postForm(api, '/oauth2/revoke', { token }, headers);

describe('POST /oauth2/introspect (RFC 7662)', () => {
  it('describes access tokens, refresh tokens and API tokens by the current state of user, session and API token', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer', { permissions: ['settings:read', 'flows:edit'] });
    const bot = await serviceAccount(api, org.rootToken, 'developer', ['settings:read']);
    const machine = (await clientCredentials(api, bot.id, bot.apiToken)).body.access_token;

    const human = await introspect(developer.accessToken);
    expect(human.status).toBe(200);
    expect(human.headers.get('cache-control')).toBe('no-store');
    expect(human.body).toMatchObject({
      active: true, sub: developer.id, client_id: 'console', scope: 'settings:read flows:edit', iss: process.env.JWT_ISSUER, aud: 'gatehouse',
      token_type: 'Bearer', org: org.orgId, role: 'developer', sid: expect.any(String), exp: expect.any(Number), iat: expect.any(Number),
    });
    expect((await introspect(developer.refreshToken)).body).toMatchObject({ active: true, sub: developer.id, token_type: 'refresh_token', sid: human.body.sid });
    expect((await introspect(bot.apiToken)).body).toMatchObject({ active: true, sub: bot.id, client_id: bot.id, scope: 'settings:read', token_type: 'Bearer' });
    expect((await introspect(machine)).body).toMatchObject({ active: true, sub: bot.id, client_id: bot.id, scope: 'settings:read' });

    // A withdrawn permission leaves the scope at once, although the JWT still carries it.
    const user = await api.request('GET', `/v1/users/${developer.id}`, { token: org.rootToken });
    await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { permissions: ['flows:edit'] }, headers: { 'if-match': `"${user.body.version}"` } });
    expect((await introspect(developer.accessToken)).body.scope).toBe('flows:edit');

    // Deactivation: every kind goes inactive, showing nothing else.
    await api.request('PATCH', `/v1/users/${bot.id}`, { token: org.rootToken, body: { status: 'deactivated' } });
    expect((await introspect(bot.apiToken)).body).toEqual({ active: false });
    expect((await introspect(machine)).body).toEqual({ active: false });
    await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { status: 'deactivated' } });
    expect((await introspect(developer.accessToken)).body).toEqual({ active: false });
    expect((await introspect(developer.refreshToken)).body).toEqual({ active: false });

    for (const garbage of ['nothing', 'a.b.c', `${bot.apiToken.slice(0, -1)}A`, `${developer.refreshToken.slice(0, -2)}AA`]) {
      expect((await introspect(garbage)).body).toEqual({ active: false });
    }
  });

  it('says a spent (rotated) refresh token is inactive, and a revoked API token too', async () => {
    const org = await verifiedOrg(api);
    const rotated = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: org.rootRefresh } });
    expect((await introspect(org.rootRefresh)).body).toEqual({ active: false });
    expect((await introspect(rotated.body.refreshToken)).body.active).toBe(true);

    const bot = await serviceAccount(api, org.rootToken);
    await api.request('DELETE', `/v1/users/${bot.id}/api-tokens/${bot.apiTokenId}`, { token: org.rootToken });
    expect((await introspect(bot.apiToken)).body).toEqual({ active: false });
  });

  it('is for confidential registered clients only', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken);
    const refused = [
      await introspect(org.rootToken, {}),
      await introspect(org.rootToken, { authorization: basic('demo-service', 'wrong secret') }),
      await introspect(org.rootToken, { authorization: basic('demo-web', 'anything') }),
      await postForm(api, '/oauth2/introspect', { token: org.rootToken, client_id: 'demo-web' }),
      await introspect(org.rootToken, { authorization: basic(bot.id, bot.apiToken) }),
      await introspect(org.rootToken, { authorization: `Bearer ${org.rootToken}` }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('invalid_client');
    }
    const posted = await postForm(api, '/oauth2/introspect', { token: org.rootToken, client_id: 'demo-service', client_secret: clientSecret('demo-service') });
    expect(posted.body.active).toBe(true);
    const missing = await postForm(api, '/oauth2/introspect', {}, asService());
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });
});

describe('POST /oauth2/revoke (RFC 7009)', () => {
  it('ends the session of a refresh token or of a session’s access token, at once on Gatehouse’s API', async () => {
    const org = await verifiedOrg(api);
    const revoked = await revoke(org.rootRefresh);
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe('');
    expect((await api.request('GET', '/v1/me', { token: org.rootToken })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: org.rootRefresh } })).status).toBe(401);

    const again = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect((await revoke(again.body.accessToken)).status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: again.body.accessToken })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: again.body.refreshToken } })).status).toBe(401);
  });

  it('revokes the API token behind a client-credentials access token (audited), and API tokens themselves', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken);
    const machine = (await clientCredentials(api, bot.id, bot.apiToken)).body.access_token;
    expect((await revoke(machine)).status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: machine })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: bot.apiToken })).status).toBe(401);
    const listed = await api.request('GET', `/v1/users/${bot.id}/api-tokens`, { token: org.rootToken });
    expect(listed.body.items).toEqual([]);
    const audit = await api.request('GET', `/v1/audit-events?action=api_token.revoked&target=${bot.id}`, { token: org.rootToken });
    expect(audit.body.items[0]).toMatchObject({ actor: null, details: { tokenId: bot.apiTokenId, client: 'demo-service', via: 'oauth2/revoke' } });

    const second = await api.request('POST', `/v1/users/${bot.id}/api-tokens`, { token: org.rootToken, body: { name: 'second' } });
    expect((await revoke(second.body.token)).status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: second.body.token })).status).toBe(401);
  });

  it('answers 200 for unknown or dead tokens, refuses unauthenticated clients, and lets a public client revoke only its own', async () => {
    const org = await verifiedOrg(api);
    expect((await revoke('not a token')).status).toBe(200);
    expect((await revoke(org.rootRefresh)).status).toBe(200);
    expect((await revoke(org.rootRefresh)).status).toBe(200);

    const other = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    const unauthenticated = await revoke(other.body.refreshToken, {});
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error).toBe('invalid_client');
    // demo-web is public: the console's tokens are not its own, so nothing happens.
    const foreign = await postForm(api, '/oauth2/revoke', { token: other.body.refreshToken, client_id: 'demo-web' });
    expect(foreign.status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: other.body.accessToken })).status).toBe(200);
  });
});
