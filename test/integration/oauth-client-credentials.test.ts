import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { useApi } from '../support/api';
import { verifiedOrg } from '../support/factories';
import { basic, clientCredentials, clientSecret, postForm, serviceAccount } from '../support/oauth';
import { logLines } from '../support/setup';

const api = useApi();
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});

/** The DynamoDB usage the pipeline logged for one answered request. */
const usageOf = (requestId: string | null) => {
  const line = logLines.map((text) => JSON.parse(text)).find((entry) => entry.message === 'request' && entry.requestId === requestId);
  return line?.dynamodb as { reads: number; writes: number } | undefined;
};

describe('POST /oauth2/token, grant_type=client_credentials', () => {
  it('exchanges a user id and its API token (Basic) for an RS256 access token with the token’s permissions as scope', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken, 'developer', ['settings:read', 'flows:edit']);

    const answer = await clientCredentials(api, bot.id, bot.apiToken);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
    expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'settings:read flows:edit' });
    expect(answer.body.refresh_token).toBeUndefined();

    expect(decodeProtectedHeader(answer.body.access_token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodeJwt(answer.body.access_token);
    expect(claims).toMatchObject({
      iss: process.env.JWT_ISSUER,
      aud: 'gatehouse',
      sub: bot.id,
      client_id: bot.id,
      scope: 'settings:read flows:edit',
      org: org.orgId,
      role: 'developer',
      api_token_id: bot.apiTokenId,
    });
    expect(claims.sid).toBeUndefined();
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.jti).toBeTruthy();

    // A Bearer on Gatehouse's own API, costing the same one read as any other token.
    const me = await api.request('GET', '/v1/me', { token: answer.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(bot.id);
    expect(usageOf(me.headers.get('x-request-id'))).toMatchObject({ reads: 1, writes: 0 });
  });

  it('takes client_secret_post too, and narrows with scope; a scope beyond the API token is invalid_scope', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken, 'developer', ['settings:read', 'flows:edit']);
    const post = (scope?: string) =>
      postForm(api, '/oauth2/token', { grant_type: 'client_credentials', client_id: bot.id, client_secret: bot.apiToken, ...(scope ? { scope } : {}) });

    const narrowed = await post('settings:read');
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('settings:read');
    expect(decodeJwt(narrowed.body.access_token).scope).toBe('settings:read');

    for (const scope of ['devices:control', 'no:such', 'settings:read settings:write']) {
      const refused = await post(scope);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_scope');
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    }

    // An API token narrowed at creation gives no more than its own list.
    const narrowToken = await api.request('POST', `/v1/users/${bot.id}/api-tokens`, { token: org.rootToken, body: { name: 'narrow', scopes: ['flows:edit'] } });
    expect(narrowToken.status).toBe(201);
    const fromNarrow = await clientCredentials(api, bot.id, narrowToken.body.token);
    expect(fromNarrow.body.scope).toBe('flows:edit');
    expect((await clientCredentials(api, bot.id, narrowToken.body.token, { scope: 'settings:read' })).body.error).toBe('invalid_scope');
  });

  it('refuses wrong secrets, another user’s API token, missing or doubled client authentication, with RFC 6749 errors', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken);
    const other = await serviceAccount(api, org.rootToken);

    const invalidClient = async (answer: Awaited<ReturnType<typeof postForm>>) => {
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('invalid_client');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm="gatehouse"/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('pragma')).toBe('no-cache');
    };
    await invalidClient(await clientCredentials(api, bot.id, `${bot.apiToken.slice(0, -2)}xx`));
    await invalidClient(await clientCredentials(api, bot.id, other.apiToken));
    await invalidClient(await clientCredentials(api, bot.id, 'not-a-token'));
    await invalidClient(await postForm(api, '/oauth2/token', { grant_type: 'client_credentials' }));
    await invalidClient(await postForm(api, '/oauth2/token', { grant_type: 'client_credentials', client_id: bot.id }));
    // In the body: the JSON error, no Basic challenge.
    const posted = await postForm(api, '/oauth2/token', { grant_type: 'client_credentials', client_id: bot.id, client_secret: other.apiToken });
    expect(posted.status).toBe(401);
    expect(posted.body.error).toBe('invalid_client');
    expect(posted.headers.get('www-authenticate')).toBeNull();
    await invalidClient(await postForm(api, '/oauth2/token', { grant_type: 'client_credentials' }, { authorization: 'Basic !!!' }));

    const both = await postForm(api, '/oauth2/token', { grant_type: 'client_credentials', client_secret: bot.apiToken }, { authorization: basic(bot.id, bot.apiToken) });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
  });

  it('answers unsupported_grant_type, invalid_request for a missing grant type, a repeated parameter or a JSON body', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken);
    const auth = { authorization: basic(bot.id, bot.apiToken) };

    const password = await postForm(api, '/oauth2/token', { grant_type: 'password', username: 'x', password: 'y' }, auth);
    expect(password.status).toBe(400);
    expect(password.body.error).toBe('unsupported_grant_type');
    expect((await postForm(api, '/oauth2/token', { grant_type: '__proto__' }, auth)).body.error).toBe('unsupported_grant_type');

    const missing = await postForm(api, '/oauth2/token', {}, auth);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('grant_type') });

    const repeated = await api.request('POST', '/oauth2/token', {
      raw: 'grant_type=client_credentials&grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');

    const json = await api.request('POST', '/oauth2/token', { body: { grant_type: 'client_credentials' }, headers: auth });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_request');
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);

    // A registered application authenticates fine but may not use this grant.
    const service = await postForm(api, '/oauth2/token', { grant_type: 'client_credentials' }, { authorization: basic('demo-service', clientSecret('demo-service')) });
    expect(service.status).toBe(400);
    expect(service.body.error).toBe('unauthorized_client');
  });

  it('throttles wrong secrets like logins: locked after 5 in a row, even for the right secret, with Retry-After', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken);
    const other = await serviceAccount(api, org.rootToken);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await clientCredentials(api, bot.id, other.apiToken)).status).toBe(401);
    }
    const locked = await clientCredentials(api, bot.id, bot.apiToken);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body.error).toBeTruthy();

    const base = realNow();
    clock.now = () => base + 31_000;
    expect((await clientCredentials(api, bot.id, bot.apiToken)).status).toBe(200);
  });

  it('stops at once, on Gatehouse’s own API, when the API token is revoked or expires or the user is deactivated; exchanges stop too', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken);

    // Revoked API token.
    const first = (await clientCredentials(api, bot.id, bot.apiToken)).body.access_token;
    expect((await api.request('GET', '/v1/me', { token: first })).status).toBe(200);
    expect((await api.request('DELETE', `/v1/users/${bot.id}/api-tokens/${bot.apiTokenId}`, { token: org.rootToken })).status).toBe(204);
    expect((await api.request('GET', '/v1/me', { token: first })).status).toBe(401);
    expect((await clientCredentials(api, bot.id, bot.apiToken)).body.error).toBe('invalid_client');

    // Deactivated user (and back).
    const second = await api.request('POST', `/v1/users/${bot.id}/api-tokens`, { token: org.rootToken, body: { name: 'second' } });
    const access = (await clientCredentials(api, bot.id, second.body.token)).body.access_token;
    await api.request('PATCH', `/v1/users/${bot.id}`, { token: org.rootToken, body: { status: 'deactivated' } });
    expect((await api.request('GET', '/v1/me', { token: access })).status).toBe(401);
    expect((await clientCredentials(api, bot.id, second.body.token)).status).toBe(401);
    await api.request('PATCH', `/v1/users/${bot.id}`, { token: org.rootToken, body: { status: 'active' } });
    expect((await api.request('GET', '/v1/me', { token: access })).status).toBe(200);

    // Expiring API token: good a minute before, dead the moment it expires though the access token is not.
    const expiring = await api.request('POST', `/v1/users/${bot.id}/api-tokens`, { token: org.rootToken, body: { name: 'short', expiresInDays: 1 } });
    const expiresAt = Date.parse(expiring.body.expiresAt);
    clock.now = () => expiresAt - 60_000;
    const late = await clientCredentials(api, bot.id, expiring.body.token);
    expect(late.status).toBe(200);
    clock.now = () => expiresAt + 1000;
    expect((await api.request('GET', '/v1/me', { token: late.body.access_token })).status).toBe(401);
    expect((await clientCredentials(api, bot.id, expiring.body.token)).body.error).toBe('invalid_client');
  });
});
