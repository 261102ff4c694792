import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emailsTo, useApi } from '../support/api';
import { addMember } from '../support/factories';
import { scim, scimOrg, scimUser } from '../support/scim';

/**
 * The request sequences Okta and Microsoft Entra ID send, as their documents show them
 * (shared/research/scim.md §2–3): Okta's CRUD suite and Group Push; Entra's user and group
 * sequences in its default mode and with the `aadOptscim062020` flag.
 */
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MS_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const hex = () => randomBytes(3).toString('hex');

describe('Okta', () => {
  const api = useApi();

  it('runs the CRUD suite: create, update by full PUT, deactivate, reactivate, unassign; userName keeps its case', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const userName = `Okta.User${hex()}@Atko.com`;
    const absent = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`);
    expect(absent.body.totalResults).toBe(0);
    // Okta POSTs application/json, with locale, externalId, an empty groups list and a password.
    const created = await api.request('POST', '/scim/v2/Users', {
      token: org.scimToken,
      body: { ...scimUser(userName), locale: 'en-US', externalId: `00u${hex()}`, groups: [], password: 'Okta-sent-1!' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(created.body.meta.location);
    expect(created.body).toMatchObject({ userName, active: true, locale: 'en-US', name: { givenName: 'Given', familyName: 'Family' } });
    expect(created.text).not.toContain('Okta-sent-1!');
    const user = await api.request('GET', `/v1/users/${created.body.id}`, { token: org.rootToken });
    expect(user.body).toMatchObject({ login: userName.toLowerCase(), status: 'pending', managedBy: 'scim', origin: 'scim', locale: 'en', role: 'developer' });
    expect((await emailsTo(userName)).length).toBe(1);
    const again = await call('POST', '/Users', scimUser(userName.toUpperCase()));
    expect([again.status, again.body.scimType]).toEqual([409, 'uniqueness']);

    // Update: OIN apps get a full PUT, with id, groups and meta as read.
    const put = await call('PUT', `/Users/${created.body.id}`, { ...created.body, name: { givenName: 'Renamed', familyName: 'Family' }, displayName: undefined, password: 'x' });
    expect(put.status).toBe(200);
    expect(put.body.name.givenName).toBe('Renamed');
    expect((await api.request('GET', `/v1/users/${created.body.id}`, { token: org.rootToken })).body.name).toBe('Renamed Family');

    // Deactivate and reactivate: a path-less replace of active.
    const off = await call('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect([off.status, off.body.active]).toEqual([200, false]);
    expect((await api.request('GET', `/v1/users/${created.body.id}`, { token: org.rootToken })).body.status).toBe('deactivated');
    const filtered = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(filtered.body.Resources[0]).toMatchObject({ id: created.body.id, active: false });
    const on = await call('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(on.body.active).toBe(true);
    // Never activated: pending again, with a new invitation.
    expect((await api.request('GET', `/v1/users/${created.body.id}`, { token: org.rootToken })).body.status).toBe('pending');
    expect((await emailsTo(userName)).length).toBe(2);
    // Unassign is a deactivation too (Okta never DELETEs users).
    expect((await call('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] })).body.active).toBe(false);
    expect((await call('GET', `/Users/${created.body.id}`)).body.userName).toBe(userName);
  });

  it('ends sessions, refresh tokens and API tokens at once when it deactivates an adopted user', async () => {
    const org = await scimOrg(api);
    const member = await addMember(api, org, org.rootToken, 'developer');
    const apiToken = await api.request('POST', '/v1/me/api-tokens', { token: member.accessToken, body: { name: 'mine' } });
    expect(apiToken.status).toBe(201);
    const call = scim(api, org.scimToken);
    const off = await call('PATCH', `/Users/${member.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off.status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: member.accessToken })).status).toBe(401);
    expect((await api.request('GET', '/v1/me', { token: apiToken.body.token })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: member.refreshToken } })).status).toBe(401);
    const adopted = await api.request('GET', `/v1/users/${member.id}`, { token: org.rootToken });
    expect(adopted.body).toMatchObject({ managedBy: 'scim', status: 'deactivated' });
    // Reactivated, it signs in again with its own password.
    await call('PATCH', `/Users/${member.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] });
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: member.login, password: member.password } });
    expect(login.status).toBe(200);
    const audit = await api.request('GET', '/v1/audit-events?actor=scim', { token: org.rootToken });
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual(expect.arrayContaining(['user.deactivated', 'user.reactivated', 'user.updated']));
    expect(audit.body.items.every((event: { actor: { type: string; name: string } }) => event.actor.type === 'scim' && event.actor.name === 'Okta production')).toBe(true);
  });

  it('pushes groups: create, rename with the same id, add and remove members, replace, unlink', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const [a, b] = await Promise.all([call('POST', '/Users', scimUser(`a${hex()}`)), call('POST', '/Users', scimUser(`b${hex()}`))]);
    const group = await call('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [] });
    expect(group.status).toBe(201);
    const id = group.body.id;
    const renamed = await call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { id, displayName: 'Platform Engineering' } }] });
    expect(renamed.status).toBe(204);
    expect((await call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: a.body.id, display: 'A' }, { value: b.body.id }] }] })).status).toBe(204);
    let read = await call('GET', `/Groups/${id}`);
    expect(read.body.displayName).toBe('Platform Engineering');
    expect(read.body.members.map((member: { value: string }) => member.value)).toEqual([a.body.id, b.body.id]);
    expect((await call('GET', `/Users/${a.body.id}`)).body.groups).toEqual([expect.objectContaining({ value: id, display: 'Platform Engineering' })]);
    expect((await call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${a.body.id}"]` }] })).status).toBe(204);
    read = await call('GET', `/Groups/${id}`);
    expect(read.body.members.map((member: { value: string }) => member.value)).toEqual([b.body.id]);
    expect((await call('GET', `/Users/${a.body.id}`)).body.groups).toEqual([]);
    expect((await call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'members', value: [{ value: a.body.id }] }] })).status).toBe(204);
    expect((await call('GET', `/Groups/${id}?excludedAttributes=members`)).body.members).toBeUndefined();
    expect((await call('GET', `/Groups/${id}`)).body.members.map((member: { value: string }) => member.value)).toEqual([a.body.id]);
    const dup = await call('POST', '/Groups', { displayName: 'PLATFORM engineering' });
    expect([dup.status, dup.body.scimType]).toEqual([409, 'uniqueness']);
    expect((await call('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect((await call('GET', `/Groups/${id}`)).status).toBe(404);
    expect((await call('GET', `/Users/${a.body.id}`)).body.groups).toEqual([]);
    expect((await call('POST', '/Groups', { displayName: 'Platform Engineering' })).status).toBe(201);
  });
});

describe('Microsoft Entra ID', () => {
  const api = useApi();

  it('default mode: Test connection, create with the enterprise extension and "True", pathed capitalised ops, "False", delete and re-create', async () => {
    const org = await scimOrg(api, 'Entra');
    const call = scim(api, org.scimToken);
    const test = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${randomUUID()}"`)}`);
    expect([test.status, test.body.totalResults, test.body.Resources]).toEqual([200, 0, []]);
    const userName = `Test_User_${hex()}@contoso.com`;
    const externalId = randomUUID();
    const created = await call('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      externalId,
      userName,
      active: 'True',
      emails: [{ primary: 'True', type: 'work', value: userName }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [ENTERPRISE]: { employeeNumber: '701984', department: '4000', manager: 'mgr-123' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ active: true, externalId, userName, [ENTERPRISE]: { employeeNumber: '701984', department: '4000', manager: { value: 'mgr-123' } } });
    expect(created.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE]);
    expect(created.body.roles).toBeUndefined();
    const id = created.body.id;
    for (const filter of [`userName eq "${userName}"`, `externalId eq "${externalId}"`, `emails[type eq "work"].value eq "${userName}"`]) {
      expect((await call('GET', `/Users?filter=${encodeURIComponent(filter)}`)).body.Resources.map((user: { id: string }) => user.id), filter).toEqual([id]);
    }
    const updated = await call('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: `updated.${userName}` },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: '5000' },
        { op: 'Replace', path: 'userName', value: `Renamed_${userName}` },
      ],
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ userName: `Renamed_${userName}`, emails: [{ value: `updated.${userName}` }], name: { familyName: 'updatedFamilyName' }, [ENTERPRISE]: { department: '5000', employeeNumber: '701984' } });
    // The old userName and email are free again; the new ones find the user.
    expect((await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body.totalResults).toBe(0);
    expect((await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "renamed_${userName}"`)}`)).body.totalResults).toBe(1);
    const disabled = await call('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect([disabled.status, disabled.body.active]).toEqual([200, false]);
    expect((await call('GET', `/Users/${id}`)).body.active).toBe(false);

    expect((await call('DELETE', `/Users/${id}`)).status).toBe(204);
    for (const method of ['GET', 'DELETE']) expect((await call(method, `/Users/${id}`)).status).toBe(404);
    expect((await call('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] })).status).toBe(404);
    expect((await call('GET', `/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`)).body.totalResults).toBe(0);
    const again = await call('POST', '/Users', scimUser(`Renamed_${userName}`, { externalId, emails: [{ value: `updated.${userName}`, type: 'work' }] }));
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(id);
    const audit = await api.request('GET', '/v1/audit-events?actor=scim', { token: org.rootToken });
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual(expect.arrayContaining(['scim.user_provisioned', 'scim.user_deprovisioned', 'user.deleted', 'user.created']));
  });

  it('default mode groups: the extra schema URN, Add members with "$ref": null, Remove members by value', async () => {
    const org = await scimOrg(api, 'Entra');
    const call = scim(api, org.scimToken);
    const users = await Promise.all([1, 2, 3].map((index) => call('POST', '/Users', scimUser(`member${index}.${hex()}`))));
    const [one, two, three] = users.map((answer) => answer.body.id as string);
    const created = await call('POST', '/Groups', {
      externalId: randomUUID(),
      displayName: `Group ${hex()}`,
      meta: { resourceType: 'Group' },
      members: [],
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', MS_GROUP],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const byName = await call('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${created.body.displayName.toUpperCase()}"`)}`);
    expect(byName.body.Resources).toEqual([expect.not.objectContaining({ members: expect.anything() })]);
    expect(byName.body.Resources[0].id).toBe(id);
    const added = await call('PATCH', `/Groups/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: one }, { $ref: null, value: two }, { $ref: null, value: three }] }],
    });
    expect(added.status).toBe(204);
    const removed = await call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: one }, { value: three }] }] });
    expect(removed.status).toBe(204);
    expect((await call('GET', `/Groups/${id}`)).body.members.map((member: { value: string }) => member.value)).toEqual([two]);
    expect((await call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Renamed group' }] })).status).toBe(204);
    expect((await call('GET', `/Users/${two}`)).body.groups).toEqual([expect.objectContaining({ value: id, display: 'Renamed group' })]);
    // A member that is not a user of this organization: 400, and nothing changes.
    const bad = await call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: one }, { value: randomUUID() }] }] });
    expect([bad.status, bad.body.scimType]).toEqual([400, 'invalidValue']);
    expect((await call('GET', `/Groups/${id}`)).body.members.map((member: { value: string }) => member.value)).toEqual([two]);
    // Without a value, Remove members empties the group (RFC 7644).
    expect((await call('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members' }] })).status).toBe(204);
    expect((await call('GET', `/Groups/${id}`)).body.members).toEqual([]);
    expect((await call('DELETE', `/Groups/${id}`)).status).toBe(204);
  });

  it('with aadOptscim062020: lower-case ops, booleans, path-less replace with dotted and URN keys, members[value eq]', async () => {
    const org = await scimOrg(api, 'Entra');
    const call = scim(api, org.scimToken);
    const created = await call('POST', '/Users', scimUser(`flag.${hex()}@contoso.com`, { [ENTERPRISE]: { employeeNumber: '1' } }));
    const id = created.body.id;
    const patched = await call('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { 'name.givenName': 'Dotted', 'name.familyName': 'Keys', [`${ENTERPRISE}:employeeNumber`]: '42', [`${ENTERPRISE}:manager`]: { value: 'boss' }, displayName: 'Dotted Keys', active: false } }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: { givenName: 'Dotted', familyName: 'Keys' }, displayName: 'Dotted Keys', active: false, [ENTERPRISE]: { employeeNumber: '42', manager: { value: 'boss' } } });
    const group = await call('POST', '/Groups', { displayName: `Flag ${hex()}`, members: [{ value: id }] });
    expect((await call('PATCH', `/Groups/${group.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] })).status).toBe(204);
    expect((await call('GET', `/Groups/${group.body.id}`)).body.members).toEqual([]);
  });
});

describe('Groups → roles and permissions', () => {
  const api = useApi();

  it('turn membership into role and permissions at once, never touch the root, and lock the managed fields', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const created = await call('POST', '/Users', scimUser(`mapped.${hex()}`));
    const id = created.body.id;
    const read = async () => (await api.request('GET', `/v1/users/${id}`, { token: org.rootToken })).body;
    expect(await read()).toMatchObject({ role: 'developer', permissions: ['settings:read', 'flows:edit'] });
    // With an empty list, root still edits by hand; name and email are the directory's.
    expect((await api.request('PATCH', `/v1/users/${id}`, { token: org.rootToken, body: { permissions: ['settings:read'] } })).status).toBe(200);
    const renamed = await api.request('PATCH', `/v1/users/${id}`, { token: org.rootToken, body: { name: 'By hand' } });
    expect([renamed.status, renamed.body.code]).toEqual([409, 'managed_by_idp']);

    const put = await api.request('PUT', '/v1/org/group-mappings', {
      token: org.rootToken,
      body: { items: [{ group: 'gatehouse-admins', role: 'admin', permissions: ['logs:read'] }, { group: 'Device Operators', permissions: ['devices:control'] }] },
    });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(1);
    // The list applies to managed users at once: no mapped group, so the default role and no permissions.
    expect(await read()).toMatchObject({ role: 'developer', permissions: [] });
    const admins = await call('POST', '/Groups', { displayName: 'GATEHOUSE-ADMINS', members: [{ value: id }, { value: org.root.id }] });
    expect(admins.status).toBe(201);
    expect(await read()).toMatchObject({ role: 'admin', permissions: ['logs:read'] });
    const operators = await call('POST', '/Groups', { displayName: 'device operators', members: [{ value: id }] });
    expect(await read()).toMatchObject({ role: 'admin', permissions: ['logs:read', 'devices:control'] });
    const byHand = await api.request('PATCH', `/v1/users/${id}`, { token: org.rootToken, body: { role: 'developer' } });
    expect([byHand.status, byHand.body.code]).toEqual([409, 'managed_by_idp']);
    expect((await api.request('GET', `/v1/users/${org.root.id}`, { token: org.rootToken })).body.role).toBe('root');

    expect((await call('PATCH', `/Groups/${admins.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] })).status).toBe(204);
    expect(await read()).toMatchObject({ role: 'developer', permissions: ['devices:control'] });
    expect((await api.request('PATCH', '/v1/org/scim', { token: org.rootToken, body: { defaultRole: 'admin' } })).body.defaultRole).toBe('admin');
    expect((await read()).role).toBe('admin');
    expect((await call('DELETE', `/Groups/${operators.body.id}`)).status).toBe(204);
    expect(await read()).toMatchObject({ role: 'admin', permissions: [] });

    const settings = await api.request('GET', '/v1/org/scim', { token: org.rootToken });
    expect(settings.body).toMatchObject({ baseUrl: expect.stringMatching(/\/scim\/v2$/), defaultRole: 'admin', users: 1, groups: 1 });
    expect(settings.body.lastRequestAt).not.toBeNull();
    expect(settings.body.lastChangeAt).not.toBeNull();
    const names = await api.request('GET', '/v1/org/scim/groups', { token: org.rootToken });
    expect(names.body.items).toEqual([expect.objectContaining({ displayName: 'GATEHOUSE-ADMINS', memberCount: 1 })]);
    const audit = await api.request('GET', '/v1/audit-events?action=user.role_changed', { token: org.rootToken });
    expect(audit.body.items[0].details.groups).toBeDefined();

    const refused = await api.request('PUT', '/v1/org/group-mappings', { token: org.rootToken, body: { items: [{ group: 'x', role: 'root' }] } });
    expect(refused.status).toBe(400);
    const unknown = await api.request('PUT', '/v1/org/group-mappings', { token: org.rootToken, body: { items: [{ group: 'x', permissions: ['nope'] }] } });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_permission']);
    const stale = await api.request('PUT', '/v1/org/group-mappings', { token: org.rootToken, body: { items: [] }, headers: { 'if-match': '"0"' } });
    expect(stale.status).toBe(412);
    // An empty list hands roles back to root.
    expect((await api.request('PUT', '/v1/org/group-mappings', { token: org.rootToken, body: { items: [] } })).status).toBe(200);
    expect((await api.request('PATCH', `/v1/users/${id}`, { token: org.rootToken, body: { role: 'developer' } })).status).toBe(200);
  });
});
