import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { addMember, loginAs, verifiedOrg } from '../support/factories';
import { lastEmailTo, useApi } from '../support/api';

const api = useApi();
const transfer = (token: string, body: Record<string, unknown>) => api.request('POST', '/v1/org/transfer', { token, body });

describe('ownership transfer', () => {
  it('makes the admin root and the root admin, in one step, and tells both', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const done = await transfer(org.rootToken, { userId: admin.id, password: org.root.password });
    expect(done.status).toBe(200);
    expect(done.body.previousRoot).toMatchObject({ id: org.root.id, role: 'admin' });
    expect(done.body.newRoot).toMatchObject({ id: admin.id, role: 'root' });
    expect((await lastEmailTo(admin.email)).subject).toMatch(/Ownership/);
    expect((await lastEmailTo(org.root.email)).subject).toMatch(/Ownership/);

    // The old root's token now acts as an admin; the new root's as the owner.
    expect((await api.request('GET', '/v1/billing', { token: org.rootToken })).status).toBe(403);
    expect((await api.request('GET', '/v1/billing', { token: admin.accessToken })).status).toBe(200);
    expect((await api.request('GET', '/v1/users?role=root', { token: admin.accessToken })).body.items.map((user: { id: string }) => user.id)).toEqual([admin.id]);
    const audit = await api.request('GET', '/v1/audit-events?action=org.ownership_transferred', { token: admin.accessToken });
    expect(audit.body.items).toHaveLength(1);
  });

  it('re-checks the password, and the code when two-factor is on', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const wrong = await transfer(org.rootToken, { userId: admin.id, password: 'not the password, no' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('reauthentication_failed');

    const started = await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken });
    await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: await generate({ secret: started.body.secret }) } });
    expect((await transfer(org.rootToken, { userId: admin.id, password: org.root.password })).status).toBe(403);
    expect((await transfer(org.rootToken, { userId: admin.id, password: org.root.password, code: '000000' })).status).toBe(403);
    const { clock } = await import('../../shared/clock');
    const realNow = clock.now;
    clock.now = () => realNow() + 30_000;
    try {
      const code = await generate({ secret: started.body.secret, epoch: Math.floor(clock.now() / 1000) });
      expect((await transfer(org.rootToken, { userId: admin.id, password: org.root.password, code })).status).toBe(200);
    } finally {
      clock.now = realNow;
    }
  });

  it('goes only to an active human admin (409 invalid_transfer_target)', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const pendingAdmin = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'padmin', name: 'P', email: `p@${org.slug}.example.com`, role: 'admin' } });
    const botAdmin = await api.request('POST', '/v1/users', { token: org.rootToken, body: { type: 'service', login: 'botadmin', name: 'B', role: 'admin' } });
    const deactivated = await addMember(api, org, org.rootToken, 'admin');
    await api.request('PATCH', `/v1/users/${deactivated.id}`, { token: org.rootToken, body: { status: 'deactivated' } });
    const other = await verifiedOrg(api);
    const foreignAdmin = await addMember(api, other, other.rootToken, 'admin');
    for (const userId of [developer.id, pendingAdmin.body.user.id, botAdmin.body.user.id, deactivated.id, org.root.id, foreignAdmin.id]) {
      const answer = await transfer(org.rootToken, { userId, password: org.root.password });
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('invalid_transfer_target');
    }
  });

  it('leaves exactly one root under concurrent transfers', async () => {
    const org = await verifiedOrg(api);
    const admins = await Promise.all([1, 2, 3, 4].map(() => addMember(api, org, org.rootToken, 'admin')));
    const answers = await Promise.all(admins.map((admin) => transfer(org.rootToken, { userId: admin.id, password: org.root.password })));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.every((answer) => answer.status < 500)).toBe(true);
    const winner = admins[answers.findIndex((answer) => answer.status === 200)]!;
    const roots = await api.request('GET', '/v1/users?role=root', { token: winner.accessToken });
    expect(roots.body.items).toHaveLength(1);
    expect(roots.body.items[0].id).toBe(winner.id);
    expect((await loginAs(api, org.slug, 'owner', org.root.password)).accessToken).toBeTruthy();
  });
});
