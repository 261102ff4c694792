import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../errors';
import { db, ignoreConditionFailure, isConditionFailure, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

/**
 * One item per (organization slug, login): it holds the login's uniqueness (userId) and its
 * brute-force counter. Unknown logins get the same item without a userId, so they are
 * counted and locked exactly like real ones and locking reveals nothing.
 */
export interface LoginRecord {
  orgId?: string;
  userId?: string;
  failures: number;
  lockedUntil?: number;
  lastFailureAt?: number;
}

export const LOCKOUT = {
  threshold: 5,
  firstLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  /** A run of failures older than this is forgotten: "in a row" means within a day. */
  decayMs: 24 * 3600_000,
};

/** 30 s at the fifth failure in a row, doubling with each further failure, at most 15 minutes. */
export function lockDuration(failures: number): number {
  if (failures < LOCKOUT.threshold) return 0;
  return Math.min(LOCKOUT.firstLockMs * 2 ** (failures - LOCKOUT.threshold), LOCKOUT.maxLockMs);
}

export async function getLogin(slug: string, login: string): Promise<LoginRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.login(slug, login), ConsistentRead: true }));
  if (!Item) return undefined;
  return { orgId: Item.orgId, userId: Item.userId, failures: Item.failures ?? 0, lockedUntil: Item.lockedUntil, lastFailureAt: Item.lastFailureAt };
}

/** Claims the login for a user; an item left by failed attempts on a free login does not block it. */
export const claimLogin = (slug: string, login: string, orgId: string, userId: string): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.login(slug, login),
      UpdateExpression: 'SET entity = :entity, orgId = :orgId, userId = :userId REMOVE #ttl',
      ConditionExpression: 'attribute_not_exists(userId)',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':entity': 'login', ':orgId': orgId, ':userId': userId },
    },
  },
  onConditionFailed: () => conflict('login_taken', 'This login is already used in the organization.'),
});

/** Frees a login held by this user (a rename or a deletion), in the same transaction as the change. */
export const releaseLogin = (slug: string, login: string, userId: string): TxItem => ({
  write: {
    Delete: {
      TableName: tableName(),
      Key: keys.login(slug, login),
      ConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: { ':userId': userId },
    },
  },
});

/**
 * Counts one failure in one write and, from the threshold on, extends the lock (only ever
 * later, so concurrent failures cannot shorten it). A claimed login and a stray one cost the
 * same writes and decay the same way after a quiet day, so neither timing nor lock
 * behaviour tells whether an account exists.
 */
export async function recordFailure(slug: string, login: string, now: number, read: LoginRecord | undefined): Promise<void> {
  let Attributes: Record<string, unknown> | undefined;
  let current = read;
  for (let attempt = 0; attempt < 4 && !Attributes; attempt += 1) {
    const stale = !current?.lastFailureAt || now - current.lastFailureAt > LOCKOUT.decayMs;
    const stray = !current?.userId;
    // Both the kind (claimed or stray) and, when restarting the count, the run we read must
    // still hold; otherwise a concurrent failure got there first and we re-read and add to it.
    const conditions = [stray ? 'attribute_not_exists(userId)' : 'attribute_exists(userId)'];
    if (stale) conditions.push(current?.lastFailureAt ? 'lastFailureAt = :last' : 'attribute_not_exists(lastFailureAt)');
    try {
      ({ Attributes } = await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.login(slug, login),
          UpdateExpression: [
            `SET entity = :entity, lastFailureAt = :now${stale ? ', failures = :one' : ''}${stray ? ', #ttl = :ttl' : ''}`,
            stale ? 'REMOVE lockedUntil' : 'ADD failures :one',
          ].join(' '),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: stray ? { '#ttl': 'ttl' } : undefined,
          ExpressionAttributeValues: {
            ':one': 1,
            ':entity': 'login',
            ':now': now,
            ...(stale && current?.lastFailureAt ? { ':last': current.lastFailureAt } : {}),
            ...(stray ? { ':ttl': Math.floor((now + LOCKOUT.decayMs) / 1000) + 3600 } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      current = await getLogin(slug, login);
    }
  }
  const lockMs = lockDuration(Number(Attributes?.failures ?? 0));
  if (lockMs === 0) return;
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.login(slug, login),
      UpdateExpression: 'SET lockedUntil = :until',
      ConditionExpression: 'attribute_not_exists(lockedUntil) OR lockedUntil < :until',
      ExpressionAttributeValues: { ':until': now + lockMs },
    }),
  ).catch(ignoreConditionFailure);
}

export async function clearFailures(slug: string, login: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.login(slug, login),
      UpdateExpression: 'SET failures = :zero REMOVE lockedUntil',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':zero': 0 },
    }),
  ).catch(ignoreConditionFailure);
}
