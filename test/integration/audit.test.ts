import { describe, expect, it } from 'vitest';
import { addMember, verifiedOrg } from '../support/factories';
import { tokenFromUrl, useApi } from '../support/api';

const api = useApi();

describe('audit log', () => {
  it('records every change with actor, target, ip and request id, newest first, filterable and paginated', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const patched = await api.request('PATCH', `/v1/users/${developer.id}`, { token: org.rootToken, body: { role: 'admin' } });
    const requestId = patched.headers.get('x-request-id');

    const all = await api.request('GET', '/v1/audit-events?limit=100', { token: org.rootToken });
    expect(all.status).toBe(200);
    const actions = all.body.items.map((event: { action: string }) => event.action);
    // Sign-ins are in the log too: the developer's, right after activating, and the owner's.
    // Sign-up writes the organization and its root in one transaction: the two share a time.
    expect(actions.slice(0, 6)).toEqual(['user.role_changed', 'session.created', 'user.activated', 'user.invited', 'session.created', 'user.email_verified']);
    expect(actions.slice(6).sort()).toEqual(['org.created', 'user.created']);
    const roleChange = all.body.items[0];
    expect(roleChange).toMatchObject({
      actor: { id: org.root.id, login: 'owner' },
      target: { type: 'user', id: developer.id, login: developer.login },
      ip: '127.0.0.1',
      requestId,
      details: { roleFrom: 'developer', roleTo: 'admin' },
    });

    const byTarget = await api.request('GET', `/v1/audit-events?target=${developer.id}`, { token: org.rootToken });
    expect(byTarget.body.items.map((event: { action: string }) => event.action)).toEqual(['user.role_changed', 'session.created', 'user.activated', 'user.invited']);
    const byAction = await api.request('GET', '/v1/audit-events?action=user.invited', { token: org.rootToken });
    expect(byAction.body.items).toHaveLength(1);
    const byActor = await api.request('GET', `/v1/audit-events?actor=${developer.id}`, { token: org.rootToken });
    expect(byActor.body.items.map((event: { action: string }) => event.action)).toEqual(['session.created', 'user.activated']);

    const first = await api.request('GET', '/v1/audit-events?limit=2', { token: org.rootToken });
    expect(first.body.items).toHaveLength(2);
    const second = await api.request('GET', `/v1/audit-events?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: org.rootToken });
    expect(second.body.items[0].action).toBe('user.activated');
    expect((await api.request('GET', `/v1/audit-events?limit=2&action=x&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: org.rootToken })).status).toBe(400);
  });

  it('records sign-ins and refused sign-ins of existing users, with how and from where, never the password', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const wrong = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: developer.login, password: 'not the password at all' } });
    expect(wrong.status).toBe(401);
    const unknown = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'nobody-here', password: 'not the password at all' } });
    expect(unknown.status).toBe(401);
    const right = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: developer.login, password: developer.password }, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' } });
    expect(right.status).toBe(200);

    const failed = await api.request('GET', '/v1/audit-events?action=auth.sign_in_failed', { token: org.rootToken });
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({ actor: null, target: { type: 'user', id: developer.id, login: developer.login }, ip: '127.0.0.1', details: { reason: 'password' } });
    const signIns = await api.request('GET', `/v1/audit-events?action=session.created&target=${developer.id}`, { token: org.rootToken });
    expect(signIns.body.items[0]).toMatchObject({
      actor: { id: developer.id, login: developer.login },
      details: { session: expect.any(String), client: 'api', mfa: false, browser: expect.stringMatching(/^Firefox/), os: 'Linux' },
    });
    expect(JSON.stringify([...failed.body.items, ...signIns.body.items])).not.toContain('not the password');
  });

  it('is for root and admin only, and shows only the caller’s organization', async () => {
    const org = await verifiedOrg(api);
    const other = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const developer = await addMember(api, org, org.rootToken, 'developer');
    expect((await api.request('GET', '/v1/audit-events', { token: admin.accessToken })).status).toBe(200);
    expect((await api.request('GET', '/v1/audit-events', { token: developer.accessToken })).status).toBe(403);
    const theirs = await api.request('GET', '/v1/audit-events', { token: other.rootToken });
    expect(theirs.body.items.every((event: { target: { id: string } }) => event.target.id !== admin.id)).toBe(true);
  });

  it('keeps secrets out: no passwords, tokens, links or codes in any event', async () => {
    const org = await verifiedOrg(api);
    const invited = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'tmp', name: 'T', email: `tmp@${org.slug}.example.com`, role: 'developer', delivery: 'temporaryPassword' } });
    const linked = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'lnk', name: 'L', email: `lnk@${org.slug}.example.com`, role: 'developer' } });
    const apiToken = await api.request('POST', '/v1/me/api-tokens', { token: org.rootToken, body: { name: 'x' } });
    const reset = await api.request('POST', `/v1/users/${org.root.id}/password-reset`, { token: org.rootToken });
    const text = (await api.request('GET', '/v1/audit-events?limit=100', { token: org.rootToken })).text;
    for (const secret of [invited.body.temporaryPassword, linked.body.activation.url, tokenFromUrl(linked.body.activation.url), apiToken.body.token, reset.body.url, org.root.password, '$argon2id']) {
      expect(text).not.toContain(secret);
    }
  });
});
