/**
 * The events rows of the benchmark (PRODUCT.md "Cost and speed targets"):
 * - latency: audit commit → webhook delivered to a loopback receiver, p50/p99, at 100 events
 *   per second on the local stack (DynamoDB Local's stream, polled by the same runner `npm start`
 *   runs; target p99 under 5 s);
 * - cost per million events on AWS, each put on the bus and delivered to one endpoint: DynamoDB
 *   as measured (ConsumedCapacity of the dispatcher and the sender), Lambda from the measured
 *   time, SQS and EventBridge per request.
 *
 * Runs inside `npm run bench` (which has the stack up), or alone: `npx tsx test/bench/events-rows.ts`.
 */
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { WebhookMessage } from '../../shared/events/sender';
import { WEBHOOK_SENDER_MEMORY_MB } from '../../infra/constructs/events';
import { LAMBDA_MEMORY_MB, PRICES } from './pricing';

const RATE = 100;
const SECONDS = 10;
const WARM_UP_SECONDS = 3;
/** The webhook sender's SQS batch size (infra/constructs/events.ts). */
const SQS_BATCH = 10;
/** What a real receiver takes to answer, billed as sender Lambda time (a loopback one answers in ~1 ms). */
const ASSUMED_RECEIVER_MS = 150;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

export async function eventRows(): Promise<{ lines: string[]; targets: Array<[string, string, boolean]>; results: Record<string, unknown> }> {
  const { startEventRunner } = await import('../../infra/local/event-runner');
  const { auditItem } = await import('../../shared/data/audit');
  const { transact } = await import('../../shared/data/transact');
  const { putEndpoint, getDelivery } = await import('../../shared/data/events');
  const { newUsage } = await import('../../shared/data/client');
  const { withinScope } = await import('../../shared/request-scope');
  const { seal } = await import('../../shared/auth/crypto');
  const { newId } = await import('../../shared/ids');
  const { newUser } = await import('../../shared/data/users');
  const { userSnapshot } = await import('../../shared/data/snapshots');
  const { handleStreamBatch, deliveryIdOf } = await import('../../shared/events/dispatcher');
  const { handleWebhookMessage, readForBatch, sealedSecretBinding } = await import('../../shared/events/sender');
  const { newSigningSecret } = await import('../../shared/events/post');

  const arrived = new Map<string, number>();
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!arrived.has(id)) arrived.set(id, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bench`;

  const newEndpoint = async (orgId: string) => {
    const id = newId();
    const at = new Date(Date.now() - 1000).toISOString();
    await transact([putEndpoint({
      id, orgId, url, description: 'bench', events: ['*'], enabled: true, disabledReason: null,
      secret: await seal(newSigningSecret(), sealedSecretBinding({ orgId, id })), previousSecret: null, previousSecretExpiresAt: null,
      failingSince: null, createdAt: at, updatedAt: at, version: 1,
    })]);
    return id;
  };
  const ctx = { requestId: 'bench', ip: '127.0.0.1' };
  const commit = async (orgId: string, index: number) => {
    // A user.updated as a rename writes it: the whole public user as its snapshot, so the event,
    // delivery and queue items are as large as real ones (their capacity units below depend on it).
    const user = newUser({
      id: newId(), orgId, login: `bench.user.${index}`, name: `Bench User ${index}`, email: `bench.user.${index}@example.com`,
      type: 'human', role: 'developer', status: 'active', emailVerified: true, permissions: ['logs:read'], at: new Date().toISOString(),
    });
    const renamed = { ...user, name: `Renamed User ${index}`, version: 2 };
    const item = auditItem(ctx, {
      orgId, action: 'user.updated', actor: { id: newId(), login: 'owner' }, target: { type: 'user', id: user.id, login: user.login },
      details: { fields: ['name'] }, snapshot: userSnapshot(renamed, user),
    }, new Date().toISOString());
    // A loaded machine can make DynamoDB Local miss its 2 s; the commit is tried again (its time is the one that counts).
    for (let attempt = 1; ; attempt += 1) {
      try {
        await transact([item]);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    return item.write.Put!.Item as Record<string, unknown>;
  };

  // ---- latency at RATE events per second, the runner polling in the background as in `npm start`
  const orgId = newId();
  await newEndpoint(orgId);
  const runner = await startEventRunner({ reader: `bench-${Date.now()}`, startAt: 'latest', background: true, pollMs: 50 });
  const committed = new Map<string, number>();
  let failedCommits = 0;
  /** Commits `count` events at RATE a second and waits (at most a minute) until each has arrived. */
  const atRate = async (count: number) => {
    committed.clear();
    failedCommits = 0;
    const begun = performance.now();
    const writes: Promise<void>[] = [];
    for (let index = 0; index < count; index += 1) {
      const due = begun + (index * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // A commit DynamoDB Local could not take (an overloaded machine) is counted, not fatal.
      writes.push(commit(orgId, index).then((item) => void committed.set(String(item.id), performance.now()), () => void (failedCommits += 1)));
    }
    await Promise.all(writes);
    const deadline = performance.now() + 60_000;
    while ([...committed.keys()].some((id) => !arrived.has(id)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  // Warm-up, not counted: the first seconds of a fresh DynamoDB Local run its JIT compiler on the
  // same two cores. The row is the steady state a running `npm start` has.
  await atRate(WARM_UP_SECONDS * RATE);
  const started = performance.now();
  await atRate(RATE * SECONDS);
  await runner.stop();
  const latencies = [...committed.entries()].filter(([id]) => arrived.has(id)).map(([id, at]) => arrived.get(id)! - at);
  const lost = committed.size - latencies.length;
  // The machine's load while it ran: a figure taken on a busy machine says so next to it.
  const loadAverage = Number(loadavg()[0]!.toFixed(1));
  const latency = {
    failedCommits, events: committed.size, delivered: latencies.length, loadAverage,
    p50Ms: Math.round(percentile(latencies, 50)), p99Ms: Math.round(percentile(latencies, 99)), maxMs: Math.round(Math.max(...latencies)),
    durationS: Number(((performance.now() - started) / 1000).toFixed(1)),
  };

  // ---- cost: the dispatcher and the sender, each measured on its own (the local queue kept out:
  // on AWS that is SQS, priced per request below)
  const costOrg = newId();
  const costEndpoint = await newEndpoint(costOrg);
  const BATCH = 100;
  const items: Array<Record<string, unknown>> = [];
  for (let index = 0; index < BATCH; index += 1) items.push(await commit(costOrg, index));
  const records: DynamoDBRecord[] = items.map((item, index) => ({
    eventName: 'INSERT',
    dynamodb: { Keys: marshall({ pk: item.pk, sk: item.sk }) as never, NewImage: marshall(item, { removeUndefinedValues: true }) as never, SequenceNumber: String(index + 1) },
  }));
  const dispatchUsage = newUsage();
  let dispatchMs = performance.now();
  await withinScope({ usage: dispatchUsage }, () => handleStreamBatch(records));
  dispatchMs = performance.now() - dispatchMs;
  // The dispatcher queued one message per delivery in the local queue (1 write each): SQS on AWS.
  const dispatchWcu = dispatchUsage.wcu - BATCH;
  // The messages as the queue hands them over (read here, outside the measured scope, for their due time).
  const messages: WebhookMessage[] = [];
  for (const item of items) {
    const id = deliveryIdOf(String(item.id), String(item.at));
    const delivery = await getDelivery(costOrg, costEndpoint, id);
    messages.push({ kind: 'delivery', orgId: costOrg, endpointId: costEndpoint, deliveryId: id, attemptAt: delivery!.nextAttemptAt! });
  }
  const sendUsage = newUsage();
  let sendMs = performance.now();
  // In SQS batches of 10, as the sender Lambda receives them (infra/constructs/events.ts).
  await withinScope({ usage: sendUsage }, async () => {
    for (let start = 0; start < messages.length; start += SQS_BATCH) {
      const batch = messages.slice(start, start + SQS_BATCH);
      const reads = await readForBatch(batch);
      for (const message of batch) await handleWebhookMessage(message, reads);
    }
  });
  sendMs = performance.now() - sendMs;
  receiver.close();

  const perEvent = {
    wcu: (dispatchWcu + sendUsage.wcu) / BATCH,
    rcu: (dispatchUsage.rcu + sendUsage.rcu) / BATCH,
    dispatcherMs: dispatchMs / BATCH,
    senderMs: sendMs / BATCH + ASSUMED_RECEIVER_MS,
  };
  const gbSeconds = (perEvent.dispatcherMs / 1000) * (LAMBDA_MEMORY_MB / 1024) + (perEvent.senderMs / 1000) * (WEBHOOK_SENDER_MEMORY_MB / 1024);
  const million = {
    dynamo: perEvent.wcu * PRICES.dynamoWriteRequestUnitsPerMillion + perEvent.rcu * PRICES.dynamoReadRequestUnitsPerMillion,
    // Dispatcher invoked per batch of up to 100 records; sender per batch of up to 10 messages.
    lambda: (1 / 100 + 1 / SQS_BATCH) * PRICES.lambdaRequestsPerMillion + gbSeconds * PRICES.lambdaArmPerGbSecond * 1e6,
    // A tenth each of SendMessageBatch, ReceiveMessage and DeleteMessageBatch: at a million events
    // the stream's batches hold ten or more (a lone event, one at a time, costs 1.2 requests: $0.48).
    sqs: (3 / SQS_BATCH) * PRICES.sqsStandardRequestsPerMillion,
    eventBridge: PRICES.eventBridgeCustomEventsPerMillion,
    streams: 0,
  };
  const total = Object.values(million).reduce((sum, value) => sum + value, 0);
  const round = (value: number, digits = 3) => Number(value.toFixed(digits));
  const results = { latency, lost, perEvent: Object.fromEntries(Object.entries(perEvent).map(([k, v]) => [k, round(v, 2)])), costPerMillion: { ...Object.fromEntries(Object.entries(million).map(([k, v]) => [k, round(v)])), total: round(total) } };
  const lines = [
    '',
    `Events: audit commit → webhook delivered on the local stack, ${RATE} events/s for ${SECONDS} s: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms (${latency.delivered}/${latency.events} delivered, ${failedCommits} commits refused; each event is listed by GET /v1/events before its delivery is sent; load average ${loadAverage} on ${cpus().length} CPUs)`,
    `  cost per million events on AWS (each on the bus and delivered to one endpoint): $${total.toFixed(2)} = DynamoDB $${million.dynamo.toFixed(2)} (${round(perEvent.wcu, 1)} WCU, ${round(perEvent.rcu, 1)} RCU an event) + Lambda $${million.lambda.toFixed(2)} (${round(perEvent.dispatcherMs, 1)} ms dispatch + ${round(perEvent.senderMs, 1)} ms send incl. ${ASSUMED_RECEIVER_MS} ms assumed receiver) + SQS $${million.sqs.toFixed(2)} + EventBridge $${million.eventBridge.toFixed(2)} + Streams $0 (free to Lambda)`,
  ];
  const targets: Array<[string, string, boolean]> = [
    // Met only when the whole load was taken: a p99 over the few commits an overloaded DynamoDB Local accepted says nothing.
    ['events: commit → webhook p99 under 5 s at 100 events/s (local)', `${latency.p99Ms} ms over ${latency.delivered} of ${RATE * SECONDS} events (${failedCommits} commits refused, ${lost} lost)`, latency.p99Ms < 5000 && lost === 0 && failedCommits === 0],
    ['events: at most $5 per million events on AWS', `$${total.toFixed(2)}`, total <= 5],
  ];
  return { lines, targets, results };
}

if (process.argv[1]?.endsWith('events-rows.ts')) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { applyLocalEnvironment } = await import('../../infra/local/environment');
  const { ensureTable, freePort, startDynamoDb, startSes } = await import('../../infra/local/stack');
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-events-'));
  const ports = { port: 0, sesPort: await freePort(), dynamoDbPort: await freePort() };
  process.env.LOG_LEVEL = 'warn';
  applyLocalEnvironment(ports, { dataDir, tableName: 'gatehouse-bench' });
  const { ensureLocalKeyFile } = await import('../../shared/auth/keys');
  await ensureLocalKeyFile(process.env.LOCAL_KEY_FILE!);
  const dynamo = await startDynamoDb({ port: ports.dynamoDbPort });
  const ses = await startSes({ port: ports.sesPort });
  try {
    await ensureTable(dynamo.endpoint, 'gatehouse-bench');
    const { lines, targets, results } = await eventRows();
    console.log([...lines, '', ...targets.map(([label, value, met]) => `  ${met ? 'met ' : 'MISS'}  ${label}: ${value}`)].join('\n'));
    console.log(JSON.stringify(results));
  } finally {
    await ses.stop();
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
