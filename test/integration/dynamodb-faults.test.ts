import { afterAll, describe, expect, it } from 'vitest';
import { ensureTable, freePort, startDynamoDb } from '../../infra/local/stack';
import { resetConfig } from '../../shared/config';
import { verifiedOrg } from '../support/factories';
import { logLines } from '../support/setup';
import { type Answer, useApi } from '../support/api';

// This file pauses and kills DynamoDB Local, so it gets one of its own (in memory, on a free
// port) instead of the run's shared one, which the other files keep using undisturbed.
// Every path stops it: afterAll, and the exit hook startDynamoDb installs (SIGKILL reaches a
// paused process too).
const dynamo = await startDynamoDb({ port: await freePort() });
afterAll(() => dynamo.stop());
process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
resetConfig();
await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);

const api = useApi();

/** The client's worst case is about 4.2 s (2 attempts × 2 s + backoff); this leaves room for a loaded machine. */
const BOUND_MS = 7000;

async function timed(request: Promise<Answer>) {
  const started = performance.now();
  const answer = await request;
  return { answer, ms: performance.now() - started };
}

function expectUnavailable({ answer, ms }: { answer: Answer; ms: number }, what: string) {
  expect(answer.status, `${what}: ${answer.text}`).toBe(503);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body.code).toBe('service_unavailable');
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(answer.headers.get('x-request-id')).toBeTruthy();
  expect(ms, what).toBeLessThan(BOUND_MS);
}

async function waitUntilReady() {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await api.request('GET', '/health?deep=1');
    if (ready.status === 200) return ready;
    if (Date.now() > deadline) throw new Error(`not ready again: ${ready.text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('when DynamoDB stops answering', () => {
  it('answers 503 within a bounded time while it is frozen, and leaves an invite whole or absent', async () => {
    const org = await verifiedOrg(api);
    const ready = await api.request('GET', '/health?deep=1');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { table: 'ok' } });
    const invitee = { login: 'frozen-out', name: 'Frozen', email: `frozen@${org.slug}.example.com`, role: 'developer' };

    process.kill(dynamo.pid!, 'SIGSTOP');
    let answers: Record<string, { answer: Answer; ms: number }>;
    try {
      const entries = await Promise.all(
        Object.entries({
          health: api.request('GET', '/health'),
          ready: api.request('GET', '/health?deep=1'),
          me: api.request('GET', '/v1/me', { token: org.rootToken }),
          login: api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } }),
          invite: api.request('POST', '/v1/users', { token: org.rootToken, body: invitee }),
          rename: api.request('PATCH', '/v1/org', { token: org.rootToken, body: { name: 'Renamed while frozen' } }),
        }).map(async ([name, request]) => [name, await timed(request)] as const),
      );
      answers = Object.fromEntries(entries);
    } finally {
      process.kill(dynamo.pid!, 'SIGCONT');
    }

    // Liveness never touches the table; readiness and everything else say 503.
    expect(answers.health!.answer.status).toBe(200);
    expect(answers.health!.ms).toBeLessThan(1000);
    for (const name of ['ready', 'me', 'login', 'invite', 'rename']) expectUnavailable(answers[name]!, name);

    // Thawed, the table may still apply the invite it had received: all of it, or none.
    await waitUntilReady();
    const listed = await api.request('GET', `/v1/users?q=${invitee.login}`, { token: org.rootToken });
    expect(listed.status).toBe(200);
    const user = listed.body.items.find((item: { login: string }) => item.login === invitee.login);
    const again = await api.request('POST', '/v1/users', { token: org.rootToken, body: invitee });
    if (user) {
      expect(again.status).toBe(409);
      const audit = await api.request('GET', `/v1/audit-events?action=user.invited&target=${user.id}`, { token: org.rootToken });
      expect(audit.body.items).toHaveLength(1);
    } else {
      expect(again.status, again.text).toBe(201);
    }
  });

  it('answers 503 at once when it is gone, while /health stays a liveness check', async () => {
    const org = await verifiedOrg(api);
    process.kill(dynamo.pid!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect((await api.request('GET', '/health')).status).toBe(200);
    expectUnavailable(await timed(api.request('GET', '/health?deep=1')), 'ready');
    expectUnavailable(await timed(api.request('GET', '/v1/me', { token: org.rootToken })), 'me');
    expectUnavailable(await timed(api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } })), 'login');
    expectUnavailable(await timed(api.request('POST', '/v1/auth/refresh', { body: { refreshToken: org.rootRefresh } })), 'refresh');
    // Operators see it: one error line per failed call, naming the command, never a request's data.
    const outage = logLines.filter((line) => line.includes('dynamodb unavailable'));
    expect(outage.length).toBeGreaterThan(0);
    expect(outage.some((line) => line.includes('GetItemCommand'))).toBe(true);
  });
});
