import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, verifiedOrg, type Member } from '../support/factories';
import { useApi } from '../support/api';

/**
 * The role matrix's permission dimension (PRODUCT.md "Permissions in the product"): for every
 * caller role × target × permission the caller holds or not, granting and withdrawing answer
 * as the rules say, and a refused change leaves the target's list exactly as it was.
 * Runs on the repo's demo catalog (cdk.json), which the test setup loads.
 */
type Caller = 'root' | 'admin' | 'developer';
type Target = 'root' | 'admin' | 'developer' | 'self';
type Op = 'grant' | 'withdraw';
type Outcome = 'allowed' | 'forbidden' | 'root_protected';

const HELD = 'settings:read';
const LACKED = 'devices:control';
const BASE = ['settings:read', 'flows:edit'];

/** What PRODUCT.md says each cell answers. */
function expected(caller: Caller, target: Target, held: boolean): Outcome {
  if (caller === 'developer') return 'forbidden';
  if (target === 'root' || (caller === 'root' && target === 'self')) return 'root_protected';
  if (caller === 'root') return 'allowed';
  // An admin: developers only, and only with permissions it holds itself.
  return target === 'developer' && held ? 'allowed' : 'forbidden';
}

const api = useApi();
let org: Awaited<ReturnType<typeof verifiedOrg>>;
let admin: Member;
let otherAdmin: Member;
let developer: Member;
let otherDeveloper: Member;

beforeAll(async () => {
  org = await verifiedOrg(api);
  admin = await addMember(api, org, org.rootToken, 'admin', { permissions: BASE });
  otherAdmin = await addMember(api, org, org.rootToken, 'admin', { permissions: BASE });
  developer = await addMember(api, org, org.rootToken, 'developer', { permissions: BASE });
  otherDeveloper = await addMember(api, org, org.rootToken, 'developer', { permissions: BASE });
}, 120_000);

const tokenOf = (caller: Caller) => ({ root: org.rootToken, admin: admin.accessToken, developer: developer.accessToken })[caller];
const idOf = (caller: Caller, target: Target) =>
  target === 'self'
    ? ({ root: org.root.id, admin: admin.id, developer: developer.id })[caller]
    : ({ root: org.root.id, admin: caller === 'admin' ? otherAdmin.id : admin.id, developer: caller === 'developer' ? otherDeveloper.id : developer.id })[target];

async function read(id: string) {
  const answer = await api.request('GET', `/v1/users/${id}`, { token: org.rootToken });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { permissions: string[]; version: number; role: string };
}

/** The root puts a non-root user's list back to a known state before each cell. */
async function reset(id: string, permissions: string[]) {
  const user = await read(id);
  if (user.role === 'root') return;
  const answer = await api.request('PATCH', `/v1/users/${id}`, { token: org.rootToken, body: { permissions } });
  expect(answer.status, answer.text).toBe(200);
}

const cells: Array<{ caller: Caller; target: Target; held: boolean; op: Op }> = [];
for (const caller of ['root', 'admin', 'developer'] as const) {
  for (const target of ['root', 'admin', 'developer', 'self'] as const) {
    // Root holds every permission, always: there is no cell where it lacks one.
    for (const held of caller === 'root' ? [true] : [true, false]) {
      for (const op of ['grant', 'withdraw'] as const) cells.push({ caller, target, held, op });
    }
  }
}

describe('permission matrix: caller role × target × permission held or not × grant or withdraw', () => {
  const unexpected: string[] = [];

  for (const cell of cells) {
    const want = expected(cell.caller, cell.target, cell.held);
    const permission = cell.held ? HELD : LACKED;
    it(`${cell.caller} ${cell.op}s ${permission} (${cell.held ? 'held' : 'not held'}) ${cell.target === 'self' ? 'on itself' : `to a ${cell.target}`}: ${want}`, async () => {
      const id = idOf(cell.caller, cell.target);
      // The caller holds HELD and lacks LACKED; on itself the list is set up for the change instead.
      if (cell.caller !== 'root' && cell.target !== 'self') await reset(idOf(cell.caller, 'self'), BASE);
      await reset(id, cell.op === 'grant' ? BASE.filter((name) => name !== permission) : [...new Set([...BASE, permission])]);
      const before = await read(id);
      const next = cell.op === 'grant' ? [...before.permissions, permission] : before.permissions.filter((name) => name !== permission);
      const answer = await api.request('PATCH', `/v1/users/${id}`, { token: tokenOf(cell.caller), body: { permissions: next }, headers: { 'if-match': `"${before.version}"` } });
      const after = await read(id);
      const got: Outcome = answer.status === 200 ? 'allowed' : answer.body?.code === 'root_protected' ? 'root_protected' : 'forbidden';
      if (got === 'allowed' && want !== 'allowed') unexpected.push(`${cell.caller} ${cell.op} ${permission} on ${cell.target}`);

      expect(got, answer.text).toBe(want);
      if (want === 'allowed') {
        expect(after.permissions.includes(permission)).toBe(cell.op === 'grant');
        expect(answer.body.permissions).toEqual(after.permissions);
        expect(after.version).toBe(before.version + 1);
      } else {
        expect(answer.status).toBe(403);
        expect(after.permissions).toEqual(before.permissions);
        expect(after.version).toBe(before.version);
      }
    });
  }

  it(`covers ${cells.length} cells with 0 unexpected allows`, () => {
    expect(cells.length).toBe(2 * 4 + 2 * 4 * 2 * 2);
    expect(unexpected).toEqual([]);
  });
});

describe('escalation attempts: refused, nothing changed', () => {
  it('an admin cannot grant itself anything, even what it holds', async () => {
    await reset(admin.id, BASE);
    const before = await read(admin.id);
    for (const permissions of [[...BASE, LACKED], ['settings:read', 'flows:edit', 'settings:write'], ['settings:read']]) {
      const answer = await api.request('PATCH', `/v1/users/${admin.id}`, { token: admin.accessToken, body: { permissions } });
      expect(answer.status, answer.text).toBe(403);
    }
    expect(await read(admin.id)).toEqual(before);
  });

  it('an admin cannot grant another admin, nor give a developer what it lacks, nor sneak it in with other fields', async () => {
    await reset(admin.id, BASE);
    await reset(developer.id, BASE);
    const adminBefore = await read(otherAdmin.id);
    const devBefore = await read(developer.id);
    expect((await api.request('PATCH', `/v1/users/${otherAdmin.id}`, { token: admin.accessToken, body: { permissions: [...BASE, 'settings:write'] } })).status).toBe(403);
    const lacked = await api.request('PATCH', `/v1/users/${developer.id}`, { token: admin.accessToken, body: { permissions: [...BASE, LACKED] } });
    expect(lacked.status).toBe(403);
    expect(lacked.body.detail).toContain(LACKED);
    // Other fields are the owner's alone, with or without permissions beside them.
    expect((await api.request('PATCH', `/v1/users/${developer.id}`, { token: admin.accessToken, body: { permissions: BASE, role: 'admin' } })).status).toBe(403);
    expect(await read(otherAdmin.id)).toEqual(adminBefore);
    expect(await read(developer.id)).toEqual(devBefore);
  });

  it('an admin cannot take away a permission it lacks, but may keep it while changing others', async () => {
    await reset(admin.id, BASE);
    await reset(developer.id, [...BASE, LACKED]);
    const before = await read(developer.id);
    const taking = await api.request('PATCH', `/v1/users/${developer.id}`, { token: admin.accessToken, body: { permissions: BASE } });
    expect(taking.status).toBe(403);
    expect(await read(developer.id)).toEqual(before);
    const keeping = await api.request('PATCH', `/v1/users/${developer.id}`, { token: admin.accessToken, body: { permissions: ['settings:read', LACKED] } });
    expect(keeping.status, keeping.text).toBe(200);
    expect(keeping.body.permissions).toEqual(['settings:read', LACKED]);
  });

  it('a developer cannot grant anything to anyone, itself included', async () => {
    await reset(developer.id, BASE);
    const before = await read(developer.id);
    for (const id of [developer.id, otherDeveloper.id, admin.id, org.root.id]) {
      const answer = await api.request('PATCH', `/v1/users/${id}`, { token: developer.accessToken, body: { permissions: [...BASE, LACKED] } });
      expect(answer.status, answer.text).toBe(403);
    }
    expect(await read(developer.id)).toEqual(before);
  });

  it('an admin cannot invite with a permission it lacks; its default invitation gives only what it holds', async () => {
    await reset(admin.id, ['settings:read']);
    const refused = await api.request('POST', '/v1/users', {
      token: admin.accessToken,
      body: { login: 'esc-invite', name: 'Esc', email: `esc@${org.slug}.example.com`, role: 'developer', permissions: ['settings:read', LACKED] },
    });
    expect(refused.status, refused.text).toBe(403);
    expect((await api.request('GET', '/v1/users?q=esc-invite', { token: org.rootToken })).body.items).toEqual([]);
    const defaulted = await api.request('POST', '/v1/users', {
      token: admin.accessToken,
      body: { login: 'esc-default', name: 'Esc', email: `esc-default@${org.slug}.example.com`, role: 'developer' },
    });
    expect(defaulted.status, defaulted.text).toBe(201);
    // The demo catalog's developer defaults are settings:read and flows:edit; this admin holds only the first.
    expect(defaulted.body.user.permissions).toEqual(['settings:read']);
  });

  it('an API token cannot be narrowed to permissions its owner lacks, and a narrowed token cannot mint a broader one', async () => {
    await reset(developer.id, BASE);
    const beyond = await api.request('POST', '/v1/me/api-tokens', { token: developer.accessToken, body: { name: 'beyond', scopes: ['settings:read', LACKED] } });
    expect(beyond.status).toBe(400);
    expect(beyond.body.code).toBe('invalid_scope');
    const unknown = await api.request('POST', '/v1/me/api-tokens', { token: developer.accessToken, body: { name: 'unknown', scopes: ['nuclear:launch'] } });
    expect(unknown.body.code).toBe('invalid_scope');
    // Root creating a token for a developer: the developer's permissions bound it, not root's.
    const forOther = await api.request('POST', `/v1/users/${developer.id}/api-tokens`, { token: org.rootToken, body: { name: 'x', scopes: [LACKED] } });
    expect(forOther.body.code).toBe('invalid_scope');

    const narrow = await api.request('POST', '/v1/me/api-tokens', { token: developer.accessToken, body: { name: 'narrow', scopes: ['settings:read'] } });
    expect(narrow.status, narrow.text).toBe(201);
    expect(narrow.body.scopes).toEqual(['settings:read']);
    const broader = await api.request('POST', '/v1/me/api-tokens', { token: narrow.body.token, body: { name: 'broader', scopes: ['flows:edit'] } });
    expect(broader.body.code).toBe('invalid_scope');
    const inherited = await api.request('POST', '/v1/me/api-tokens', { token: narrow.body.token, body: { name: 'inherits' } });
    expect(inherited.status).toBe(201);
    expect(inherited.body.scopes).toEqual(['settings:read']);
    const listed = (await api.request('GET', '/v1/me/api-tokens', { token: developer.accessToken })).body.items;
    expect(listed.map((token: { name: string; scopes: string[] | null }) => [token.name, token.scopes])).toEqual([
      ['narrow', ['settings:read']],
      ['inherits', ['settings:read']],
    ]);
  });

  it('an admin using a narrowed API token can give only what that token carries', async () => {
    await reset(admin.id, BASE);
    await reset(developer.id, ['settings:read']);
    const narrow = await api.request('POST', '/v1/me/api-tokens', { token: admin.accessToken, body: { name: 'narrow', scopes: ['settings:read'] } });
    const answer = await api.request('PATCH', `/v1/users/${developer.id}`, { token: narrow.body.token, body: { permissions: BASE } });
    expect(answer.status, answer.text).toBe(403);
    expect((await read(developer.id)).permissions).toEqual(['settings:read']);
  });
});
