import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { createDelivery, getDelivery, listEndpoints, numberEvents, type DeliveryRecord, type StoredEvent } from '../data/events';
import { clock } from '../clock';
import { keys } from '../data/keys';
import { logger } from '../log';
import { type AuditItem, eventFromAudit, orgIdOf } from './event';
import { queueDeliveries } from './sender';
import type { InvitationMessage } from './emails';
import { enqueueAll, publishToBus } from './transport';

const DELIVERY_DAYS = 30;

/**
 * The stream consumer (STYLE.md 15): the audit event written with each change is the outbox.
 * For each new audit item it (1) queues the bulk invitation the item asks for, (2) numbers the
 * catalog event in its organization's order, (3) puts it on the operator's bus and (4) creates
 * and queues one delivery per subscribed endpoint. Every step is idempotent by the audit event's
 * id, so a record handled twice (Lambda retries, a restarted local reader) changes nothing more.
 *
 * The same function runs in the Lambda (functions/event-dispatcher.ts, on DynamoDB Streams) and
 * in `npm start` (infra/local/event-runner.ts, polling DynamoDB Local's stream).
 */

/** The stream filter (also the Lambda event source's filter criteria): new audit items only. */
export const isAuditInsert = (record: DynamoDBRecord) =>
  record.eventName === 'INSERT' && String(record.dynamodb?.Keys?.sk?.S ?? '').startsWith(keys.auditPrefix);

export const deliveryIdOf = (eventId: string, timestamp: string) => `d${Date.parse(timestamp).toString(36)}_${eventId}`;

/** Runs `work` over `items`, at most `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function fanOut(orgId: string, events: Array<StoredEvent & { timestamp: string; ttl: number }>): Promise<void> {
  const endpoints = (await listEndpoints(orgId)).filter((endpoint) => endpoint.enabled);
  const work = events.flatMap((event) =>
    endpoints
      // Only events that happen after an endpoint exists are delivered to it.
      .filter((endpoint) => endpoint.createdAt <= event.timestamp && (endpoint.events.includes('*') || endpoint.events.includes(event.type)))
      .map((endpoint) => ({ endpoint, event })));
  // Order per endpoint is best effort (api/events.md): deliveries are made side by side, then queued together.
  const toQueue: DeliveryRecord[] = [];
  await inParallel(work, 16, async ({ endpoint, event }) => {
    const now = new Date(clock.now()).toISOString();
    const delivery: DeliveryRecord = {
      id: deliveryIdOf(event.id, event.timestamp),
      orgId,
      endpointId: endpoint.id,
      eventId: event.id,
      eventType: event.type,
      body: event.body,
      status: 'pending',
      attempts: [],
      attemptCount: 0,
      nextAttemptAt: event.timestamp,
      createdAt: now,
      updatedAt: now,
      ttl: Math.min(event.ttl, Math.floor(clock.now() / 1000) + DELIVERY_DAYS * 86_400),
    };
    if (await createDelivery(delivery)) {
      toQueue.push(delivery);
      return;
    }
    // Made by an earlier run that may have stopped before queuing it: queue it again while no
    // attempt happened (the sender ignores a second message for the same attempt).
    const existing = await getDelivery(orgId, endpoint.id, delivery.id);
    if (existing && existing.status === 'pending' && existing.attemptCount === 0) toQueue.push(existing);
  });
  await queueDeliveries(toQueue);
}

/** Handles one organization's new audit items, in stream order. */
export async function dispatchAuditItems(orgId: string, items: AuditItem[]): Promise<void> {
  const invitations = items.filter((item) => item.details?.invitation === 'queued' && item.target.type === 'user');
  await enqueueAll('emails', invitations.map((item) => ({ message: { kind: 'invitation', orgId, userId: item.target.id, eventId: item.id } satisfies InvitationMessage })));
  const events: Array<{ id: string; type: string; body: string; ttl: number; timestamp: string }> = [];
  for (const item of items) {
    const event = await eventFromAudit(item);
    if (!event) continue;
    const ttl = item.ttl ?? Math.floor(Date.parse(item.at) / 1000) + 365 * 86_400;
    events.push({ id: event.id, type: event.type, body: JSON.stringify(event), ttl, timestamp: event.timestamp });
  }
  if (!events.length) return;
  const stored = await numberEvents(orgId, events);
  const placed = stored.map((event, index) => ({ ...event, timestamp: events[index]!.timestamp, ttl: events[index]!.ttl }));
  await publishToBus(placed);
  await fanOut(orgId, placed);
}

/**
 * A batch of stream records. Organizations are handled side by side, each one's records
 * together in stream order; when an organization's part fails, all its records are reported as
 * failures, so Lambda retries from the first of them (ReportBatchItemFailures) and the local
 * reader stops its position there; what was done already is found done again (idempotent).
 * This is what powertools' `processPartialResponse` does, with the per-organization order added,
 * which its processors (parallel, or one record at a time for the whole batch) do not keep.
 */
export async function handleStreamBatch(records: DynamoDBRecord[]): Promise<DynamoDBBatchResponse> {
  const byOrg = new Map<string, Array<{ record: DynamoDBRecord; item: AuditItem }>>();
  for (const record of records) {
    if (!isAuditInsert(record) || !record.dynamodb?.NewImage) continue;
    const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>) as AuditItem;
    const orgId = orgIdOf(item);
    if (!byOrg.has(orgId)) byOrg.set(orgId, []);
    byOrg.get(orgId)!.push({ record, item });
  }
  const failed: string[] = [];
  await Promise.all([...byOrg.entries()].map(async ([orgId, entries]) => {
    try {
      await dispatchAuditItems(orgId, entries.map((entry) => entry.item));
    } catch (error) {
      logger.error('events not dispatched; the stream retries them', { event: 'events.dispatch_failed', orgId, records: entries.length, error: error instanceof Error ? error.name : 'unknown' });
      failed.push(...entries.map((entry) => entry.record.dynamodb!.SequenceNumber!));
    }
  }));
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
