import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { handler as importHandler } from '../../functions/billing-import';
import { addMember, verifiedOrg } from '../support/factories';
import { useApi } from '../support/api';

const api = useApi();
const run = promisify(execFile);

const PROFILE = {
  plan: 'team',
  billingEmail: 'billing@acme.example.com',
  paymentMethod: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
  address: { line1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
};

describe('billing profile', () => {
  it('answers the defaults before any PUT, then is replaced with If-Match and audited', async () => {
    const org = await verifiedOrg(api);
    const initial = await api.request('GET', '/v1/billing', { token: org.rootToken });
    expect(initial.body).toEqual({ plan: 'free', billingEmail: null, paymentMethod: null, address: null, updatedAt: null, version: 0 });
    expect(initial.headers.get('etag')).toBe('"0"');

    const put = await api.request('PUT', '/v1/billing', { token: org.rootToken, body: PROFILE, headers: { 'if-match': '"0"' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ ...PROFILE, version: 1 });
    expect((await api.request('PUT', '/v1/billing', { token: org.rootToken, body: { ...PROFILE, plan: 'business' }, headers: { 'if-match': '"0"' } })).status).toBe(412);
    expect((await api.request('GET', '/v1/billing', { token: org.rootToken })).body.plan).toBe('team');
    const audit = await api.request('GET', '/v1/audit-events?action=billing.updated', { token: org.rootToken });
    expect(audit.body.items[0].details).toMatchObject({ planFrom: 'free', planTo: 'team' });
    expect(audit.text).not.toContain('4242');
  });

  it('refuses anything that looks like a card number, and bad fields, with 400', async () => {
    const org = await verifiedOrg(api);
    const cases = [
      { ...PROFILE, paymentMethod: { ...PROFILE.paymentMethod, last4: '4242424242424242' } },
      { ...PROFILE, address: { ...PROFILE.address, line2: 'card 4242 4242 4242 4242 thanks' } },
      { ...PROFILE, billingEmail: '4111-1111-1111-1111@example.com' },
      { ...PROFILE, address: { ...PROFILE.address, country: 'XX' } },
      { ...PROFILE, address: { ...PROFILE.address, country: 'fr' } },
      { ...PROFILE, plan: 'platinum' },
      { ...PROFILE, paymentMethod: { ...PROFILE.paymentMethod, expMonth: 13 } },
      { ...PROFILE, paymentMethod: { ...PROFILE.paymentMethod, cvc: '123' } },
      { plan: 'team' },
    ];
    for (const body of cases) {
      const answer = await api.request('PUT', '/v1/billing', { token: org.rootToken, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api.request('GET', '/v1/billing', { token: org.rootToken })).body.version).toBe(0);
  });

  it('is the root’s alone; admins see invoices but not the profile; developers neither', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const developer = await addMember(api, org, org.rootToken, 'developer');
    expect((await api.request('GET', '/v1/billing', { token: admin.accessToken })).status).toBe(403);
    expect((await api.request('PUT', '/v1/billing', { token: admin.accessToken, body: PROFILE })).status).toBe(403);
    expect((await api.request('GET', '/v1/billing/invoices', { token: admin.accessToken })).status).toBe(200);
    expect((await api.request('GET', '/v1/billing', { token: developer.accessToken })).status).toBe(403);
    expect((await api.request('GET', '/v1/billing/invoices', { token: developer.accessToken })).status).toBe(403);
  });
});

const invoicesFor = (org: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    org,
    number: `INV-${org.slice(-6)}-${index + 1}`,
    periodStart: `2026-${String(index + 1).padStart(2, '0')}-01`,
    periodEnd: `2026-${String(index + 1).padStart(2, '0')}-28`,
    amountDue: 1000 * (index + 1),
    currency: 'EUR',
    status: 'paid',
  }));

describe('invoices', () => {
  it('are imported by the command, idempotently, and listed newest first with paging', async () => {
    const org = await verifiedOrg(api);
    const file = join(mkdtempSync(join(tmpdir(), 'invoices-')), 'invoices.json');
    writeFileSync(file, JSON.stringify(invoicesFor(org.slug, 5)));
    const stack = inject('localStack');
    const env = { ...process.env, DYNAMODB_PORT: String(stack.dynamoDbPort), TABLE_NAME: stack.tableName };
    const first = await run('npx', ['tsx', 'infra/scripts/import-invoices.ts', file], { env });
    expect(first.stdout).toContain('created 5, updated 0, unchanged 0, errors 0');
    const second = await run('npx', ['tsx', 'infra/scripts/import-invoices.ts', file], { env });
    expect(second.stdout).toContain('created 0, updated 0, unchanged 5, errors 0');

    const page = await api.request('GET', '/v1/billing/invoices?limit=3', { token: org.rootToken });
    expect(page.body.items.map((invoice: { number: string }) => invoice.number)).toEqual([5, 4, 3].map((n) => `INV-${org.slug.slice(-6)}-${n}`));
    const rest = await api.request('GET', `/v1/billing/invoices?limit=3&cursor=${encodeURIComponent(page.body.nextCursor)}`, { token: org.rootToken });
    expect(rest.body.items).toHaveLength(2);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('are refused as a whole when one record is invalid (exit 1, nothing written)', async () => {
    const org = await verifiedOrg(api);
    const file = join(mkdtempSync(join(tmpdir(), 'invoices-')), 'bad.json');
    const records = invoicesFor(org.slug, 3);
    (records[1] as Record<string, unknown>).currency = 'euro';
    writeFileSync(file, JSON.stringify(records));
    const stack = inject('localStack');
    const failed = await run('npx', ['tsx', 'infra/scripts/import-invoices.ts', file], { env: { ...process.env, DYNAMODB_PORT: String(stack.dynamoDbPort), TABLE_NAME: stack.tableName } })
      .then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('record 1');
    expect((await api.request('GET', '/v1/billing/invoices', { token: org.rootToken })).body.items).toHaveLength(0);
  });

  it('are imported by the internal Lambda the same way, and a changed status updates in place', async () => {
    const org = await verifiedOrg(api);
    const records = invoicesFor(org.orgId, 2).map((invoice) => ({ ...invoice, status: 'open' }));
    const context = { awsRequestId: 'test' } as never;
    expect(await importHandler({ invoices: records }, context)).toMatchObject({ created: 2, errors: [] });
    expect(await importHandler({ invoices: records.map((invoice) => ({ ...invoice, status: 'paid' })) }, context)).toMatchObject({ updated: 2, created: 0 });
    const listed = await api.request('GET', '/v1/billing/invoices', { token: org.rootToken });
    expect(listed.body.items.map((invoice: { status: string }) => invoice.status)).toEqual(['paid', 'paid']);
    expect((await importHandler({ invoices: [{ ...records[0], org: 'no-such-org-here' }] }, context)).errors[0]!.message).toContain('no organization');
    expect((await importHandler({ invoices: 'nope' }, context)).errors).not.toHaveLength(0);
  });
});

describe('seed', () => {
  it('fills the demo organization, and running it again changes nothing', async () => {
    const stack = inject('localStack');
    const env = { ...process.env, DYNAMODB_PORT: String(stack.dynamoDbPort), SES_PORT: String(stack.sesPort), TABLE_NAME: stack.tableName, LOCAL_KEY_FILE: join(stack.dataDir, 'keys.json') };
    const first = await run('npx', ['tsx', 'infra/scripts/seed.ts'], { env });
    expect(first.stdout).toContain('Demo organization "demo" is ready');
    const second = await run('npx', ['tsx', 'infra/scripts/seed.ts'], { env });
    expect(second.stdout).toContain('created 0, updated 0, unchanged 12');
    const login = await api.request('POST', '/v1/auth/login', { body: { org: 'demo', login: 'ada', password: 'seeded people passphrase 2026' } });
    expect(login.status).toBe(200);
    const users = await api.request('GET', '/v1/users', { token: login.body.accessToken });
    expect(users.body.items.map((user: { login: string }) => user.login)).toEqual(['ada', 'ci-bot', 'dev', 'grace', 'newbie', 'owner']);
    expect((await api.request('GET', '/v1/billing/invoices?limit=100', { token: login.body.accessToken })).body.items).toHaveLength(12);
  });
});
