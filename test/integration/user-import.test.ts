import { generate } from 'otplib';
import { startEventRunner } from '../../infra/local/event-runner';
import { describe, expect, it } from 'vitest';
import { getUser } from '../../shared/data/users';
import { parseUsersFile } from '../../shared/users-file';
import { emailsTo, lastEmailTo, tokenFromEmail, useApi } from '../support/api';
import { addMember, loginAs, verifiedOrg } from '../support/factories';
import { FOREIGN_SCHEMES, foreignHashes, type ForeignScheme } from '../support/foreign-hashes';
import { suppress } from '../support/ses-events';

const api = useApi();
const importUsers = (token: string, body: Record<string, unknown>) => api.request('POST', '/v1/users/import', { token, body });
const row = (slug: string, login: string, extra: Record<string, unknown> = {}) => ({
  login, name: `Imported ${login}`, email: `${login}@${slug}.example.com`, role: 'developer', ...extra,
});
// "ﬁ" is not NFKC-stable: the old systems hashed it as typed, Gatehouse normalises what it hashes itself.
const passwordOf = (scheme: ForeignScheme) => `old system passphrase ${scheme} ünïcode ﬁle`;
const login = (slug: string, user: string, password: string) => api.request('POST', '/v1/auth/login', { body: { org: slug, login: user, password } });

describe('importing users with the password hashes of other systems', () => {
  it('logs each one in with its old password, re-hashes it with argon2id at once, and a second import changes nothing', async () => {
    const org = await verifiedOrg(api);
    const hashes = foreignHashes(Object.fromEntries(FOREIGN_SCHEMES.map((scheme) => [scheme, passwordOf(scheme)])));
    const rows = FOREIGN_SCHEMES.map((scheme) => row(org.slug, `u-${scheme}`, { passwordHash: hashes[scheme], emailVerified: true }));

    const dry = await importUsers(org.rootToken, { users: rows, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.items.map((item: { status: string }) => item.status)).toEqual(rows.map(() => 'created'));
    expect((await api.request('GET', '/v1/users?q=u-', { token: org.rootToken })).body.items).toEqual([]);

    const imported = await importUsers(org.rootToken, { users: rows });
    expect(imported.status).toBe(200);
    expect(imported.body.items).toHaveLength(rows.length);
    for (const [index, item] of imported.body.items.entries()) {
      expect(item).toMatchObject({ row: index + 1, status: 'created', userId: expect.any(String) });
    }
    expect(imported.text).not.toContain('$2');
    expect(imported.text).not.toMatch(/\$(argon2|scrypt|pbkdf2)/);

    for (const [index, scheme] of FOREIGN_SCHEMES.entries()) {
      const userId = imported.body.items[index].userId as string;
      const wrong = await login(org.slug, `u-${scheme}`, `${passwordOf(scheme)}!`);
      expect(wrong.status, scheme).toBe(401);
      expect((await getUser(org.orgId, userId))!.passwordHash).toBe(hashes[scheme]);

      const right = await login(org.slug, `u-${scheme}`, passwordOf(scheme));
      expect(right.status, `${scheme}: ${right.text}`).toBe(200);
      expect(right.body.accessToken).toBeTruthy();
      const stored = (await getUser(org.orgId, userId))!.passwordHash!;
      expect(stored, scheme).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      // The new hash is a real one of the same password.
      expect((await login(org.slug, `u-${scheme}`, passwordOf(scheme))).status, scheme).toBe(200);
      expect((await getUser(org.orgId, userId))!.passwordHash).toBe(stored);
    }

    const again = await importUsers(org.rootToken, { users: rows });
    expect(again.body.items.map((item: { status: string }) => item.status)).toEqual(rows.map(() => 'unchanged'));
    expect(again.body.items.map((item: { userId: string }) => item.userId)).toEqual(imported.body.items.map((item: { userId: string }) => item.userId));

    const audit = await api.request('GET', '/v1/audit-events?action=users.imported', { token: org.rootToken });
    expect(audit.body.items).toHaveLength(2);
    expect(audit.body.items.map((event: { details: unknown }) => event.details)).toEqual([
      { rows: rows.length, created: 0, unchanged: rows.length, invalid: 0, invitations: 0 },
      { rows: rows.length, created: rows.length, unchanged: 0, invalid: 0, invitations: 0 },
    ]);
    expect(JSON.stringify(audit.body)).not.toMatch(/\$2[aby]\$|\$argon2|\$scrypt|\$pbkdf2/);
  }, 90_000);

  it('refuses hashes whose parameters are dangerous to verify, or too weak to keep, with the reason', async () => {
    const org = await verifiedOrg(api);
    const made = foreignHashes({ 'bcrypt-2b': 'x', argon2id: 'x', 'scrypt-passlib': 'x', 'pbkdf2-sha256-passlib': 'x', 'pbkdf2-sha256-phc': 'x' });
    const cases: Array<[string, string]> = [
      [made['bcrypt-2b'].replace(/^\$2b\$05\$/, '$2b$15$'), 'bcrypt cost 15'],
      [made.argon2id.replace('m=4096', 'm=1048576'), 'memory m=1048576 KiB'],
      [made.argon2id.replace('m=4096,t=2', 'm=65536,t=8'), 'memory × passes'],
      [made['scrypt-passlib'].replace('ln=12', 'ln=20'), 'memory 128·N·r = 1024 MiB'],
      [made['pbkdf2-sha256-passlib'].replace('$29000$', '$999$'), '999 rounds are below 1000'],
      [made['pbkdf2-sha256-phc'].replace('i=10000', 'i=50000000'), '50000000 rounds are over 2000000'],
      ['$1$abcdefgh$0123456789abcdefghijkl', 'format is not one of'],
      ['$2b$10$tooshort', 'not a well-formed bcrypt hash'],
      ['$pbkdf2-sha256$i=10000,l=32$not base64!$abc', 'salt is not base64'],
    ];
    const answer = await importUsers(org.rootToken, { users: cases.map(([hash], index) => row(org.slug, `danger-${index}`, { passwordHash: hash })) });
    expect(answer.status).toBe(200);
    for (const [index, [, reason]] of cases.entries()) {
      expect(answer.body.items[index].status, reason).toBe('invalid');
      expect(answer.body.items[index].errors, reason).toEqual([{ path: 'passwordHash', message: expect.stringContaining(reason) }]);
    }
    expect((await api.request('GET', '/v1/users?q=danger', { token: org.rootToken })).body.items).toEqual([]);
  });
});

describe('row by row', () => {
  it('reports every broken row with its errors, creates the good ones, and never overwrites an existing user', async () => {
    const org = await verifiedOrg(api);
    const existing = await addMember(api, org, org.rootToken, 'developer', { login: 'taken' });
    const users = [
      row(org.slug, 'good-one', { origin: 'Auth0', location: 'Lyon', permissions: ['logs:read', 'settings:read'] }),
      row(org.slug, 'boss', { role: 'root' }),
      row(org.slug, ' spaced', { email: `spaced@${org.slug}.example.com` }),
      row(org.slug, 'Ａlice'),
      row(org.slug, 'alice', { email: `alice2@${org.slug}.example.com` }),
      row(org.slug, 'long', { email: `${'x'.repeat(250)}@example.com` }),
      row(org.slug, 'perm', { permissions: ['no:such'] }),
      row(org.slug, 'weak-totp', { totpSecret: 'JBSWY3DPEHPK3PXP' }),
      row(org.slug, 'extra', { favouriteColour: 'blue' }),
      row(org.slug, 'pending-hash', { status: 'pending', passwordHash: foreignHashes({ 'bcrypt-2b': 'a' })['bcrypt-2b'] }),
      { ...row(org.slug, 'taken'), email: existing.email, name: 'Someone Else' },
      row(org.slug, 'email-taken', { email: org.root.email.toUpperCase() }),
      'not an object',
      row(org.slug, 'good-two', { status: 'deactivated' }),
    ];
    const answer = await importUsers(org.rootToken, { users, dryRun: true });
    expect(answer.status).toBe(200);
    const byRow = (items: Array<{ row: number; status: string; errors?: Array<{ path: string; message: string }> }>) =>
      Object.fromEntries(items.map((item) => [item.row, item]));
    const dry = byRow(answer.body.items);
    expect(dry[1]).toEqual({ row: 1, status: 'created' });
    expect(dry[2]!.errors).toEqual([{ path: 'role', message: expect.any(String) }]);
    expect(dry[3]!.errors).toEqual([{ path: 'login', message: 'must not start or end with white space' }]);
    expect(dry[4]).toMatchObject({ status: 'created' }); // Ａlice is alice, first seen here
    expect(dry[5]!.errors).toEqual([{ path: 'login', message: 'is also on row 4' }]);
    expect(dry[6]!.errors).toEqual([{ path: 'email', message: expect.any(String) }]);
    expect(dry[7]!.errors).toEqual([{ path: 'permissions.0', message: '"no:such" is not in the permission catalog' }]);
    expect(dry[8]!.errors).toEqual([{ path: 'totpSecret', message: 'must hold at least 128 bits; this one holds 80' }]);
    expect(dry[9]!.errors).toEqual([{ path: 'favouriteColour', message: 'is not a known field' }]);
    expect(dry[10]!.errors).toEqual([{ path: 'status', message: expect.stringContaining('pending user has no password') }]);
    expect(dry[11]!.errors).toEqual([{ path: 'login', message: expect.stringContaining('other data (name); an import never overwrites') }]);
    expect(dry[12]!.errors).toEqual([{ path: 'email', message: 'is already used by another user of the organization' }]);
    expect(dry[13]!.status).toBe('invalid');
    expect(dry[14]).toEqual({ row: 14, status: 'created' });
    expect((await api.request('GET', '/v1/users', { token: org.rootToken })).body.items).toHaveLength(2);
    expect((await api.request('GET', '/v1/audit-events?action=users.imported', { token: org.rootToken })).body.items).toEqual([]);

    const real = byRow((await importUsers(org.rootToken, { users })).body.items);
    expect(Object.values(real).filter((item) => item.status === 'created').map((item) => item.row)).toEqual([1, 4, 14]);
    for (const index of [2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13]) expect(real[index]).toEqual(dry[index]);
    const list = (await api.request('GET', '/v1/users', { token: org.rootToken })).body.items;
    expect(list.map((user: { login: string }) => user.login).sort()).toEqual(['alice', 'good-one', 'good-two', 'owner', 'taken']);
    expect(list.find((user: { login: string }) => user.login === 'good-one')).toMatchObject({
      status: 'pending', origin: 'Auth0', location: 'Lyon', emailVerified: false, permissions: ['settings:read', 'logs:read'],
    });
    expect(list.find((user: { login: string }) => user.login === 'alice')).toMatchObject({ permissions: ['settings:read', 'flows:edit'] });
    expect(list.find((user: { login: string }) => user.login === 'good-two')).toMatchObject({ status: 'deactivated' });
    const taken = await api.request('GET', `/v1/users/${existing.id}`, { token: org.rootToken });
    expect(taken.body.name).toBe('Test developer');
  });

  it('is for the owner only, with a verified email, and takes at most 500 rows a call', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    expect((await importUsers(admin.accessToken, { users: [row(org.slug, 'x-dev')] })).status).toBe(403);
    const rows = Array.from({ length: 501 }, (_, index) => row(org.slug, `many-${index}`));
    const tooMany = await importUsers(org.rootToken, { users: rows, dryRun: true });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([{ path: 'users', message: expect.any(String) }]);
    const fiveHundred = await importUsers(org.rootToken, { users: rows.slice(0, 500), dryRun: true });
    expect(fiveHundred.status).toBe(200);
    expect(fiveHundred.body.items).toHaveLength(500);
    expect((await importUsers(org.rootToken, { users: [] })).status).toBe(400);
  });
});

describe('two-factor and invitations', () => {
  it('imports a TOTP secret as enrolled, and invites users without a hash when asked', async () => {
    const org = await verifiedOrg(api);
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'; // 160 bits
    const hash = foreignHashes({ 'bcrypt-2y': 'two factor passphrase here' })['bcrypt-2y'];
    // Invitations go out on the asynchronous path: this test runs the local event runner.
    const runner = await startEventRunner({ reader: `import-test-${process.pid}-${Date.now()}`, startAt: 'latest' });
    await runner.pollStream();
    const answer = await importUsers(org.rootToken, {
      users: [
        row(org.slug, 'with-totp', { passwordHash: hash, totpSecret: secret.toLowerCase().replace(/(.{4})/g, '$1 ') }),
        row(org.slug, 'invitee'),
      ],
      sendInvitations: true,
    });
    expect(answer.body.items.map((item: { status: string }) => item.status)).toEqual(['created', 'created']);
    expect(answer.body.items[1].emailDelivery).toBe('queued');
    expect(answer.text).not.toContain(secret);
    try {
      const deadline = Date.now() + 20_000;
      while ((await emailsTo(`invitee@${org.slug}.example.com`)).length === 0 && Date.now() < deadline) {
        await runner.pollStream();
        await runner.pumpQueues();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await runner.stop();
    }
    const stored = await getUser(org.orgId, answer.body.items[0].userId);
    expect(stored!.totp!.secret).not.toContain(secret);
    expect(stored!.mfa.enabled).toBe(true);

    const first = await login(org.slug, 'with-totp', 'two factor passphrase here');
    expect(first.body.challenge).toBe('MFA_REQUIRED');
    const done = await api.request('POST', '/v1/auth/challenge', { body: { session: first.body.session, challenge: 'MFA_REQUIRED', code: await generate({ secret }) } });
    expect(done.status, done.text).toBe(200);
    expect((await getUser(org.orgId, answer.body.items[0].userId))!.passwordHash).toMatch(/^\$argon2id\$/);

    const invitee = await api.request('GET', `/v1/users/${answer.body.items[1].userId}`, { token: org.rootToken });
    expect(invitee.body).toMatchObject({ status: 'pending', mfa: { enabled: false } });
    expect(await emailsTo(`with-totp@${org.slug}.example.com`)).toHaveLength(0);
    const activated = await api.request('POST', '/v1/auth/activate', {
      body: { token: tokenFromEmail(await lastEmailTo(`invitee@${org.slug}.example.com`)), password: 'a brand new passphrase' },
    });
    expect(activated.status).toBe(200);
    expect((await loginAs(api, org.slug, 'invitee', 'a brand new passphrase')).accessToken).toBeTruthy();
  });
});

describe('export', () => {
  it('answers every user without a secret, as JSON or CSV guarded against formulas, for the owner only', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const hash = foreignHashes({ 'pbkdf2-sha256-phc': 'exported passphrase' })['pbkdf2-sha256-phc'];
    await importUsers(org.rootToken, {
      users: [
        row(org.slug, 'formula', { name: '=HYPERLINK("http://evil")', location: '+33 1 23', origin: 'a, "quoted" one', passwordHash: hash, totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }),
      ],
    });
    expect((await api.request('GET', '/v1/users/export', { token: admin.accessToken })).status).toBe(403);

    const json = await api.request('GET', '/v1/users/export?format=json', { token: org.rootToken });
    expect(json.status).toBe(200);
    expect(json.body.items.map((user: { login: string }) => user.login)).toEqual([admin.login, 'formula', 'owner'].sort());
    expect(json.body.items.find((user: { login: string }) => user.login === 'formula')).toMatchObject({
      name: '=HYPERLINK("http://evil")', type: 'human', role: 'developer', status: 'active', mfaEnabled: true, permissions: ['settings:read', 'flows:edit'],
    });
    expect(json.text).not.toMatch(/pbkdf2|JBSWY3DP|passwordHash|totp|sessions|apiTokens|importDigest/);

    const csv = await api.request('GET', '/v1/users/export?format=csv', { token: org.rootToken });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="users-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('id,login,name,email,type,role,status,emailVerified,mfaEnabled,mfaRequired,origin,location,permissions,createdAt,lastLoginAt');
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv.text).toContain(`,'+33 1 23,`);
    expect(csv.text).toContain('"a, ""quoted"" one"');
    expect(csv.text).not.toMatch(/pbkdf2|JBSWY3DP/);
    const parsed = parseUsersFile(csv.text, 'users.csv');
    expect(parsed.find((user) => user.login === 'formula')).toMatchObject({ name: '=HYPERLINK("http://evil")', location: '+33 1 23', origin: 'a, "quoted" one' });

    expect((await api.request('GET', '/v1/users/export?format=xml', { token: org.rootToken })).status).toBe(400);
    const events = await api.request('GET', '/v1/audit-events?action=users.exported', { token: org.rootToken });
    expect(events.body.items.map((event: { details: unknown }) => event.details)).toEqual([{ format: 'csv', users: 3 }, { format: 'json', users: 3 }]);
  });

  it('round-trips every field that may travel into another organization, through JSON and through CSV', async () => {
    const source = await verifiedOrg(api);
    const hashes = foreignHashes({ 'bcrypt-2b': 'p1 long passphrase', 'scrypt-passlib': 'p2 long passphrase' });
    const users = [
      row(source.slug, 'ana', { role: 'admin', emailVerified: true, origin: 'Keycloak realm acme', location: '-12 Rue "Haute", Paris', passwordHash: hashes['bcrypt-2b'] }),
      row(source.slug, 'bob', { status: 'deactivated', passwordHash: hashes['scrypt-passlib'], name: '@bob, the builder' }),
      row(source.slug, 'cyd', { origin: 'Auth0', permissions: ['devices:control', 'settings:read'] }),
      row(source.slug, 'dee', { status: 'active', emailVerified: true }),
    ];
    const created = await importUsers(source.rootToken, { users });
    expect(created.body.items.map((item: { status: string }) => item.status), created.text).toEqual(['created', 'created', 'created', 'created']);
    const travelling = (items: Array<Record<string, unknown>>) =>
      items
        .filter((user) => user.role !== 'root')
        .map(({ login: handle, name, email, role, status, emailVerified, origin, location, permissions }) => ({
          login: handle, name, email, role, status, emailVerified, origin, location, permissions,
        }));
    const exported = (await api.request('GET', '/v1/users/export', { token: source.rootToken })).body.items;
    expect(travelling(exported)).toHaveLength(4);

    for (const format of ['json', 'csv'] as const) {
      const target = await verifiedOrg(api);
      const file = (await api.request('GET', `/v1/users/export?format=${format}`, { token: source.rootToken })).text;
      const rows = parseUsersFile(file, `users.${format}`);
      const answer = await importUsers(target.rootToken, { users: rows });
      const statuses = answer.body.items.map((item: { status: string }) => item.status);
      // The source's owner is refused (role root never imports); every other row is created.
      expect(statuses.filter((status: string) => status === 'created'), format).toHaveLength(4);
      expect(answer.body.items.find((item: { status: string }) => item.status === 'invalid').errors[0].path).toBe('role');
      const copied = (await api.request('GET', '/v1/users/export', { token: target.rootToken })).body.items;
      expect(travelling(copied), format).toEqual(travelling(exported));
      // And importing the same export again changes nothing.
      const again = await importUsers(target.rootToken, { users: rows });
      expect(again.body.items.filter((item: { status: string }) => item.status === 'unchanged'), format).toHaveLength(4);
    }
  }, 60_000);
});

describe('the deployment’s suppression of an address', () => {
  it('creates the user of a bounced or complained address with that emailStatus, the others ok', async () => {
    const org = await verifiedOrg(api);
    const rows = [row(org.slug, 'was-bounced'), row(org.slug, 'complained-of'), row(org.slug, 'deliverable')];
    await suppress(rows[0]!.email, 'bounced');
    await suppress(rows[1]!.email, 'complained');

    const imported = await importUsers(org.rootToken, { users: rows });
    expect(imported.body.items.map((item: { status: string }) => item.status)).toEqual(['created', 'created', 'created']);
    const statuses = [];
    for (const item of imported.body.items as Array<{ userId: string }>) {
      const user = await api.request('GET', `/v1/users/${item.userId}`, { token: org.rootToken });
      statuses.push(user.body.emailStatus);
    }
    expect(statuses).toEqual(['bounced', 'complained', 'ok']);
  });
});
