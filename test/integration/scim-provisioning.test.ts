import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { emailsTo, useApi } from '../support/api';
import { type TxtServer, startTxtServer } from '../support/dns-server';
import { newKeyPair } from '../support/saml-forger';
import { scim, scimOrg, scimUser } from '../support/scim';
import { suppress } from '../support/ses-events';
import { testDomain, verifiedDomain } from '../support/sso';

/**
 * shared/api/scim.md "User resource": what a provisioned user is emailed and in which language
 * (the catalogs of shared/email, through the SES emulator), the organization's domains (an SSO
 * connection's domain makes the user active with SSO; a verified domain needs no
 * re-verification), and PATCH's noTarget (RFC 7644 §3.5.2.3, §3.12).
 */
const api = useApi();
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;
const idp = newKeyPair('SCIM test IdP');

let dns: TxtServer;
beforeAll(async () => {
  dns = await startTxtServer();
  process.env.GATEHOUSE_DNS_SERVER = dns.address;
  resetConfig();
});
afterAll(async () => {
  await dns.stop();
  delete process.env.GATEHOUSE_DNS_SERVER;
  resetConfig();
});

const userOf = async (token: string, id: string) => (await api.request('GET', `/v1/users/${id}`, { token })).body;

describe('SCIM emails in the user’s language', () => {
  it('invites a user whose locale is de-AT in German; preferredLanguage counts when locale is absent; unknown languages fall back', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const german = `${unique('anna.')}@example.com`;
    const created = await call('POST', '/Users', scimUser(german, { locale: 'de-AT' }));
    expect(created.status).toBe(201);
    expect(created.body.locale).toBe('de-AT');
    expect(await userOf(org.rootToken, created.body.id)).toMatchObject({ locale: 'de', status: 'pending', managedBy: 'scim' });
    const [invitation, ...more] = await emailsTo(german);
    expect(more).toEqual([]);
    expect(invitation!.subject).toMatch(/^Sie sind zu .+ eingeladen$/);
    expect(invitation!.body.text).toContain('Mein Konto aktivieren');

    const french = `${unique('jean.')}@example.com`;
    const byPreference = await call('POST', '/Users', scimUser(french, { preferredLanguage: 'fr-CA' }));
    expect(await userOf(org.rootToken, byPreference.body.id)).toMatchObject({ locale: 'fr' });
    expect((await emailsTo(french))[0]!.subject).toMatch(/^Vous êtes invité à rejoindre /);

    const portuguese = `${unique('joao.')}@example.com`;
    const regional = await call('POST', '/Users', scimUser(portuguese, { locale: 'pt_PT' }));
    expect(await userOf(org.rootToken, regional.body.id)).toMatchObject({ locale: 'pt-BR' });

    const unknown = `${unique('wei.')}@example.com`;
    const none = await call('POST', '/Users', scimUser(unknown, { locale: 'zh-CN', preferredLanguage: 'de' }));
    expect(await userOf(org.rootToken, none.body.id)).toMatchObject({ locale: null });
    expect((await emailsTo(unknown))[0]!.subject).toMatch(/^You are invited to /);

    // A new address of the pending German user: a new invitation, in the language it now has.
    const moved = `${unique('anna.neu.')}@example.com`;
    const patched = await call('PATCH', `/Users/${created.body.id}`, patch(
      { op: 'Replace', path: 'emails[type eq "work"].value', value: moved },
      { op: 'Replace', path: 'locale', value: 'ja-JP' },
    ));
    expect(patched.status, patched.text).toBe(200);
    expect(await userOf(org.rootToken, created.body.id)).toMatchObject({ locale: 'ja', email: moved });
    expect((await emailsTo(moved))[0]!.subject).toMatch(/ に招待されました$/);
  });
});

describe('SCIM and the organization’s domains', () => {
  it('makes a user of an SSO connection’s domain active with a verified email and sends nothing; other domains are invited', async () => {
    const org = await scimOrg(api);
    const covered = await verifiedDomain(api, dns, org.rootToken, testDomain('scimsso'));
    const verifiedOnly = await verifiedDomain(api, dns, org.rootToken, testDomain('scimverified'));
    const connection = await api.request('POST', '/v1/org/sso/connections', {
      token: org.rootToken,
      body: {
        name: 'Directory IdP', protocol: 'saml', domains: [covered.domain], jit: { enabled: false, defaultRole: 'developer' },
        saml: { entityId: 'https://idp.scim.test', ssoUrl: 'http://127.0.0.1:9/sso', certificates: [idp.certificate] },
      },
    });
    expect(connection.status, connection.text).toBe(201);
    const call = scim(api, org.scimToken);

    const ssoAddress = `${unique('sso.')}@${covered.domain.toUpperCase()}`;
    const bySso = await call('POST', '/Users', scimUser(unique('sso.user.'), { emails: [{ value: ssoAddress, type: 'work', primary: true }] }));
    expect(bySso.status, bySso.text).toBe(201);
    expect(bySso.body.active).toBe(true);
    expect(await userOf(org.rootToken, bySso.body.id)).toMatchObject({ status: 'active', emailVerified: true, managedBy: 'scim' });
    expect(await emailsTo(ssoAddress)).toEqual([]);

    // Verified but no connection: the usual invitation.
    const invited = `${unique('inv.')}@${verifiedOnly.domain}`;
    const pending = await call('POST', '/Users', scimUser(unique('inv.user.'), { emails: [{ value: invited, type: 'work', primary: true }] }));
    expect(await userOf(org.rootToken, pending.body.id)).toMatchObject({ status: 'pending', emailVerified: false });
    expect(await emailsTo(invited)).toHaveLength(1);

    // A disabled connection covers nothing.
    expect((await api.request('PATCH', `/v1/org/sso/connections/${connection.body.id}`, { token: org.rootToken, body: { enabled: false } })).status).toBe(200);
    const afterDisable = `${unique('late.')}@${covered.domain}`;
    const late = await call('POST', '/Users', scimUser(unique('late.user.'), { emails: [{ value: afterDisable, type: 'work', primary: true }] }));
    expect(await userOf(org.rootToken, late.body.id)).toMatchObject({ status: 'pending' });
    expect(await emailsTo(afterDisable)).toHaveLength(1);

    // The active user's email changes: outside the organization's domains it is verified again
    // (link to the new address, notice to the old); into a verified domain it is verified at once.
    const outside = `${unique('outside.')}@example.com`;
    const first = await call('PATCH', `/Users/${bySso.body.id}`, patch({ op: 'replace', path: 'emails[type eq "work"].value', value: outside }));
    expect(first.status, first.text).toBe(200);
    expect(await userOf(org.rootToken, bySso.body.id)).toMatchObject({ email: outside, emailVerified: false });
    expect((await emailsTo(outside)).map((email) => email.subject)).toEqual([expect.stringMatching(/^Verify your email address for /)]);
    expect((await emailsTo(ssoAddress)).map((email) => email.subject)).toEqual([expect.stringMatching(/email address .*changed/i)]);

    const inside = `${unique('inside.')}@${verifiedOnly.domain}`;
    const second = await call('PATCH', `/Users/${bySso.body.id}`, patch({ op: 'replace', path: 'emails[type eq "work"].value', value: inside }));
    expect(second.status, second.text).toBe(200);
    expect(await userOf(org.rootToken, bySso.body.id)).toMatchObject({ email: inside, emailVerified: true });
    expect(await emailsTo(inside)).toEqual([]);
    expect(await emailsTo(outside)).toHaveLength(2);

    // Deactivated and reactivated by the directory: active again (it was never an invitee), nothing sent.
    expect((await call('PATCH', `/Users/${bySso.body.id}`, patch({ op: 'Replace', path: 'active', value: 'False' }))).status).toBe(200);
    expect((await call('PATCH', `/Users/${bySso.body.id}`, patch({ op: 'replace', value: { active: true } }))).status).toBe(200);
    expect(await userOf(org.rootToken, bySso.body.id)).toMatchObject({ status: 'active' });
    expect(await emailsTo(inside)).toEqual([]);
  });

  it('does not trust a domain another organization verified', async () => {
    const owner = await scimOrg(api);
    const theirs = await verifiedDomain(api, dns, owner.rootToken, testDomain('scimother'));
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const address = `${unique('x.')}@${theirs.domain}`;
    const created = await call('POST', '/Users', scimUser(unique('x.user.'), { emails: [{ value: address, type: 'work', primary: true }] }));
    expect(created.status).toBe(201);
    expect(await userOf(org.rootToken, created.body.id)).toMatchObject({ status: 'pending', emailVerified: false });
  });
});

describe('SCIM PATCH noTarget', () => {
  it('answers 400 noTarget for a value filter that matches nothing, and changes nothing', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const created = await call('POST', '/Users', scimUser(unique('target.')));
    const before = (await call('GET', `/Users/${created.body.id}`)).body;
    for (const operations of [
      [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'home@example.com' }],
      [{ op: 'Replace', path: 'displayName', value: 'Changed' }, { op: 'Remove', path: 'emails[type eq "home"].value' }],
      [{ op: 'remove' }],
    ]) {
      const answer = await call('PATCH', `/Users/${created.body.id}`, patch(...operations));
      expect([answer.status, answer.body.scimType], JSON.stringify(operations)).toEqual([400, 'noTarget']);
    }
    expect((await call('GET', `/Users/${created.body.id}`)).body).toEqual(before);
    // The filter that matches still works, and add with a filter creates the entry's value.
    const work = await call('PATCH', `/Users/${created.body.id}`, patch({ op: 'replace', path: 'emails[type eq "work"].value', value: `${unique('new.')}@example.com` }));
    expect(work.status, work.text).toBe(200);
  });
});

describe('SCIM and the deployment’s suppression of an address', () => {
  it('provisions a user of a suppressed address with its status and mails it nothing; a changed address takes its own status', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const complained = `${unique('complained.')}@example.com`;
    await suppress(complained, 'complained');

    const created = await call('POST', '/Users', scimUser(complained));
    expect(created.status, created.text).toBe(201);
    expect(await userOf(org.rootToken, created.body.id)).toMatchObject({ email: complained, status: 'pending', emailStatus: 'complained' });
    expect(await emailsTo(complained)).toEqual([]);
    // The SCIM resource has no emailStatus (shared/api/scim.md "User resource"): the directory is not told.
    const resource = (await call('GET', `/Users/${created.body.id}`)).body;
    expect(resource).not.toHaveProperty('emailStatus');
    expect(JSON.stringify(resource)).not.toMatch(/"(bounced|complained)"/);

    // PATCH and PUT to another address: its own status, audited with the directory as the actor.
    const bounced = `${unique('bounced.')}@example.com`;
    await suppress(bounced, 'bounced');
    const moved = await call('PATCH', `/Users/${created.body.id}`, patch({ op: 'replace', path: 'emails[type eq "work"].value', value: bounced }));
    expect(moved.status, moved.text).toBe(200);
    expect(await userOf(org.rootToken, created.body.id)).toMatchObject({ email: bounced, emailStatus: 'bounced' });
    expect(await emailsTo(bounced)).toEqual([]);
    const fresh = `${unique('fresh.')}@example.com`;
    const replaced = await call('PUT', `/Users/${created.body.id}`, scimUser(fresh));
    expect(replaced.status, replaced.text).toBe(200);
    expect(await userOf(org.rootToken, created.body.id)).toMatchObject({ email: fresh, emailStatus: 'ok' });
    expect(await emailsTo(fresh)).toHaveLength(1);

    const changes = await api.request('GET', `/v1/audit-events?action=user.email_status_changed&target=${created.body.id}`, { token: org.rootToken });
    expect(changes.body.items.map((event: { actor: unknown; details: unknown }) => [event.actor, event.details])).toEqual([
      [{ type: 'scim', id: org.scimTokenId, name: expect.any(String) }, { from: 'bounced', to: 'ok', reason: 'email_changed' }],
      [{ type: 'scim', id: org.scimTokenId, name: expect.any(String) }, { from: 'complained', to: 'bounced', reason: 'email_changed' }],
    ]);
  });
});
