import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, notFound, preconditionFailed } from '../errors';
import { batchGet, db, ignoreConditionFailure, isConditionFailure, localTableName, tableName, writeBatches } from './client';
import { keys, type Key } from './keys';
import type { TxItem } from './transact';

// ---------------------------------------------------------------- numbered events

export interface StoredEvent {
  seq: number;
  id: string;
  type: string;
  /** The event's JSON exactly as webhooks carry it: the events API answers these bytes. */
  body: string;
}

/**
 * Gives audit events their places in the organization's event order, once, in the order given.
 * Events already numbered (a replayed stream record: at least once) keep their number and body;
 * the others take a block of numbers from the counter in one write, then are written in
 * transactions of 50 (marker + event each), in order, so a poller never sees a number after one
 * that is still to be written. A marker written meanwhile by another reader fails its transaction:
 * the caller retries the batch, which then finds it. Numbers taken and not used leave gaps; the
 * order never repeats or skips an event.
 */
export async function numberEvents(orgId: string, events: Array<{ id: string; type: string; body: string; ttl: number }>): Promise<StoredEvent[]> {
  const known = new Map<string, number>();
  for (let index = 0; index < events.length; index += 100) {
    const chunk = events.slice(index, index + 100);
    const answer = await db().send(new BatchGetCommand({
      RequestItems: { [tableName()]: { Keys: chunk.map((event) => keys.eventId(orgId, event.id)), ConsistentRead: true } },
    }));
    for (const marker of answer.Responses?.[tableName()] ?? []) known.set(String(marker.sk).slice('EVENTID#'.length), Number(marker.seq));
    // Unprocessed keys are read again one by one (rare: throttling).
    for (const key of (answer.UnprocessedKeys?.[tableName()]?.Keys ?? []) as Array<{ pk: string; sk: string }>) {
      const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
      if (Item) known.set(String(Item.sk).slice('EVENTID#'.length), Number(Item.seq));
    }
  }
  const fresh = events.filter((event, index) => !known.has(event.id) && events.findIndex((other) => other.id === event.id) === index);
  const numbered = new Map<string, StoredEvent>();
  if (fresh.length) {
    const { Attributes } = await db().send(new UpdateCommand({
      TableName: tableName(),
      Key: keys.eventSeq(orgId),
      UpdateExpression: 'ADD #seq :count',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: { ':count': fresh.length },
      ReturnValues: 'UPDATED_NEW',
    }));
    const first = Number(Attributes?.seq) - fresh.length + 1;
    const placed = fresh.map((event, index) => ({ ...event, seq: first + index }));
    for (let index = 0; index < placed.length; index += 50) {
      await db().send(new TransactWriteCommand({
        TransactItems: placed.slice(index, index + 50).flatMap((event) => [
          { Put: { TableName: tableName(), Item: { ...keys.eventId(orgId, event.id), entity: 'eventId', seq: event.seq, ttl: event.ttl }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: tableName(), Item: { ...keys.event(orgId, event.seq), entity: 'event', seq: event.seq, id: event.id, type: event.type, body: event.body, ttl: event.ttl } } },
        ]),
      }));
    }
    for (const event of placed) numbered.set(event.id, { seq: event.seq, id: event.id, type: event.type, body: event.body });
  }
  const answers: StoredEvent[] = [];
  for (const event of events) {
    const mine = numbered.get(event.id);
    if (mine) answers.push(mine);
    else {
      const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.event(orgId, known.get(event.id)!), ConsistentRead: true }));
      answers.push(Item ? { seq: Number(Item.seq), id: String(Item.id), type: String(Item.type), body: String(Item.body) } : { seq: known.get(event.id)!, ...event });
    }
  }
  return answers;
}

/** Events after `afterSeq`, oldest first; `types` filters without changing the positions. */
export async function listEvents(orgId: string, options: { afterSeq: number; types?: string[]; limit: number }): Promise<{ items: StoredEvent[]; lastSeq: number }> {
  const items: StoredEvent[] = [];
  let lastSeq = options.afterSeq;
  let start: Record<string, unknown> | undefined;
  let examined = 0;
  const filter = options.types?.length ? options.types : undefined;
  do {
    const { Items = [], LastEvaluatedKey, ScannedCount = 0 } = await db().send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.orgPartition(orgId),
        ':from': keys.event(orgId, options.afterSeq + 1).sk,
        ':to': keys.event(orgId, 999_999_999_999).sk,
        ...(filter ? Object.fromEntries(filter.map((type, index) => [`:t${index}`, type])) : {}),
      },
      ...(filter ? { FilterExpression: `#type IN (${filter.map((_, index) => `:t${index}`).join(', ')})`, ExpressionAttributeNames: { '#type': 'type' } } : {}),
      ConsistentRead: true,
      ExclusiveStartKey: start,
      Limit: filter ? 200 : options.limit - items.length,
    }));
    for (const item of Items) {
      if (items.length === options.limit) break;
      items.push({ seq: Number(item.seq), id: String(item.id), type: String(item.type), body: String(item.body) });
      lastSeq = Number(item.seq);
    }
    examined += ScannedCount;
    start = LastEvaluatedKey;
    // A filtered page that examined items without a match still moves the cursor past them.
    if (filter && items.length < options.limit && LastEvaluatedKey) lastSeq = Math.max(lastSeq, Number(String(LastEvaluatedKey.sk).slice(keys.eventPrefix.length)));
  } while (start && items.length < options.limit && examined < 1000);
  return { items, lastSeq };
}

// ---------------------------------------------------------------- webhook endpoints

export type DisabledReason = 'manual' | 'failing' | 'gone';

export interface EndpointRecord {
  id: string;
  orgId: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: DisabledReason | null;
  /** Sealed with the data key, bound to the endpoint. */
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  /** When the first of the failures since the last success happened (the 5-day rule). */
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const endpointFrom = (item: Record<string, unknown>): EndpointRecord => {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as unknown as EndpointRecord;
};

export const putEndpoint = (endpoint: EndpointRecord): TxItem => ({
  write: { Put: { TableName: tableName(), Item: { ...keys.webhook(endpoint.orgId, endpoint.id), entity: 'webhook', ...endpoint }, ConditionExpression: 'attribute_not_exists(pk)' } },
  onConditionFailed: () => conflict('conflict', 'The endpoint already exists.'),
});

/** Replaces the endpoint if it is still at `version`. */
export const replaceEndpoint = (endpoint: EndpointRecord, version: number): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.webhook(endpoint.orgId, endpoint.id), entity: 'webhook', ...endpoint },
      ConditionExpression: 'attribute_exists(pk) AND #version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': version },
    },
  },
  onConditionFailed: preconditionFailed,
});

export const deleteEndpointItem = (orgId: string, id: string): TxItem => ({
  write: { Delete: { TableName: tableName(), Key: keys.webhook(orgId, id), ConditionExpression: 'attribute_exists(pk)' } },
  onConditionFailed: () => notFound('No such webhook endpoint.'),
});

export async function getEndpoint(orgId: string, id: string): Promise<EndpointRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.webhook(orgId, id), ConsistentRead: true }));
  return Item ? endpointFrom(Item) : undefined;
}

/** At most 20 per organization, so one query reads them all. */
export async function listEndpoints(orgId: string): Promise<EndpointRecord[]> {
  const { Items = [] } = await db().send(new QueryCommand({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.webhookPrefix },
    ConsistentRead: true,
  }));
  return Items.map(endpointFrom).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Sender bookkeeping that must not fight a root's edit: only the named fields, no version bump. */
export async function markEndpoint(orgId: string, id: string, set: Partial<Pick<EndpointRecord, 'enabled' | 'disabledReason' | 'failingSince' | 'updatedAt'>>, onlyIf?: { enabled: boolean }) {
  const entries = Object.entries(set);
  try {
    await db().send(new UpdateCommand({
      TableName: tableName(),
      Key: keys.webhook(orgId, id),
      UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
      ConditionExpression: onlyIf ? 'attribute_exists(pk) AND #enabled = :enabled' : 'attribute_exists(pk)',
      ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([name], index) => [`#f${index}`, name])), ...(onlyIf ? { '#enabled': 'enabled' } : {}) },
      ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])), ...(onlyIf ? { ':enabled': onlyIf.enabled } : {}) },
    }));
    return true;
  } catch (error) {
    ignoreConditionFailure(error);
    return false;
  }
}

// ---------------------------------------------------------------- deliveries

export interface Attempt {
  at: string;
  responseStatus: number | null;
  durationMs: number;
  error: null | 'timeout' | 'connection_failed' | 'address_not_allowed' | 'redirect' | 'too_large';
  responseExcerpt: string;
}

export interface DeliveryRecord {
  id: string;
  orgId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** The event's JSON, the bytes signed at each attempt. */
  body: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: Attempt[];
  /** Every attempt made, of which `attempts` keeps the last 20; it picks the next retry interval. */
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  ttl: number;
}

const deliveryFrom = (item: Record<string, unknown>): DeliveryRecord => {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as unknown as DeliveryRecord;
};

/** Creates the delivery unless it exists; answers whether this call created it. */
export async function createDelivery(delivery: DeliveryRecord): Promise<boolean> {
  try {
    await db().send(new PutCommand({
      TableName: tableName(),
      Item: { ...keys.delivery(delivery.orgId, delivery.endpointId, delivery.id), entity: 'delivery', ...delivery },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return true;
  } catch (error) {
    ignoreConditionFailure(error);
    return false;
  }
}

export async function getDelivery(orgId: string, endpointId: string, id: string): Promise<DeliveryRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.delivery(orgId, endpointId, id), ConsistentRead: true }));
  return Item ? deliveryFrom(Item) : undefined;
}

export interface DeliveryRef {
  orgId: string;
  endpointId: string;
  deliveryId: string;
}

/**
 * Deliveries and their endpoints, read together in batches (a queue batch's worth). Each map is
 * keyed by the item's sort key within its organization: `deliveryKey(ref)`, `endpointKey(ref)`.
 */
export async function getDeliveriesWithEndpoints(refs: DeliveryRef[]): Promise<{ deliveries: Map<string, DeliveryRecord>; endpoints: Map<string, EndpointRecord> }> {
  const wanted = new Map<string, Key>();
  for (const ref of refs) {
    wanted.set(deliveryKey(ref), keys.delivery(ref.orgId, ref.endpointId, ref.deliveryId));
    wanted.set(endpointKey(ref), keys.webhook(ref.orgId, ref.endpointId));
  }
  const deliveries = new Map<string, DeliveryRecord>();
  const endpoints = new Map<string, EndpointRecord>();
  for (const item of await batchGet([...wanted.values()])) {
    if (item.entity === 'delivery') deliveries.set(`${item.pk} ${item.sk}`, deliveryFrom(item));
    else if (item.entity === 'webhook') endpoints.set(`${item.pk} ${item.sk}`, endpointFrom(item));
  }
  return { deliveries, endpoints };
}

const keyString = (key: Key) => `${key.pk} ${key.sk}`;
export const deliveryKey = (ref: DeliveryRef) => keyString(keys.delivery(ref.orgId, ref.endpointId, ref.deliveryId));
export const endpointKey = (ref: Pick<DeliveryRef, 'orgId' | 'endpointId'>) => keyString(keys.webhook(ref.orgId, ref.endpointId));

/** Newest first (delivery ids start with the event's time). */
export async function listDeliveries(orgId: string, endpointId: string, options: { status?: string; eventType?: string; limit: number }): Promise<DeliveryRecord[]> {
  const filters: string[] = [];
  const values: Record<string, unknown> = { ':pk': keys.orgPartition(orgId), ':prefix': keys.deliveryPrefix(endpointId) };
  const names: Record<string, string> = {};
  if (options.status) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = options.status;
  }
  if (options.eventType) {
    filters.push('eventType = :eventType');
    values[':eventType'] = options.eventType;
  }
  const items: DeliveryRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await db().send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: values,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ScanIndexForward: false,
      ExclusiveStartKey: start,
      Limit: 100,
    }));
    items.push(...Items.map(deliveryFrom));
    start = LastEvaluatedKey;
  } while (start && items.length < options.limit);
  return items.slice(0, options.limit);
}

/** Writes the sender's outcome unless the delivery changed since it was read (another attempt won). */
export async function saveDelivery(delivery: DeliveryRecord, previousUpdatedAt: string): Promise<boolean> {
  try {
    await db().send(new PutCommand({
      TableName: tableName(),
      Item: { ...keys.delivery(delivery.orgId, delivery.endpointId, delivery.id), entity: 'delivery', ...delivery },
      ConditionExpression: 'attribute_exists(pk) AND updatedAt = :previous',
      ExpressionAttributeValues: { ':previous': previousUpdatedAt },
    }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function deleteDeliveries(orgId: string, endpointId: string): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await db().send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.deliveryPrefix(endpointId) },
      ProjectionExpression: 'pk, sk',
      ExclusiveStartKey: start,
    }));
    for (const item of Items) await db().send(new DeleteCommand({ TableName: tableName(), Key: { pk: item.pk, sk: item.sk } }));
    start = LastEvaluatedKey;
  } while (start);
}

// ---------------------------------------------------------------- email idempotency

/** Claims the sending of one event's email; false when it was already sent. */
export async function claimEmail(orgId: string, eventId: string, ttl: number): Promise<boolean> {
  try {
    await db().send(new PutCommand({ TableName: tableName(), Item: { ...keys.emailSent(orgId, eventId), entity: 'emailSent', ttl }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    ignoreConditionFailure(error);
    return false;
  }
}

export async function releaseEmail(orgId: string, eventId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.emailSent(orgId, eventId) }));
}

// ---------------------------------------------------------------- local stack: stream positions and queues

export async function getStreamPosition(reader: string, shardId: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: localTableName(), Key: keys.streamPosition(reader, shardId), ConsistentRead: true }));
  return Item?.sequenceNumber as string | undefined;
}

export async function putStreamPosition(reader: string, shardId: string, sequenceNumber: string): Promise<void> {
  await db().send(new PutCommand({ TableName: localTableName(), Item: { ...keys.streamPosition(reader, shardId), entity: 'streamPosition', sequenceNumber } }));
}

export interface LocalMessage {
  queue: string;
  sk: string;
  body: string;
}

export async function putLocalMessages(queue: string, messages: Array<{ due: string; id: string; body: string }>): Promise<void> {
  await writeBatches(messages.map(({ due, id, body }) => ({ PutRequest: { Item: { ...keys.localQueue(queue, due, id), entity: 'localMessage', body } } })), localTableName());
}

/**
 * Takes up to `limit` due messages, each hidden for `visibilitySeconds` (SQS's visibility
 * timeout): a reader that dies before deleting one lets it come back, never lose it.
 */
export async function receiveLocalMessages(queue: string, now: Date, limit: number, visibilitySeconds: number): Promise<LocalMessage[]> {
  const { Items = [] } = await db().send(new QueryCommand({
    TableName: localTableName(),
    KeyConditionExpression: 'pk = :pk AND sk <= :due',
    FilterExpression: 'attribute_not_exists(hiddenUntil) OR hiddenUntil < :now',
    ExpressionAttributeValues: { ':pk': keys.localQueuePartition(queue), ':due': `${now.toISOString()}#~`, ':now': now.getTime() },
    ConsistentRead: true,
    Limit: limit * 4,
  }));
  // A transaction takes at most 100 items.
  const due = Items.slice(0, Math.min(limit, 100));
  const claim = (item: Record<string, unknown>) => ({
    TableName: localTableName(),
    Key: { pk: item.pk, sk: item.sk },
    UpdateExpression: 'SET hiddenUntil = :until',
    ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(hiddenUntil) OR hiddenUntil < :now)',
    ExpressionAttributeValues: { ':until': now.getTime() + visibilitySeconds * 1000, ':now': now.getTime() },
  });
  const message = (item: Record<string, unknown>): LocalMessage => ({ queue, sk: String(item.sk), body: String(item.body) });
  // All claimed in one transaction (one request for the batch); when another reader took one of
  // them meanwhile, each is claimed on its own and the taken ones are left out.
  try {
    if (due.length) await db().send(new TransactWriteCommand({ TransactItems: due.map((item) => ({ Update: claim(item) })) }));
    return due.map(message);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TransactionCanceledException')) throw error;
  }
  const claimed = await Promise.all(due.map(async (item) => {
    try {
      await db().send(new UpdateCommand(claim(item)));
      return message(item);
    } catch (error) {
      return ignoreConditionFailure(error);
    }
  }));
  return claimed.filter((taken): taken is LocalMessage => taken !== undefined);
}

/** Removes handled messages (SQS's DeleteMessageBatch). */
export async function deleteLocalMessages(messages: LocalMessage[]): Promise<void> {
  await writeBatches(messages.map((message) => ({ DeleteRequest: { Key: { pk: keys.localQueuePartition(message.queue), sk: message.sk } } })), localTableName());
}

export async function countLocalMessages(queue: string): Promise<number> {
  const { Count = 0 } = await db().send(new QueryCommand({
    TableName: localTableName(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.localQueuePartition(queue) },
    Select: 'COUNT',
    ConsistentRead: true,
  }));
  return Count;
}
