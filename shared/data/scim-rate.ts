import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '../log';
import { db, isConditionFailure, tableName, unavailable } from './client';
import { keys } from './keys';

/**
 * The SCIM request rate of one organization (shared/api/scim.md "Rate limit": 50 requests per
 * second with bursts of 100), counted across every function instance, so it lives in the table.
 *
 * The bucket is GCRA (the generic cell rate algorithm, as in ATM networks and redis-cell): one
 * number per organization, the theoretical arrival time `tat` of its next request. A request at
 * `now` is admitted when `tat <= now + (burst - 1) × interval`, and moves `tat` to
 * `max(tat, now) + interval`. That is one conditional UpdateItem (1 WCU, no read) for a busy
 * organization; DynamoDB has no `max`, so an idle one (whose `tat` is in the past) takes a second
 * write, and the instance remembers which form the organization needed last to try it first.
 * A refused request writes nothing (a failed condition is billed as a write, but changes nothing).
 */
export interface RateVerdict {
  admitted: boolean;
  /** When refused: how long until one request fits again. */
  retryAfterMs: number;
}

/** The last `tat` seen per organization, only a hint of which update to try first. */
const hints = new Map<string, number>();
const MAX_HINTS = 10_000;
/** How far instances' clocks may disagree before a queue's end counts as written by a wrong one. */
const CLOCK_SLACK_MS = 5_000;

const key = (orgId: string) => keys.rateCounter('scim', orgId);
const ttlOf = (tat: number) => Math.ceil(tat / 1000) + 3600;

export async function admitScimRequest(orgId: string, now: number, perSecond: number, burst: number): Promise<RateVerdict> {
  const interval = 1000 / perSecond;
  const limit = now + (burst - 1) * interval;
  let busy = (hints.get(orgId) ?? -Infinity) >= now;
  let reset: number | undefined;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    try {
      const { Attributes } = await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key(orgId),
          ...(reset !== undefined
            ? {
                // A queue that ends further ahead than any burst can push it was written by a clock
                // that ran ahead (another instance's, or a test's): it restarts now.
                UpdateExpression: 'SET tat = :next, #ttl = :ttl',
                ConditionExpression: 'tat = :old',
                ExpressionAttributeValues: { ':next': now + interval, ':old': reset, ':ttl': ttlOf(now + interval) },
              }
            : busy
            ? {
                // Within the burst: one more interval on top of the queue.
                UpdateExpression: 'SET tat = tat + :interval, #ttl = :ttl',
                ConditionExpression: 'tat BETWEEN :now AND :limit',
                ExpressionAttributeValues: { ':interval': interval, ':now': now, ':limit': limit, ':ttl': ttlOf(limit + interval) },
              }
            : {
                // Idle (or never seen): the queue starts now.
                UpdateExpression: 'SET tat = :next, entity = :entity, #ttl = :ttl',
                ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
                ExpressionAttributeValues: { ':next': now + interval, ':now': now, ':entity': 'scimRate', ':ttl': ttlOf(now + interval) },
              }),
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      remember(orgId, Number(Attributes?.tat ?? now + interval));
      return { admitted: true, retryAfterMs: 0 };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The document client does not unmarshall an error's item: `tat` arrives as `{ N: "…" }`.
      const old = (error as { Item?: { tat?: { N?: string } } }).Item;
      const tat = old?.tat?.N === undefined ? undefined : Number(old.tat.N);
      if (tat !== undefined) remember(orgId, tat);
      // Refused requests never move the queue, so a fair wait is at most one interval.
      if (tat !== undefined && tat > limit + interval + CLOCK_SLACK_MS) {
        reset = tat;
        continue;
      }
      reset = undefined;
      if (tat !== undefined && tat > limit) return { admitted: false, retryAfterMs: tat - limit };
      // The other form applies (the queue drained, or another request started it): try that.
      busy = tat !== undefined && tat >= now;
    }
  }
  // Four lost races in a row: concurrent requests of one organization keep moving its bucket.
  logger.warn('scim rate counter contended', { orgId });
  throw unavailable();
}

function remember(orgId: string, tat: number): void {
  if (hints.size >= MAX_HINTS && !hints.has(orgId)) hints.clear();
  hints.set(orgId, tat);
}
