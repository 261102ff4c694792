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
    expect(actions).toEqual(['user.role_changed', 'user.activated', 'user.invited', 'user.email_verified', 'org.created']);
    const roleChange = all.body.items[0];
    expect(roleChange).toMatchObject({
      actor: { id: org.root.id, login: 'owner' },
      target: { type: 'user', id: developer.id, login: developer.login },
      ip: '127.0.0.1',
      requestId,
      details: { roleFrom: 'developer', roleTo: 'admin' },
    });

    const byTarget = await api.request('GET', `/v1/audit-events?target=${developer.id}`, { token: org.rootToken });
    expect(byTarget.body.items.map((event: { action: string }) => event.action)).toEqual(['user.role_changed', 'user.activated', 'user.invited']);
    const byAction = await api.request('GET', '/v1/audit-events?action=user.invited', { token: org.rootToken });
    expect(byAction.body.items).toHaveLength(1);
    const byActor = await api.request('GET', `/v1/audit-events?actor=${developer.id}`, { token: org.rootToken });
    expect(byActor.body.items.map((event: { action: string }) => event.action)).toEqual(['user.activated']);

    const first = await api.request('GET', '/v1/audit-events?limit=2', { token: org.rootToken });
    expect(first.body.items).toHaveLength(2);
    const second = await api.request('GET', `/v1/audit-events?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: org.rootToken });
    expect(second.body.items[0].action).toBe('user.invited');
    expect((await api.request('GET', `/v1/audit-events?limit=2&action=x&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: org.rootToken })).status).toBe(400);
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
