import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/email-events';
import { suppressionOf } from '../../shared/data/email-status';
import { emailsTo, lastEmailTo, useApi } from '../support/api';
import { STRONG_PASSWORD, addMember, loginAs, signUpOrg, uniqueSlug, verifiedOrg } from '../support/factories';
import { bounce, complaint, context } from '../support/ses-events';

const api = useApi();

async function statusOf(orgId: string, userId: string, token: string) {
  const answer = await api.request('GET', `/v1/users/${userId}`, { token });
  expect(answer.status).toBe(200);
  return answer.body.emailStatus as string;
}

async function statusChanges(token: string, userId: string) {
  const answer = await api.request('GET', `/v1/audit-events?action=user.email_status_changed&target=${userId}`, { token });
  expect(answer.status).toBe(200);
  return answer.body.items as Array<{ action: string; actor: unknown; details: Record<string, unknown> }>;
}

describe('SES bounce and complaint events', () => {
  it('marks the user bounced after a permanent bounce, audits it once, and mails the address no more', async () => {
    const org = await verifiedOrg(api);
    const invited = await api.request('POST', '/v1/users', {
      token: org.rootToken,
      body: { login: 'bouncer', name: 'Bouncing Betty', email: `betty@${org.slug}.example.com`, role: 'developer' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.user.emailStatus).toBe('ok');
    const address = invited.body.user.email as string;
    expect(await emailsTo(address)).toHaveLength(1);

    // SES reports the address as the recipient's server wrote it: case is not significant.
    const outcome = await handler(bounce(address.toUpperCase(), org.orgId), context);
    expect(outcome).toEqual({ status: 'bounced', recipients: 1, usersMarked: 1 });
    expect(await statusOf(org.orgId, invited.body.user.id, org.rootToken)).toBe('bounced');
    expect(await suppressionOf(address)).toBe('bounced');

    // EventBridge delivers at least once: the same event again changes nothing.
    expect(await handler(bounce(address, org.orgId), context)).toMatchObject({ usersMarked: 0 });
    const changes = await statusChanges(org.rootToken, invited.body.user.id);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ actor: null, details: { from: 'ok', to: 'bounced', reason: 'bounce' } });

    // A re-issued invitation works, but is not mailed.
    const again = await api.request('POST', `/v1/users/${invited.body.user.id}/activation`, { token: org.rootToken });
    expect(again.status).toBe(201);
    expect(again.body.emailDelivery).toBe('suppressed');
    expect(await emailsTo(address)).toHaveLength(1);
    // The list row (from the index) shows it too.
    const list = await api.request('GET', '/v1/users', { token: org.rootToken });
    expect(list.body.items.find((user: { id: string }) => user.id === invited.body.user.id).emailStatus).toBe('bounced');
  });

  it('marks every user of the address in every organization, and creates later holders undeliverable', async () => {
    const first = await verifiedOrg(api);
    const second = await verifiedOrg(api);
    const shared = `shared-${first.slug}@${first.slug}.example.com`;
    const member = await addMember(api, first, first.rootToken, 'developer', { email: shared });
    // The same person in another organization, with the address in another case.
    const other = await addMember(api, second, second.rootToken, 'admin', { email: shared.toUpperCase() });
    const mailed = (await emailsTo(shared)).length;

    // The message was for the first organization's user; both holders are marked.
    expect(await handler(bounce(shared, first.orgId), context)).toMatchObject({ status: 'bounced', usersMarked: 2 });
    expect(await statusOf(first.orgId, member.id, first.rootToken)).toBe('bounced');
    expect(await statusOf(second.orgId, other.id, second.rootToken)).toBe('bounced');
    // Audited in each organization, by the system.
    expect((await statusChanges(second.rootToken, other.id)).map((change) => [change.actor, change.details]))
      .toEqual([[null, { from: 'ok', to: 'bounced', reason: 'bounce' }]]);
    // An event without the organization tag (sent before tags, or by hand) still finds them all.
    expect(await handler(complaint(shared, undefined), context)).toMatchObject({ status: 'complained', usersMarked: 2 });
    expect(await statusOf(second.orgId, other.id, second.rootToken)).toBe('complained');

    // Later holders are created with the address's status, and nothing is mailed to them.
    const third = await verifiedOrg(api);
    const invited = await api.request('POST', '/v1/users', {
      token: third.rootToken,
      body: { login: 'same-person', name: 'Same Person', email: shared, role: 'developer' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.emailDelivery).toBe('suppressed');
    expect(invited.body.user.emailStatus).toBe('complained');
    expect(await emailsTo(shared)).toHaveLength(mailed);

    // A sign-up with the address: created, and the root's emailStatus says why no link came.
    const signedUp = await api.request('POST', '/v1/orgs', {
      body: { orgName: 'Same Person Inc', slug: uniqueSlug(), login: 'owner', name: 'Same Person', email: shared, password: STRONG_PASSWORD },
    });
    expect(signedUp.status).toBe(201);
    expect(signedUp.body.user.emailStatus).toBe('complained');
    expect(await emailsTo(shared)).toHaveLength(mailed);
  });

  it('lets root (not an admin) or the user set the status back to ok, which lifts the suppression for new mail only', async () => {
    const first = await verifiedOrg(api);
    const second = await verifiedOrg(api);
    const shared = `again-${first.slug}@${first.slug}.example.com`;
    const member = await addMember(api, first, first.rootToken, 'developer', { email: shared });
    const admin = await addMember(api, first, first.rootToken, 'admin');
    const other = await addMember(api, second, second.rootToken, 'developer', { email: shared });
    await handler(bounce(shared, first.orgId), context);

    // Only `ok`, only by root or the user; a refusal changes nothing.
    const wrong = await api.request('PATCH', `/v1/users/${member.id}`, { token: first.rootToken, body: { emailStatus: 'bounced' } });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    const byAdmin = await api.request('PATCH', `/v1/users/${member.id}`, { token: admin.accessToken, body: { emailStatus: 'ok' } });
    expect(byAdmin.status).toBe(403);
    expect(await statusOf(first.orgId, member.id, first.rootToken)).toBe('bounced');
    expect(await suppressionOf(shared)).toBe('bounced');

    const cleared = await api.request('PATCH', `/v1/users/${member.id}`, { token: first.rootToken, body: { emailStatus: 'ok' } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.emailStatus).toBe('ok');
    expect(await suppressionOf(shared)).toBeUndefined();
    const changes = await statusChanges(first.rootToken, member.id);
    expect(changes[0]).toMatchObject({ actor: { id: first.root.id }, details: { from: 'bounced', to: 'ok', reason: 'cleared' } });
    const before = (await emailsTo(shared)).length;
    const reset = await api.request('POST', `/v1/users/${member.id}/password-reset`, { token: first.rootToken });
    expect(reset.body.emailDelivery).toBe('sent');
    expect(await emailsTo(shared)).toHaveLength(before + 1);

    // The other organization's user keeps its status until its own root or itself clears it.
    expect(await statusOf(second.orgId, other.id, second.rootToken)).toBe('bounced');
    const otherReset = await api.request('POST', `/v1/users/${other.id}/password-reset`, { token: second.rootToken });
    expect(otherReset.status).toBe(201);
    expect(otherReset.body.emailDelivery).toBe('suppressed');
    expect(await emailsTo(shared)).toHaveLength(before + 1);
    const mine = await api.request('PATCH', '/v1/me', { token: other.accessToken, body: { emailStatus: 'ok' } });
    expect(mine.status).toBe(200);
    expect(mine.body.emailStatus).toBe('ok');
    expect((await statusChanges(second.rootToken, other.id))[0]).toMatchObject({ actor: { id: other.id }, details: { from: 'bounced', to: 'ok', reason: 'cleared' } });
    expect((await api.request('PATCH', '/v1/me', { token: other.accessToken, body: { emailStatus: 'complained' } })).status).toBe(400);
  });

  it('gives a changed address its own status', async () => {
    const org = await verifiedOrg(api);
    const member = await addMember(api, org, org.rootToken, 'developer');
    const dead = `dead-${org.slug}@${org.slug}.example.com`;
    const holder = await addMember(api, org, org.rootToken, 'developer', { email: dead });
    await handler(bounce(dead, org.orgId), context);
    await api.request('DELETE', `/v1/users/${holder.id}?confirm=${holder.login}`, { token: org.rootToken });

    const moved = await api.request('PATCH', `/v1/users/${member.id}`, { token: org.rootToken, body: { email: dead } });
    expect(moved.status).toBe(200);
    expect(moved.body.emailStatus).toBe('bounced');
    const fresh = `fresh-${org.slug}@${org.slug}.example.com`;
    const back = await api.request('PATCH', `/v1/users/${member.id}`, { token: org.rootToken, body: { email: fresh } });
    expect(back.body.emailStatus).toBe('ok');
    expect((await statusChanges(org.rootToken, member.id)).map((change) => change.details)).toEqual([
      { from: 'bounced', to: 'ok', reason: 'email_changed' },
      { from: 'ok', to: 'bounced', reason: 'email_changed' },
    ]);
    // The verification link for the new address went out; none to the dead one.
    expect((await emailsTo(fresh)).length).toBe(1);
  });

  it('answers 409 email_undeliverable to a verification resend, changing nothing', async () => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, org.root.login, org.root.password);
    await handler(bounce(org.root.email, org.orgId), context);
    const sent = (await emailsTo(org.root.email)).length;
    const me = await api.request('GET', '/v1/me', { token: accessToken });
    expect(me.body.emailStatus).toBe('bounced');

    const resend = await api.request('POST', '/v1/me/email-verification', { token: accessToken });
    expect(resend.status).toBe(409);
    expect(resend.headers.get('content-type')).toContain('application/problem+json');
    expect(resend.body).toMatchObject({ status: 409, code: 'email_undeliverable' });
    expect(await emailsTo(org.root.email)).toHaveLength(sent);
    const after = await api.request('GET', '/v1/me', { token: accessToken });
    expect(after.headers.get('etag')).toBe(me.headers.get('etag'));
    const audit = await api.request('GET', '/v1/audit-events?action=user.email_verification_sent', { token: accessToken });
    expect(audit.body.items).toHaveLength(0);

    // Once the address works again, the resend goes out.
    expect((await api.request('PATCH', '/v1/me', { token: accessToken, body: { emailStatus: 'ok' } })).status).toBe(200);
    expect((await api.request('POST', '/v1/me/email-verification', { token: accessToken })).status).toBe(202);
    expect(await emailsTo(org.root.email)).toHaveLength(sent + 1);
  });

  it('marks a complaint, which a later bounce does not turn back', async () => {
    const org = await verifiedOrg(api);
    const member = await addMember(api, org, org.rootToken, 'admin');
    expect(await handler(complaint(member.email, org.orgId), context)).toEqual({ status: 'complained', recipients: 1, usersMarked: 1 });
    expect(await handler(bounce(member.email, org.orgId), context)).toMatchObject({ usersMarked: 0 });
    expect(await statusOf(org.orgId, member.id, org.rootToken)).toBe('complained');
    expect(await suppressionOf(member.email)).toBe('complained');
    const changes = await statusChanges(org.rootToken, member.id);
    expect(changes.map((change) => change.details)).toEqual([{ from: 'ok', to: 'complained', reason: 'complaint' }]);

    // The forgotten-password answer stays 202, and nothing is sent.
    const before = (await emailsTo(member.email)).length;
    const forgot = await api.request('POST', '/v1/auth/password/forgot', { body: { org: org.slug, login: member.login } });
    expect(forgot.status).toBe(202);
    expect(await emailsTo(member.email)).toHaveLength(before);
  });

  it('simulates SES’s mailbox simulator locally: bounce, complaint and suppression-list addresses', async () => {
    const org = await verifiedOrg(api);
    const invite = (login: string, email: string) =>
      api.request('POST', '/v1/users', { token: org.rootToken, body: { login, name: 'Simulated', email, role: 'developer' } });
    const bounced = `bounce+${org.slug}@simulator.amazonses.com`;
    const complained = `complaint+${org.slug}@simulator.amazonses.com`;
    const listed = `suppressionlist+${org.slug}@simulator.amazonses.com`;

    const first = await invite('sim-bounce', bounced);
    expect(first.body.emailDelivery).toBe('sent');
    expect(await emailsTo(bounced)).toHaveLength(1);
    expect(await statusOf(org.orgId, first.body.user.id, org.rootToken)).toBe('bounced');
    expect((await statusChanges(org.rootToken, first.body.user.id))[0]).toMatchObject({ actor: null, details: { to: 'bounced', reason: 'bounce' } });

    const second = await invite('sim-complaint', complained);
    expect(second.body.emailDelivery).toBe('sent');
    expect(await statusOf(org.orgId, second.body.user.id, org.rootToken)).toBe('complained');

    const third = await invite('sim-listed', listed);
    expect(third.status).toBe(201);
    expect(third.body.emailDelivery).toBe('suppressed');
    expect(await emailsTo(listed)).toHaveLength(0);
  });

  it('changes nothing for a transient bounce or an event that is not SES’s', async () => {
    const org = await verifiedOrg(api);
    const member = await addMember(api, org, org.rootToken, 'developer');
    expect(await handler(bounce(member.email, org.orgId, 'Transient'), context)).toEqual({ recipients: 1, usersMarked: 0 });
    expect(await handler({ source: 'aws.ses', 'detail-type': 'Email Bounced', detail: { eventType: 'Bounce' } }, context)).toEqual({ recipients: 0, usersMarked: 0 });
    expect(await statusOf(org.orgId, member.id, org.rootToken)).toBe('ok');
    expect(await suppressionOf(member.email)).toBeUndefined();
    const reset = await api.request('POST', `/v1/users/${member.id}/password-reset`, { token: org.rootToken });
    expect(reset.body.emailDelivery).toBe('sent');
    // Issue 30's fromAddress quotes a display name only when it needs quoting (RFC 5322 atoms).
    expect((await lastEmailTo(member.email)).from).toBe('Gatehouse <no-reply@gatehouse.local>');
  });
});
