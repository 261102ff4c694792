import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { addMember } from '../support/factories';
import { scim, scimOrg, scimUser } from '../support/scim';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const unique = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

describe('SCIM tokens and who may use /scim/v2', () => {
  const api = useApi();

  it('are shown once, listed without the secret, root-only, at most 5, and revoked at once', async () => {
    const org = await scimOrg(api);
    expect(org.scimToken).toMatch(/^gscim_[A-Za-z0-9_-]{43}$/);
    const listed = await api.request('GET', '/v1/org/scim/tokens', { token: org.rootToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: org.scimTokenId, name: 'Okta production', lastUsedAt: null })]);
    expect(listed.text).not.toContain(org.scimToken.slice(12));

    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await api.request('POST', '/v1/org/scim/tokens', { token: admin.accessToken, body: { name: 'x' } })).status).toBe(403);
    expect((await api.request('GET', '/v1/org/scim', { token: admin.accessToken })).status).toBe(200);
    for (let index = 2; index <= 5; index += 1) {
      expect((await api.request('POST', '/v1/org/scim/tokens', { token: org.rootToken, body: { name: `t${index}` } })).status).toBe(201);
    }
    const sixth = await api.request('POST', '/v1/org/scim/tokens', { token: org.rootToken, body: { name: 't6' } });
    expect([sixth.status, sixth.body.code]).toEqual([409, 'too_many_tokens']);

    const call = scim(api, org.scimToken);
    expect((await call('GET', '/Users')).status).toBe(200);
    expect((await api.request('DELETE', `/v1/org/scim/tokens/${org.scimTokenId}`, { token: org.rootToken })).status).toBe(204);
    const revoked = await call('GET', '/Users');
    expect(revoked.status).toBe(401);
    expect((await api.request('DELETE', `/v1/org/scim/tokens/${org.scimTokenId}`, { token: org.rootToken })).status).toBe(404);
  });

  it('answers 401 with a SCIM error for every other credential, and a SCIM token is 401 everywhere else', async () => {
    const org = await scimOrg(api);
    const apiToken = await api.request('POST', `/v1/users/${org.root.id}/api-tokens`, { token: org.rootToken, body: { name: 'ci' } });
    expect(apiToken.status).toBe(201);
    const credentials = [
      `Bearer ${org.rootToken}`,
      `Bearer ${apiToken.body.token}`,
      `Basic ${Buffer.from(`x:${org.scimToken}`).toString('base64')}`,
      'non-token',
      `Bearer gscim_${randomBytes(32).toString('base64url')}`,
      `Token ${org.scimToken}`,
    ];
    for (const authorization of credentials) {
      for (const path of ['/scim/v2/Users', '/scim/v2/ServiceProviderConfig', '/scim/v2/Schemas']) {
        const answer = await api.request('GET', path, { headers: { authorization } });
        expect(answer.status, `${authorization.slice(0, 12)} ${path}`).toBe(401);
        expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
        expect(answer.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
        expect(answer.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401', detail: expect.any(String) });
      }
    }
    for (const [method, path] of [['GET', '/v1/me'], ['GET', '/v1/users'], ['GET', '/v1/org/scim'], ['GET', '/oauth2/userinfo']] as const) {
      const answer = await api.request(method, path, { token: org.scimToken });
      expect(answer.status, path).toBe(401);
    }
  });

  it('shows another organization nothing: every id is 404 and filters find nothing', async () => {
    const mine = await scimOrg(api);
    const other = await scimOrg(api);
    const created = await scim(api, mine.scimToken)('POST', '/Users', scimUser(unique('tenant.'), { externalId: unique('ext') }));
    const group = await scim(api, mine.scimToken)('POST', '/Groups', { displayName: unique('Team '), members: [{ value: created.body.id }] });
    expect([created.status, group.status]).toEqual([201, 201]);
    const theirs = scim(api, other.scimToken);
    for (const [kind, id] of [['Users', created.body.id], ['Users', mine.root.id], ['Groups', group.body.id]] as const) {
      expect((await theirs('GET', `/${kind}/${id}`)).status).toBe(404);
      expect((await theirs('PUT', `/${kind}/${id}`, kind === 'Users' ? scimUser('x.y.z') : { displayName: 'x' })).status).toBe(404);
      expect((await theirs('PATCH', `/${kind}/${id}`, patch({ op: 'replace', path: 'displayName', value: 'x' }))).status).toBe(404);
      expect((await theirs('DELETE', `/${kind}/${id}`)).status).toBe(404);
    }
    for (const filter of [`id eq "${created.body.id}"`, `userName eq "${created.body.userName}"`, `externalId eq "${created.body.externalId}"`, `emails.value eq "${created.body.emails[0].value}"`]) {
      const found = await theirs('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect([found.status, found.body.totalResults], filter).toEqual([200, 0]);
    }
    // A member of another organization is refused, and nothing changes.
    const foreign = await theirs('POST', '/Groups', { displayName: 'Intruders', members: [{ value: created.body.id }] });
    expect([foreign.status, foreign.body.scimType]).toEqual([400, 'invalidValue']);
    expect((await theirs('GET', '/Groups?filter=displayName eq "Intruders"')).body.totalResults).toBe(0);
  });
});

describe('SCIM protocol details', () => {
  const api = useApi();

  it('answers discovery, unknown paths, methods, media types and bodies in SCIM form', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const config = await call('GET', '/ServiceProviderConfig');
    expect(config.body).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 100 }, etag: { supported: true } });
    expect(config.body.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken', primary: true });
    const types = await call('GET', '/ResourceTypes');
    expect(types.body.Resources.map((type: { id: string }) => type.id)).toEqual(['User', 'Group']);
    expect((await call('GET', '/ResourceTypes/User')).body.schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
    const user = await call('GET', `/Schemas/${encodeURIComponent('urn:ietf:params:scim:schemas:core:2.0:User')}`);
    expect(user.body.attributes.find((attribute: { name: string }) => attribute.name === 'userName')).toMatchObject({ required: true, caseExact: false, uniqueness: 'server' });
    expect((await call('GET', '/Schemas')).body.totalResults).toBe(3);
    expect((await call('GET', '/Schemas/urn:nope')).status).toBe(404);

    const expectError = (answer: { status: number; body: any; headers: Headers }, status: number, scimType?: string) => {
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
      expect(answer.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}) });
    };
    expectError(await call('GET', '/Nope'), 404);
    expectError(await call('GET', '/Users/a/b'), 404);
    expectError(await call('POST', '/Bulk', {}), 501);
    expectError(await call('GET', '/Me'), 501);
    expectError(await call('PUT', '/Users', {}), 405);
    expectError(await call('DELETE', '/ServiceProviderConfig'), 405);
    expectError(await api.request('POST', '/scim/v2/Users', { token: org.scimToken, raw: '{"userName":', headers: { 'content-type': 'application/scim+json' } }), 400, 'invalidSyntax');
    expectError(await api.request('POST', '/scim/v2/Users', { token: org.scimToken, raw: '[1]', headers: { 'content-type': 'application/json' } }), 400, 'invalidSyntax');
    expectError(await api.request('POST', '/scim/v2/Users', { token: org.scimToken, raw: 'userName=x', headers: { 'content-type': 'text/plain' } }), 415);
    expectError(await call('POST', '/Users', { userName: 'no email here' }), 400, 'invalidValue');
    expectError(await call('POST', '/Users', { emails: [{ value: 'a@example.com' }] }), 400, 'invalidValue');
    expectError(await call('POST', '/Users', scimUser(unique('flag.'), { active: 'yes' })), 400, 'invalidValue');
    expectError(await call('GET', '/Users?count=ten'), 400, 'invalidValue');
    expectError(await call('PATCH', `/Users/${org.root.id}`, patch({ op: 'replace', path: 'active', value: false })), 403, 'mutability');
    expectError(await call('DELETE', `/Users/${org.root.id}`), 403, 'mutability');
    expectError(await call('PUT', `/Users/${org.root.id}`, scimUser('owner')), 403, 'mutability');
    expectError(await call('POST', '/Users', scimUser('OWNER', { emails: [{ value: `${unique('o')}@example.com` }] })), 409, 'uniqueness');
  });

  it('filters with eq and and only, case-insensitively where the spec says, and pages in a stable order', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const name = unique('Alice.Filter');
    const externalId = unique('EXT-');
    const created = await call('POST', '/Users', scimUser(`${name}@Example.com`, { externalId }));
    expect(created.status).toBe(201);
    expect(created.body.userName).toBe(`${name}@Example.com`);
    const found = async (filter: string) => {
      const answer = await call('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(answer.status, `${filter}: ${answer.text}`).toBe(200);
      return answer.body.Resources.map((user: { id: string }) => user.id);
    };
    const id = created.body.id;
    expect(await found(`userName eq "${name.toUpperCase()}@EXAMPLE.COM"`)).toEqual([id]);
    expect(await found(`UserName EQ "${name}@example.com"`)).toEqual([id]);
    expect(await found(`externalId eq "${externalId}"`)).toEqual([id]);
    expect(await found(`externalId eq "${externalId.toLowerCase()}"`)).toEqual([]);
    expect(await found(`emails[type eq "work"].value eq "${name.toLowerCase()}@example.com"`)).toEqual([id]);
    expect(await found(`emails.value eq "${name}@example.com"`)).toEqual([id]);
    expect(await found(`id eq "${id}"`)).toEqual([id]);
    expect(await found(`userName eq "${name}@example.com" and externalId eq "${externalId}"`)).toEqual([id]);
    expect(await found(`userName eq "${name}@example.com" and externalId eq "other"`)).toEqual([]);
    expect(await found(`userName eq "${randomUUID()}"`)).toEqual([]);
    for (const filter of ['userName co "a"', 'userName eq "a" or userName eq "b"', 'not (userName eq "a")', '(userName eq "a")', 'title eq "x"', 'userName eq a', 'userName eq', 'userName pr']) {
      const answer = await call('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect([answer.status, answer.body.scimType], filter).toEqual([400, 'invalidFilter']);
    }
    for (let index = 0; index < 3; index += 1) expect((await call('POST', '/Users', scimUser(unique(`page${index}.`)))).status).toBe(201);
    const all = await call('GET', '/Users?startIndex=0&count=500');
    expect(all.body).toMatchObject({ totalResults: 5, startIndex: 1, itemsPerPage: 5 });
    const ids = all.body.Resources.map((user: { id: string }) => user.id);
    const pages = [];
    for (let start = 1; start <= 5; start += 2) pages.push(...(await call('GET', `/Users?startIndex=${start}&count=2`)).body.Resources.map((user: { id: string }) => user.id));
    expect(pages).toEqual(ids);
    expect((await call('GET', '/Users?count=0')).body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    expect((await call('GET', '/Users?startIndex=99')).body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    const projected = await call('GET', `/Users/${id}?attributes=userName`);
    expect(Object.keys(projected.body).sort()).toEqual(['id', 'schemas', 'userName']);
    expect(projected.headers.get('etag')).toMatch(/^W\/"\d+"$/);
    const excluded = await call('GET', `/Users?filter=${encodeURIComponent(`id eq "${id}"`)}&excludedAttributes=emails,name`);
    expect(excluded.body.Resources[0].emails).toBeUndefined();
    expect(excluded.body.Resources[0].userName).toBeDefined();
  });

  it('applies PATCH atomically: the first failing operation changes nothing', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const created = await call('POST', '/Users', scimUser(unique('atomic.')));
    const id = created.body.id;
    const cases: Array<[unknown, number, string]> = [
      [patch({ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'replace', path: 'favouriteColour', value: 'x' }), 400, 'invalidPath'],
      [patch({ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'replace', path: 'id', value: randomUUID() }), 400, 'mutability'],
      [patch({ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'remove' }), 400, 'noTarget'],
      [patch({ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'replace', path: 'active', value: 'maybe' }), 400, 'invalidValue'],
      [patch({ op: 'move', path: 'displayName', value: 'Changed' }), 400, 'invalidSyntax'],
      [{ schemas: [PATCH_OP], Operations: [] }, 400, 'invalidSyntax'],
      [{ schemas: [PATCH_OP] }, 400, 'invalidSyntax'],
    ];
    for (const [body, status, scimType] of cases) {
      const answer = await call('PATCH', `/Users/${id}`, body);
      expect([answer.status, answer.body.scimType], JSON.stringify(body)).toEqual([status, scimType]);
    }
    const after = await call('GET', `/Users/${id}`);
    expect(after.body).toEqual(created.body);
    // The same id, and the IdP's password, are accepted and change nothing.
    const same = await call('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { id, password: 'Secret-from-IdP-1' } }));
    expect(same.status).toBe(200);
    expect(same.body.meta.version).toBe(created.body.meta.version);
    const stale = await call('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'displayName', value: 'X' }), { 'if-match': 'W/"999"' });
    expect(stale.status).toBe(412);
  });
});

describe('logins may be email-shaped everywhere a login is checked', () => {
  const api = useApi();

  it('takes 3–128 of a-z 0-9 . _ - + @ with at most one @: invited by hand, then found by SCIM’s userName', async () => {
    const org = await scimOrg(api);
    const login = `Ada.L+${randomBytes(2).toString('hex')}@Example.com`;
    const invited = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login, name: 'Ada', email: `ada${randomBytes(2).toString('hex')}@example.com`, role: 'developer' } });
    expect(invited.status).toBe(201);
    expect(invited.body.user.login).toBe(login.toLowerCase());
    for (const bad of ['a@b@example.com', '@example.com', 'ab', `${'x'.repeat(129)}`]) {
      const refused = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: bad, name: 'X', email: `x${randomBytes(2).toString('hex')}@example.com`, role: 'developer' } });
      expect([refused.status, refused.body.errors?.[0]?.path], bad).toEqual([400, 'login']);
    }
    const found = await scim(api, org.scimToken)('GET', `/Users?filter=${encodeURIComponent(`userName eq "${login.toUpperCase()}"`)}`);
    expect(found.body.Resources.map((user: { id: string }) => user.id)).toEqual([invited.body.user.id]);
  });
});
