import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { logger } from '../log';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancellationReasons, db, isConditionFailure, tableName, unavailable } from './client';
import { keys, type Key } from './keys';

/**
 * Hourly counters of abuse resistance (api/production.md): a window of one hour starts with
 * its first event, and the time left in it is what a 429 asks the client to wait. Every
 * counter is one small item with a TTL, so nothing accumulates; subjects (addresses,
 * recipients, slugs) are kept only as hashes.
 */
export const WINDOW_MS = 3600_000;
const ttlOf = (start: number) => Math.floor((start + WINDOW_MS) / 1000) + 3600;
const digest = (value: string, length = 22) => createHash('sha256').update(value).digest('base64url').slice(0, length);

/** What one hourly limit counts: sign-ups per address, emails per address, emails per recipient. */
export type HourlyKind = 'signup' | 'email_ip' | 'recipient';

export interface HourlyCounter {
  kind: HourlyKind;
  /** The address (already reduced to its /64 for IPv6) or the recipient's email address. */
  subject: string;
  max: number;
}

const hourlyKey = (counter: Pick<HourlyCounter, 'kind' | 'subject'>): Key =>
  keys.rateCounter(counter.kind, digest(counter.kind === 'recipient' ? counter.subject.toLowerCase() : counter.subject));

interface Window {
  start: number;
  count: number;
}

const live = (window: Window | undefined, now: number): window is Window => window !== undefined && now - window.start < WINDOW_MS;

/** The first counter that is full, and how long until its window ends. */
export interface Exceeded {
  kind: HourlyKind;
  retryAfterMs: number;
}

/**
 * Counts one event against every counter, or against none when one of them is full: the
 * counters are read together, then written in one transaction whose conditions say the
 * windows are still the ones read (a concurrent writer makes it re-read and decide again).
 * A 429 therefore changes nothing, not even the counters that had room.
 */
export async function consumeHourly(counters: HourlyCounter[], now: number): Promise<Exceeded | undefined> {
  const targets = counters.map((counter) => ({ counter, key: hourlyKey(counter) }));
  for (let attempt = 0; attempt < 6; attempt += 1) {
    // Another request changed a window between our read and write: a short jittered pause
    // spreads the retries of a burst instead of replaying it in lockstep.
    if (attempt > 0) await sleep(Math.random() * 20 * attempt);
    const windows = await readWindows(targets.map((target) => target.key));
    for (const [index, { counter }] of targets.entries()) {
      const window = windows[index];
      if (live(window, now) && window.count >= counter.max) return { kind: counter.kind, retryAfterMs: window.start + WINDOW_MS - now };
    }
    const writes = targets.map(({ key, counter }, index) => {
      const window = windows[index];
      // An expired window is replaced only if it is still the one read.
      const stale: Window | undefined = window;
      return live(window, now)
        ? {
            Update: {
              TableName: tableName(),
              Key: key,
              UpdateExpression: 'ADD #count :one',
              // Concurrent requests in one window both add; the limit holds at each write.
              ConditionExpression: 'windowStart = :start AND #count < :max',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':one': 1, ':start': window.start, ':max': counter.max },
            },
          }
        : {
            Put: {
              TableName: tableName(),
              Item: { ...key, entity: 'rateCounter', windowStart: now, count: 1, ttl: ttlOf(now) },
              ConditionExpression: stale ? 'windowStart = :start' : 'attribute_not_exists(pk)',
              ...(stale ? { ExpressionAttributeValues: { ':start': stale.start } } : {}),
            },
          };
    });
    try {
      if (writes.length === 1) {
        const [write] = writes;
        if ('Update' in write! && write.Update) await db().send(new UpdateCommand(write.Update));
        else if ('Put' in write! && write.Put) await db().send(new PutCommand(write.Put));
      } else {
        await db().send(new TransactWriteCommand({ TransactItems: writes }));
      }
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      const raced = isConditionFailure(error) || reasons?.some((reason) => reason === 'ConditionalCheckFailed' || reason === 'TransactionConflict');
      if (!raced) throw error;
    }
  }
  // Six races in a row: the counter is too hot to count; the client may try again shortly.
  logger.warn('rate counter contended', { kinds: counters.map((counter) => counter.kind) });
  throw unavailable();
}

async function readWindows(list: Key[]): Promise<(Window | undefined)[]> {
  const toWindow = (item: Record<string, unknown> | undefined): Window | undefined =>
    item ? { start: Number(item.windowStart), count: Number(item.count ?? 0) } : undefined;
  if (list.length === 1) {
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: list[0], ConsistentRead: true }));
    return [toWindow(Item)];
  }
  const { Responses, UnprocessedKeys } = await db().send(
    new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: list, ConsistentRead: true } } }),
  );
  // A handful of tiny items is never left unprocessed but under throttling; then read one by one.
  if (UnprocessedKeys && Object.keys(UnprocessedKeys).length) {
    return Promise.all(list.map(async (key) => (await readWindows([key]))[0]));
  }
  const items = Responses?.[tableName()] ?? [];
  return list.map((key) => toWindow(items.find((item) => item.pk === key.pk && item.sk === key.sk)));
}

/**
 * Failed sign-ins from one address in its hour: a total for the deployment and one count per
 * organization slug tried (existing or not), all on one item so that a failure costs one write.
 * Once an address is over a limit its attempts are refused unevaluated and no longer counted,
 * so the item stays small (at most one attribute per failure the limits let through).
 */
export interface FailureWindow {
  start: number;
  total: number;
  /** Failures per slug, by the attribute of `orgAttribute(slug)`. */
  orgs: Record<string, number>;
}

const ORG_PREFIX = 'org_';
export const orgAttribute = (slug: string) => `${ORG_PREFIX}${digest(slug, 16)}`;

export async function getFailureWindow(address: string, now: number): Promise<FailureWindow | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.addressFailures(digest(address)), ConsistentRead: true }));
  return Item ? toFailureWindow(Item) : undefined;
}

function toFailureWindow(item: Record<string, unknown>): FailureWindow {
  const orgs: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) if (name.startsWith(ORG_PREFIX)) orgs[name] = Number(value);
  return { start: Number(item.windowStart), total: Number(item.total ?? 0), orgs };
}

export const failureWindowLive = (window: FailureWindow | undefined, now: number): window is FailureWindow =>
  window !== undefined && now - window.start < WINDOW_MS;

/**
 * One failed sign-in from `address` at `slug`: one write, deciding from the window read
 * before the attempt whether it adds to that window or starts a new one.
 */
export async function countAddressFailure(address: string, slug: string, now: number, read: FailureWindow | undefined): Promise<void> {
  const key = keys.addressFailures(digest(address));
  const org = orgAttribute(slug);
  let current = read;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const previous: FailureWindow | undefined = current;
    try {
      if (failureWindowLive(current, now)) {
        await db().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: key,
            UpdateExpression: 'ADD #total :one, #org :one',
            ConditionExpression: 'windowStart = :start',
            ExpressionAttributeNames: { '#total': 'total', '#org': org },
            ExpressionAttributeValues: { ':one': 1, ':start': current.start },
          }),
        );
      } else {
        await db().send(
          new PutCommand({
            TableName: tableName(),
            Item: { ...key, entity: 'addressFailures', windowStart: now, total: 1, [org]: 1, ttl: ttlOf(now) },
            ConditionExpression: previous ? 'windowStart = :start' : 'attribute_not_exists(pk)',
            ...(previous ? { ExpressionAttributeValues: { ':start': previous.start } } : {}),
          }),
        );
      }
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      current = await getFailureWindow(address, now);
    }
  }
  logger.warn('address failure counter contended');
}
