import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEventRunner, type EventRunner } from '../../infra/local/event-runner';
import { clock } from '../../shared/clock';
import { resetConfig } from '../../shared/config';
import { getEndpoint } from '../../shared/data/events';
import { jitter } from '../../shared/events/sender';
import { useApi } from '../support/api';
import { addMember, verifiedOrg } from '../support/factories';
import { withLimits } from '../support/limits';

const api = useApi();

// This file's own bus file, so what it reads is what its runner wrote.
const busFile = join(mkdtempSync(join(tmpdir(), 'gatehouse-events-')), 'events.jsonl');
process.env.GATEHOUSE_EVENTS_FILE = busFile;
resetConfig();

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback: records every request; a path's scripted answers come first, then 204. */
const received: Received[] = [];
const scripted = new Map<string, number[]>();
let receiver: Server;
let receiverUrl = '';

let runner: EventRunner;
const realNow = clock.now;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = scripted.get(path)?.shift() ?? 204;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? `answer ${status}` : '');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // Starts at the stream's end: this file's runner handles what this file does.
  runner = await startEventRunner({ reader: `events-test-${process.pid}-${Date.now()}`, startAt: 'latest' });
  await runner.pollStream();
});

afterAll(async () => {
  await runner.stop();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

afterEach(() => {
  clock.now = realNow;
  jitter.factor = () => 0.9 + Math.random() * 0.2;
});

/** Drives the runner (stream, then queues) until `done` holds; the stream shows a write within about a second. */
async function until(done: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runner.pollStream();
    await runner.pumpQueues();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for events');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const receivedAt = (path: string) => received.filter((request) => request.path === path);
const idsAt = (path: string) => receivedAt(path).map((request) => String(request.headers['webhook-id']));

async function addEndpoint(token: string, path: string, events: string[] = ['*']) {
  const answer = await api.request('POST', '/v1/org/webhooks', { token, body: { url: `${receiverUrl}${path}`, events, description: `receiver ${path}` } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { id: string; secret: string };
}

/** The organization's catalog events as the audit log lists them, oldest first. */
async function auditIds(token: string, actions?: string[]): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.request('GET', `/v1/audit-events?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    ids.push(...page.body.items.filter((event: { action: string }) => !actions || actions.includes(event.action)).map((event: { id: string }) => event.id));
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return ids.reverse();
}

async function allEvents(token: string, query = ''): Promise<Array<{ id: string; type: string; org: string; timestamp: string; actor: { type: string; id: string | null }; data: any; previous?: any }>> {
  const items = [];
  let after: string | undefined;
  for (;;) {
    const page = await api.request('GET', `/v1/events?limit=100${query}${after ? `&after=${encodeURIComponent(after)}` : ''}`, { token });
    expect(page.status, page.text).toBe(200);
    if (!page.body.items.length) return items;
    items.push(...page.body.items);
    after = page.body.nextCursor;
  }
}

const sidOf = (accessToken: string): string => JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sid;

const busLines = (): Array<{ source: string; 'detail-type': string; detail: { id: string; org: string } }> =>
  existsSync(busFile) ? readFileSync(busFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];

describe('webhooks, the events API and the bus, from the audit log', () => {
  it('delivers every catalog event signed (standardwebhooks verifies it), and the events API and the bus carry the same ids', async () => {
    const org = await verifiedOrg(api);
    const { secret } = await addEndpoint(org.rootToken, '/all');
    const member = await addMember(api, org, org.rootToken, 'developer');
    expect((await api.request('PATCH', `/v1/users/${member.id}`, { token: org.rootToken, body: { role: 'admin' } })).status).toBe(200);
    expect((await api.request('DELETE', `/v1/users/${member.id}?confirm=${member.login}`, { token: org.rootToken })).status).toBe(204);

    // Issue 24: a sign-in writes `session.created`, a catalog event; accepting the invitation signs
    // the member in, and deleting it ends that session (`session.ended`, in the deletion's transaction).
    const catalogActions = ['user.invited', 'user.activated', 'session.created', 'user.role_changed', 'user.deleted', 'session.ended'];
    // Only what came after the endpoint: not the owner's sign-in when the organization was made.
    const sinceEndpoint = await auditIds(org.rootToken, ['webhook.created', ...catalogActions]);
    const [endpointCreated] = await auditIds(org.rootToken, ['webhook.created']);
    const expected = sinceEndpoint.slice(sinceEndpoint.indexOf(endpointCreated!) + 1);
    expect(expected).toHaveLength(6);
    await until(() => expected.every((id) => idsAt('/all').includes(id)));

    const deliveries = receivedAt('/all');
    for (const delivery of deliveries) {
      // The package's own verification, unchanged: signature, id and timestamp.
      const payload = new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>) as { id: string };
      expect(payload.id).toBe(delivery.headers['webhook-id']);
      expect(delivery.headers['user-agent']).toBe('Gatehouse-Webhooks/1');
      expect(delivery.body).not.toMatch(/argon2|"password"|"token"|"secret"|whsec_|#token=/i);
    }
    // The same ids as the audit log, each once, only events after the endpoint existed (order
    // per endpoint is best effort; the events API below has the one order).
    expect([...idsAt('/all')].sort()).toEqual([...expected].sort());
    const byType = Object.fromEntries(deliveries.map((delivery) => [JSON.parse(delivery.body).type, JSON.parse(delivery.body)]));
    expect(Object.keys(byType).sort()).toEqual(['session.created', 'session.ended', 'user.activated', 'user.created', 'user.deleted', 'user.role_changed']);
    expect(byType['session.ended'].data).toEqual({ userId: member.id, sessions: [sidOf(member.accessToken)], reason: 'user_deleted' });
    expect(byType['user.role_changed']).toMatchObject({ org: org.orgId, actor: { type: 'user', id: org.root.id }, data: { id: member.id, role: 'admin' }, previous: { role: 'developer' } });
    expect(byType['user.deleted'].data).toMatchObject({ id: member.id, login: member.login });
    expect(byType['user.activated'].actor).toEqual({ type: 'user', id: member.id });
    expect(byType['session.created'].actor).toEqual({ type: 'user', id: member.id });

    // The events API: every catalog event of the organization, oldest first, the same ids and bytes.
    // (Events written in one transaction share a time; the audit log and the stream may order those two differently.)
    const everyCatalogId = await auditIds(org.rootToken, ['org.created', 'user.created', 'user.email_verified', ...catalogActions]);
    const events = await allEvents(org.rootToken);
    expect(events.map((event) => event.id).sort()).toEqual([...everyCatalogId].sort());
    const times = events.map((event) => event.timestamp);
    expect(times).toEqual([...times].sort());
    expect(events.map((event) => event.type)).toEqual([
      ...events.slice(0, 2).map((event) => event.type).sort(), 'user.updated', 'session.created', 'user.created', 'user.activated', 'session.created', 'user.role_changed',
      ...events.slice(-2).map((event) => event.type),
    ]);
    expect(events.slice(0, 2).map((event) => event.type).sort()).toEqual(['org.created', 'user.created']);
    expect(events.slice(-2).map((event) => event.type).sort()).toEqual(['session.ended', 'user.deleted']);
    const polled = await api.request('GET', `/v1/events?limit=100&type=user.role_changed`, { token: org.rootToken });
    expect(polled.body.items).toHaveLength(1);
    expect(JSON.stringify(polled.body.items[0])).toBe(deliveries.find((delivery) => delivery.headers['webhook-id'] === polled.body.items[0].id)!.body);
    // Caught up: an empty page, and a cursor to ask again with.
    const caughtUp = await api.request('GET', `/v1/events?after=${encodeURIComponent(polled.body.nextCursor)}&type=user.role_changed`, { token: org.rootToken });
    expect(caughtUp.body).toEqual({ items: [], nextCursor: expect.any(String) });

    // The operator's bus: the same ids, shaped as EventBridge hands them to a target.
    const bus = busLines().filter((line) => line.detail.org === org.orgId);
    expect(bus.map((line) => line.detail.id)).toEqual(events.map((event) => event.id));
    expect(bus.every((line) => line.source === 'gatehouse')).toBe(true);
    expect(bus.map((line) => line['detail-type'])).toEqual(events.map((event) => event.type));

    // The delivery log: each delivery succeeded at its first attempt.
    const endpoints = await api.request('GET', '/v1/org/webhooks', { token: org.rootToken });
    const log = await api.request('GET', `/v1/org/webhooks/${endpoints.body.items[0].id}/deliveries`, { token: org.rootToken });
    expect(log.body.items.map((item: { eventId: string }) => item.eventId)).toEqual([...expected].reverse());
    expect(log.body.items.every((item: { status: string; attempts: unknown[] }) => item.status === 'succeeded' && item.attempts.length === 1)).toBe(true);
    expect(JSON.stringify(endpoints.body)).not.toContain(secret);
  });

  it('carries in each event the state written with its change, however late it is dispatched', async () => {
    const org = await verifiedOrg(api);
    const member = await addMember(api, org, org.rootToken, 'developer');
    await until(async () => (await allEvents(org.rootToken)).some((event) => event.type === 'session.created' && event.data.userId === member.id));
    const seen = new Set((await allEvents(org.rootToken)).map((event) => event.id));

    // Two changes of each kind, one right after the other, before the dispatcher reads any of them.
    const patch = (body: Record<string, unknown>) => api.request('PATCH', `/v1/users/${member.id}`, { token: org.rootToken, body });
    expect((await patch({ name: 'First Name' })).status).toBe(200);
    expect((await patch({ name: 'Second Name' })).status).toBe(200);
    expect((await patch({ role: 'admin' })).status).toBe(200);
    expect((await patch({ role: 'developer' })).status).toBe(200);
    expect((await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { name: 'Renamed Once' } })).status).toBe(200);
    expect((await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { name: 'Renamed Twice' } })).status).toBe(200);
    const created = await api.request('POST', '/v1/me/api-tokens', { token: member.accessToken, body: { name: 'ci' } });
    expect(created.status, created.text).toBe(201);
    expect((await api.request('DELETE', `/v1/me/api-tokens/${created.body.id}`, { token: member.accessToken })).status).toBe(204);
    expect((await api.request('POST', '/v1/auth/logout', { body: { refreshToken: member.refreshToken } })).status).toBe(204);
    // The member is deleted before any of it is dispatched: nothing can be read back afterwards.
    expect((await api.request('DELETE', `/v1/users/${member.id}?confirm=${member.login}`, { token: org.rootToken })).status).toBe(204);

    let fresh: Awaited<ReturnType<typeof allEvents>> = [];
    await until(async () => {
      fresh = (await allEvents(org.rootToken)).filter((event) => !seen.has(event.id));
      return fresh.some((event) => event.type === 'user.deleted');
    });
    const of = (type: string) => fresh.filter((event) => event.type === type);
    expect(of('user.updated').map((event) => [event.data.name, event.previous])).toEqual([
      ['First Name', { name: 'Test developer' }],
      ['Second Name', { name: 'First Name' }],
    ]);
    expect(of('user.role_changed').map((event) => [event.data.role, event.previous])).toEqual([
      ['admin', { role: 'developer' }],
      ['developer', { role: 'admin' }],
    ]);
    expect(of('user.role_changed').map((event) => event.data.version)).toEqual([of('user.updated')[1]!.data.version + 1, of('user.updated')[1]!.data.version + 2]);
    expect(of('org.updated').map((event) => [event.data.name, event.previous])).toEqual([
      ['Renamed Once', { name: expect.any(String) }],
      ['Renamed Twice', { name: 'Renamed Once' }],
    ]);
    // api_token.*: the token as listed, never the token itself.
    const [tokenCreated] = of('api_token.created');
    expect(tokenCreated!.data).toEqual({
      id: created.body.id, userId: member.id, name: 'ci', prefix: created.body.prefix, scopes: null,
      createdAt: created.body.createdAt, expiresAt: created.body.expiresAt, lastUsedAt: null,
    });
    expect(JSON.stringify(fresh)).not.toContain(created.body.token);
    expect(of('api_token.revoked')[0]!.data).toMatchObject({ id: created.body.id, userId: member.id, name: 'ci' });
    // Sign-out fires session.ended (reason logout); deletion finds no session left to end.
    expect(of('session.ended').map((event) => event.data)).toEqual([{ userId: member.id, sessions: [sidOf(member.accessToken)], reason: 'logout' }]);
    expect(of('session.ended')[0]!.actor).toEqual({ type: 'user', id: member.id });
    expect(of('user.deleted')[0]!.data).toMatchObject({ id: member.id, name: 'Second Name', role: 'developer' });
  });

  it('session.created carries the session, and the root at sign-up is a user.created', async () => {
    const org = await verifiedOrg(api);
    await until(async () => (await allEvents(org.rootToken)).some((event) => event.type === 'session.created'));
    const events = await allEvents(org.rootToken);
    const rootCreated = events.find((event) => event.type === 'user.created');
    expect(rootCreated!.data).toMatchObject({ id: org.root.id, role: 'root', status: 'active' });
    const session = events.find((event) => event.type === 'session.created')!;
    expect(session.data).toEqual({
      id: sidOf(org.rootToken), userId: org.root.id, client: expect.any(String), ip: '127.0.0.1', userAgent: expect.toBeOneOf([null, expect.any(String)]),
      browser: expect.toBeOneOf([null, expect.any(String)]), os: expect.toBeOneOf([null, expect.any(String)]), mfa: false,
      createdAt: expect.any(String), expiresAt: expect.any(String),
    });
  });

  it('retries a 500 on the schedule (5 s), then succeeds with the same webhook-id; the log shows both attempts', async () => {
    const org = await verifiedOrg(api);
    const endpoint = await addEndpoint(org.rootToken, '/flaky', ['org.updated']);
    scripted.set('/flaky', [500]);
    jitter.factor = () => 1;
    expect((await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { name: 'Renamed Org' } })).status).toBe(200);
    await until(() => receivedAt('/flaky').length === 1);

    const deliveries = async () => (await api.request('GET', `/v1/org/webhooks/${endpoint.id}/deliveries`, { token: org.rootToken })).body.items;
    const [pending] = await deliveries();
    expect(pending).toMatchObject({ status: 'pending', eventType: 'org.updated', attempts: [{ responseStatus: 500, error: null, responseExcerpt: 'answer 500' }] });
    expect(Date.parse(pending.nextAttemptAt) - Date.parse(pending.attempts[0].at)).toBe(5000);

    // Not due yet: nothing is sent however often the queue is read.
    await runner.pumpQueues();
    expect(receivedAt('/flaky')).toHaveLength(1);
    // Five seconds later (the clock moved, not slept through) the retry goes out.
    const start = realNow();
    clock.now = () => realNow() - start + Date.parse(pending.nextAttemptAt) + 10;
    await until(() => receivedAt('/flaky').length === 2);
    const [first, second] = receivedAt('/flaky');
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(Number(second!.headers['webhook-timestamp'])).toBeGreaterThan(Number(first!.headers['webhook-timestamp']));
    new Webhook(endpoint.secret).verify(second!.body, second!.headers as Record<string, string>);
    await until(async () => (await deliveries())[0].status === 'succeeded');
    const [done] = await deliveries();
    expect(done.attempts.map((attempt: { responseStatus: number }) => attempt.responseStatus)).toEqual([500, 204]);
    expect(done.nextAttemptAt).toBeNull();
    expect(JSON.parse(second!.body)).toMatchObject({ type: 'org.updated', data: { name: 'Renamed Org' }, previous: { name: 'Acme Test' } });
  });

  it('retries one delivery by hand, sends a test event, and signs with the old and new secrets during a rotation', async () => {
    const org = await verifiedOrg(api);
    const endpoint = await addEndpoint(org.rootToken, '/manual');
    const test = await api.request('POST', `/v1/org/webhooks/${endpoint.id}/test`, { token: org.rootToken });
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
    await until(() => receivedAt('/manual').length === 1);
    expect(JSON.parse(receivedAt('/manual')[0]!.body)).toMatchObject({ type: 'webhook.test', data: { endpointId: endpoint.id } });

    const retried = await api.request('POST', `/v1/org/webhooks/${endpoint.id}/deliveries/${test.body.id}/retry`, { token: org.rootToken });
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe('pending');
    await until(() => receivedAt('/manual').length === 2);
    expect(receivedAt('/manual')[1]!.headers['webhook-id']).toBe(receivedAt('/manual')[0]!.headers['webhook-id']);

    const rotated = await api.request('POST', `/v1/org/webhooks/${endpoint.id}/rotate-secret`, { token: org.rootToken, body: {} });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(86_000_000);
    await api.request('POST', `/v1/org/webhooks/${endpoint.id}/test`, { token: org.rootToken });
    await until(() => receivedAt('/manual').length === 3);
    const overlap = receivedAt('/manual')[2]!;
    expect(String(overlap.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [rotated.body.secret, endpoint.secret]) new Webhook(secret).verify(overlap.body, overlap.headers as Record<string, string>);

    // Rotating again without overlap ends the old secrets at once.
    const again = await api.request('POST', `/v1/org/webhooks/${endpoint.id}/rotate-secret`, { token: org.rootToken, body: { overlapSeconds: 0 } });
    expect(again.body.previousSecretExpiresAt).toBeNull();
    await api.request('POST', `/v1/org/webhooks/${endpoint.id}/test`, { token: org.rootToken });
    await until(() => receivedAt('/manual').length === 4);
    const single = receivedAt('/manual')[3]!;
    new Webhook(again.body.secret).verify(single.body, single.headers as Record<string, string>);
    expect(() => new Webhook(rotated.body.secret).verify(single.body, single.headers as Record<string, string>)).toThrow();

    // Disabled: a retry is refused; PATCH enabled:false says why.
    const disabled = await api.request('PATCH', `/v1/org/webhooks/${endpoint.id}`, { token: org.rootToken, body: { enabled: false } });
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'manual' });
    const refused = await api.request('POST', `/v1/org/webhooks/${endpoint.id}/deliveries/${test.body.id}/retry`, { token: org.rootToken });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('endpoint_disabled');
  });

  it('disables an endpoint that answers 410, or that failed every attempt for 5 days, and emails the root', async () => {
    const org = await verifiedOrg(api);
    const gone = await addEndpoint(org.rootToken, '/gone', ['org.updated']);
    const failing = await addEndpoint(org.rootToken, '/failing', ['org.updated']);
    scripted.set('/gone', [410]);
    scripted.set('/failing', [500, 500]);
    jitter.factor = () => 1;
    await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { name: 'Gone Org' } });
    await until(() => receivedAt('/gone').length === 1 && receivedAt('/failing').length === 1);
    const state = async (id: string) => (await api.request('GET', `/v1/org/webhooks/${id}`, { token: org.rootToken })).body;
    await until(async () => (await state(gone.id)).enabled === false);
    expect(await state(gone.id)).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect((await state(failing.id)).enabled).toBe(true);

    // Five days and a bit later (the clock moved), the next attempt fails too: disabled as failing.
    const start = realNow();
    clock.now = () => realNow() - start + start + 5 * 86_400_000 + 60_000;
    await until(() => receivedAt('/failing').length === 2);
    // Read from the table while the clock is moved (access tokens would have expired by it).
    await until(async () => (await getEndpoint(org.orgId, failing.id))?.enabled === false);
    clock.now = realNow;
    expect(await state(failing.id)).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const [delivery] = (await api.request('GET', `/v1/org/webhooks/${failing.id}/deliveries`, { token: org.rootToken })).body.items;
    expect(delivery).toMatchObject({ status: 'failed', nextAttemptAt: null });

    const { emailsTo } = await import('../support/api');
    const notices = (await emailsTo(org.root.email)).filter((email) => /webhook endpoint/.test(email.subject));
    expect(notices.map((email) => email.body.text ?? '')).toEqual([expect.stringContaining('410 Gone'), expect.stringContaining('failed for 5 days')]);
  });

  it('sends the disabled notice and queued invitations as catalog emails: the recipient’s language, the organization’s brand', async () => {
    const org = await verifiedOrg(api);
    const branded = await api.request('PUT', '/v1/org/branding', { token: org.rootToken, body: { defaultLocale: 'de', fromName: 'Haken Support' } });
    expect(branded.status, branded.text).toBe(200);
    const gone = await addEndpoint(org.rootToken, '/gone-de', ['org.updated']);
    scripted.set('/gone-de', [410]);
    expect((await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { name: 'Haken GmbH' } })).status).toBe(200);
    await until(async () => (await getEndpoint(org.orgId, gone.id))?.enabled === false);

    const { emailsTo } = await import('../support/api');
    const [notice] = (await emailsTo(org.root.email)).filter((email) => email.subject.includes('Webhook'));
    expect(notice!.subject).toBe('Ein Webhook-Endpunkt von Haken GmbH wurde deaktiviert');
    expect(notice!.body.text).toContain(`Der Webhook-Endpunkt „receiver /gone-de“ unter ${receiverUrl}/gone-de wurde deaktiviert: er hat mit 410 Gone geantwortet.`);
    expect(notice!.body.text).toContain('/settings/webhooks');
    expect(notice!.from).toContain('Haken Support');

    // A queued import invitation is the same `invitation` email as a direct one.
    const direct = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'direkt', name: 'Direkt Eingeladen', email: `direkt@${org.slug}.example.com`, role: 'developer' } });
    expect(direct.status, direct.text).toBe(201);
    const rows = [{ login: 'importiert', name: 'Importiert Eins', email: `importiert@${org.slug}.example.com`, role: 'developer' }];
    const imported = await api.request('POST', '/v1/users/import', { token: org.rootToken, body: { users: rows, sendInvitations: true } });
    expect(imported.body.items[0]).toMatchObject({ status: 'created', emailDelivery: 'queued' });
    await until(async () => (await emailsTo(`importiert@${org.slug}.example.com`)).length === 1);
    const [queued] = await emailsTo(`importiert@${org.slug}.example.com`);
    const [sent] = await emailsTo(`direkt@${org.slug}.example.com`);
    expect(queued!.subject).toBe('Sie sind zu Haken GmbH eingeladen');
    expect(queued!.subject).toBe(sent!.subject);
    expect(queued!.from).toBe(sent!.from);
    expect(queued!.body.text).toContain('Hallo Importiert Eins,');
    expect(queued!.body.text).toContain('„importiert“');
    expect(queued!.body.text).toMatch(/\/activate\?lang=de#token=/);
  });

  it('refuses private and non-https addresses, bad event lists, and anyone but root', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const create = (body: Record<string, unknown>, token = org.rootToken) => api.request('POST', '/v1/org/webhooks', { token, body });
    for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/latest', 'https://169.254.169.254/', 'https://[fd00:ec2::254]/', 'https://100.100.100.200/', 'https://[::ffff:10.0.0.1]/', 'https://0xa000001/', 'ftp://example.com/', 'http://example.com/', 'https://metadata.internal/', 'https://printer.local/']) {
      const answer = await create({ url, events: ['*'] });
      expect(answer.status, url).toBe(400);
      expect(answer.body.code, url).toBe('url_not_allowed');
    }
    for (const url of ['not a url', 'https://user:pw@example.com/', 'https://example.com/#frag']) {
      expect((await create({ url, events: ['*'] })).body.code, url).toBe('validation_failed');
    }
    expect((await create({ url: 'https://example.com/', events: [] })).body.code).toBe('validation_failed');
    expect((await create({ url: 'https://example.com/', events: ['*', 'user.created'] })).body.code).toBe('validation_failed');
    expect((await create({ url: 'https://example.com/', events: ['user.created', 'user.created'] })).body.code).toBe('validation_failed');
    expect((await create({ url: 'https://example.com/', events: ['user.exploded'] })).body.code).toBe('unknown_event_type');
    expect((await create({ url: 'https://example.com/', events: ['*'] }, admin.accessToken)).status).toBe(403);
    expect((await api.request('GET', '/v1/org/webhooks', { token: admin.accessToken })).status).toBe(403);
    expect((await api.request('GET', '/v1/events', { token: admin.accessToken })).status).toBe(200);
    expect((await api.request('GET', '/v1/events/types', { token: admin.accessToken })).body.items.map((item: { type: string }) => item.type)).toContain('user.role_changed');
    expect((await api.request('GET', '/v1/events?type=user.exploded', { token: admin.accessToken })).body.code).toBe('unknown_event_type');
    expect((await api.request('GET', '/v1/events?after=garbage', { token: admin.accessToken })).body.code).toBe('invalid_cursor');
    // Loopback is the local stack's exception, in any notation.
    expect((await create({ url: 'http://0x7f000001:9/x', events: ['*'] })).status).toBe(201);
    expect((await create({ url: 'http://localhost:9/x', events: ['user.created'] })).status).toBe(201);
    const secretless = await api.request('GET', '/v1/org/webhooks', { token: org.rootToken });
    expect(secretless.text).not.toContain('whsec_');
    expect((await api.request('GET', '/v1/audit-events?action=webhook.created', { token: org.rootToken })).text).not.toContain('whsec_');
  });

  it('keeps organizations apart: endpoints, deliveries, events and cursors', async () => {
    const a = await verifiedOrg(api);
    const b = await verifiedOrg(api);
    const endpointA = await addEndpoint(a.rootToken, '/tenant-a');
    await addEndpoint(b.rootToken, '/tenant-b');
    await api.request('PATCH', '/v1/org', { token: a.rootToken, body: { name: 'Only A' } });
    const [renamed] = await auditIds(a.rootToken, ['org.renamed']);
    await until(() => idsAt('/tenant-a').includes(renamed!));
    const eventsB = await allEvents(b.rootToken);
    expect(eventsB.length).toBeGreaterThan(0);
    expect(eventsB.every((event) => event.org === b.orgId)).toBe(true);
    expect(idsAt('/tenant-b')).not.toContain(renamed);
    expect((await api.request('GET', `/v1/org/webhooks/${endpointA.id}`, { token: b.rootToken })).status).toBe(404);
    expect((await api.request('PATCH', `/v1/org/webhooks/${endpointA.id}`, { token: b.rootToken, body: { enabled: false } })).status).toBe(404);
    expect((await api.request('GET', `/v1/org/webhooks/${endpointA.id}/deliveries`, { token: b.rootToken })).status).toBe(404);
    const deliveryA = (await api.request('GET', `/v1/org/webhooks/${endpointA.id}/deliveries`, { token: a.rootToken })).body.items[0];
    expect((await api.request('POST', `/v1/org/webhooks/${endpointA.id}/deliveries/${deliveryA.id}/retry`, { token: b.rootToken })).status).toBe(404);
    const cursorA = (await api.request('GET', '/v1/events?limit=1', { token: a.rootToken })).body.nextCursor;
    const foreign = await api.request('GET', `/v1/events?after=${encodeURIComponent(cursorA)}`, { token: b.rootToken });
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('invalid_cursor');
  });
});

describe('bulk invitations on the asynchronous path', () => {
  it('answers an import of 500 invitations at once, then sends each exactly once at the configured pace', async () => {
    process.env.GATEHOUSE_EMAIL_RATE_PER_SECOND = '50';
    resetConfig();
    try {
      const org = await verifiedOrg(api);
      const users = Array.from({ length: 500 }, (_, index) => ({ login: `bulk-${index}`, name: `Bulk ${index}`, email: `bulk-${index}@${org.slug}.example.com`, role: 'developer' }));
      const answer = await api.request('POST', '/v1/users/import', { token: org.rootToken, body: { users, sendInvitations: true } });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.items.every((item: { status: string; emailDelivery: string }) => item.status === 'created' && item.emailDelivery === 'queued')).toBe(true);

      const store = async () => {
        const { inject } = await import('vitest');
        const response = await fetch(`http://127.0.0.1:${inject('localStack').sesPort}/store`);
        const { emails } = (await response.json()) as { emails: Array<{ destination: { to: string[] }; at: number; body: { text: string } }> };
        return emails.filter((email) => email.destination.to.some((to) => to.includes(`@${org.slug}.example.com`) && to.includes('bulk-')));
      };
      // The pace is the runner's, against the clock: each second of the (moved, not slept through)
      // clock sends at most the configured rate, and pumping again within that second sends none.
      const start = Math.floor(realNow() / 1000) * 1000;
      const sentPerSecond: number[] = [];
      for (let second = 0; (await store()).length < 500; second += 1) {
        expect(second, 'the 500 invitations were not all sent').toBeLessThan(400);
        clock.now = () => start + second * 1000 + 250;
        await runner.pollStream();
        const before = (await store()).length;
        await runner.pumpQueues();
        const sent = (await store()).length - before;
        await runner.pumpQueues();
        expect((await store()).length - before, 'a second pump within the same second sends nothing').toBe(sent);
        sentPerSecond.push(sent);
        // Nothing was ready yet: the stream shows the import's writes within about a second.
        if (!sent) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Everything queued was handled; reading the stream and queues again sends nothing more.
      clock.now = () => start + (sentPerSecond.length + 60) * 1000;
      await runner.pollStream();
      await runner.pumpQueues();
      clock.now = realNow;
      const emails = await store();
      const perAddress = new Map<string, number>();
      for (const email of emails) for (const to of email.destination.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
      expect(perAddress.size).toBe(500);
      expect([...perAddress.values()].every((count) => count === 1)).toBe(true);
      expect(Math.max(...sentPerSecond)).toBe(50);
      expect(sentPerSecond.reduce((sum, sent) => sum + sent, 0)).toBe(500);
      // Each link works: it was made when its email was sent.
      const link = /#token=([\w%-]+)/.exec(emails[0]!.body.text)![1]!;
      const activated = await api.request('POST', '/v1/auth/activate', { body: { token: decodeURIComponent(link), password: 'a long enough passphrase here' } });
      expect(activated.status, activated.text).toBe(200);
    } finally {
      delete process.env.GATEHOUSE_EMAIL_RATE_PER_SECOND;
      resetConfig();
    }
  }, 150_000);

  it('drops a queued invitation whose recipient is over its hourly limit: not sent, the user stays pending', async () => {
    const shared = `imported-${process.pid}-${Date.now()}@shared.example.com`;
    const first = await verifiedOrg(api);
    const second = await verifiedOrg(api);
    const sentTo = async () => {
      const { inject } = await import('vitest');
      const response = await fetch(`http://127.0.0.1:${inject('localStack').sesPort}/store`);
      const { emails } = (await response.json()) as { emails: Array<{ destination: { to: string[] } }> };
      return emails.filter((email) => email.destination.to.includes(shared)).length;
    };
    const importOne = async (org: { rootToken: string }) => {
      const answer = await api.request('POST', '/v1/users/import', {
        token: org.rootToken,
        body: { users: [{ login: 'imported', name: 'Imported', email: shared, role: 'developer' }], sendInvitations: true },
      });
      expect(answer.status, answer.text).toBe(200);
      return answer.body.items[0].userId as string;
    };
    // Drains the stream and the queue until the queue has nothing left for this file.
    const drain = async () => {
      for (let round = 0; round < 30; round += 1) {
        await runner.pollStream();
        if (!(await runner.pumpQueues()) && round > 3) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    await withLimits({ GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: '1', GATEHOUSE_EMAIL_RATE_PER_SECOND: '1000' }, async () => {
      await importOne(first);
      await drain();
      expect(await sentTo()).toBe(1);

      // The same address imported by another organization within the hour.
      const userId = await importOne(second);
      await drain();
      expect(await sentTo(), 'the second invitation within the hour was sent').toBe(1);
      const user = await api.request('GET', `/v1/users/${userId}`, { token: second.rootToken });
      expect(user.status, user.text).toBe(200);
      expect(user.body.status).toBe('pending');
      // Dropped, not failed: reading the queue again does not bring it back.
      await drain();
      expect(await sentTo()).toBe(1);
    });
  }, 60_000);
});

describe('the local dispatcher killed mid-burst', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  const startChild = async (reader: string) => {
    const started = spawn(process.execPath, ['--import', 'tsx', 'test/support/event-runner-process.ts'], {
      env: { ...process.env, EVENT_READER: reader, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      started.stdout!.on('data', (chunk) => String(chunk).includes('ready') && resolve());
      started.once('exit', (code) => reject(new Error(`the runner exited (${code})`)));
    });
    return started;
  };

  it('loses no event: every audit id of a 200-user burst arrives at least once after a restart', async () => {
    const org = await verifiedOrg(api);
    await addEndpoint(org.rootToken, '/burst', ['user.created', 'org.updated']);
    const reader = `killable-${process.pid}-${Date.now()}`;
    child = await startChild(reader);
    // One event first, so the reader has saved a position before the burst.
    await api.request('PATCH', '/v1/org', { token: org.rootToken, body: { name: 'Before the burst' } });
    const deadline = Date.now() + 30_000;
    while (idsAt('/burst').length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(idsAt('/burst')).toHaveLength(1);

    const users = Array.from({ length: 200 }, (_, index) => ({ login: `burst-${index}`, name: `Burst ${index}`, email: `burst-${index}@${org.slug}.example.com`, role: 'developer' }));
    const answer = await api.request('POST', '/v1/users/import', { token: org.rootToken, body: { users } });
    expect(answer.status).toBe(200);
    // Killed mid-burst, once some deliveries went out and before all did.
    while (idsAt('/burst').length < 20 && Date.now() < deadline + 30_000) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    const beforeRestart = new Set(idsAt('/burst'));
    expect(beforeRestart.size).toBeLessThan(201);

    child = await startChild(reader);
    // Oldest first: the root's own user.created at sign-up, before the endpoint existed, then the burst.
    const [rootCreated, ...burstIds] = await auditIds(org.rootToken, ['user.created']);
    expect(idsAt('/burst')).not.toContain(rootCreated);
    expect(burstIds).toHaveLength(200);
    const restartDeadline = Date.now() + 60_000;
    while (!burstIds.every((id) => idsAt('/burst').includes(id)) && Date.now() < restartDeadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(burstIds.filter((id) => !idsAt('/burst').includes(id))).toEqual([]);
    child.kill('SIGKILL');
  }, 150_000);
});
