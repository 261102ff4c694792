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
  /**
   * The runs of failures of browsers holding this login's device cookie, by device id: each
   * is judged by its own run instead of the shared one (OWASP device cookies). Kept on this
   * item, which every attempt reads anyway, so a known device costs no extra read.
   */
  devices: Record<string, DeviceRun>;
}

export interface DeviceRun {
  failures: number;
  lastFailureAt: number;
  lockedUntil?: number;
}

export const LOCKOUT = {
  /** The default of GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_LOGIN and …_PER_DEVICE. */
  threshold: 5,
  firstLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  /** A run of failures older than this is forgotten: "in a row" means within a day. */
  decayMs: 24 * 3600_000,
};

/** 30 s at the threshold's failure in a row (5th by default), doubling with each further one, at most 15 minutes. */
export function lockDuration(failures: number, threshold = LOCKOUT.threshold): number {
  if (failures < threshold) return 0;
  return Math.min(LOCKOUT.firstLockMs * 2 ** Math.min(failures - threshold, 30), LOCKOUT.maxLockMs);
}

const DEVICE_PREFIX = 'dev_';
/** Device ids are random base64url: safe as (part of) an attribute name. */
const deviceAttribute = (deviceId: string) => `${DEVICE_PREFIX}${deviceId}`;

export async function getLogin(slug: string, login: string): Promise<LoginRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.login(slug, login), ConsistentRead: true }));
  if (!Item) return undefined;
  const devices: Record<string, DeviceRun> = {};
  for (const [name, value] of Object.entries(Item)) {
    if (name.startsWith(DEVICE_PREFIX) && value && typeof value === 'object') devices[name.slice(DEVICE_PREFIX.length)] = value as DeviceRun;
  }
  return { orgId: Item.orgId, userId: Item.userId, failures: Item.failures ?? 0, lockedUntil: Item.lockedUntil, lastFailureAt: Item.lastFailureAt, devices };
}

/**
 * Counts one failure of a known device in one write (its run and lock together), computed
 * from the run read before the attempt; a concurrent failure of the same device makes it
 * re-read and add to that. Only a claimed login has device runs. Returns the new run.
 */
export async function recordDeviceFailure(
  slug: string,
  login: string,
  deviceId: string,
  now: number,
  read: DeviceRun | undefined,
  threshold: number,
): Promise<DeviceRun | undefined> {
  let current = read;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const stale = !current || now - current.lastFailureAt > LOCKOUT.decayMs;
    const failures = stale ? 1 : current!.failures + 1;
    const lockMs = lockDuration(failures, threshold);
    const lockedUntil = Math.max(lockMs ? now + lockMs : 0, stale ? 0 : (current!.lockedUntil ?? 0));
    const next: DeviceRun = { failures, lastFailureAt: now, ...(lockedUntil ? { lockedUntil } : {}) };
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.login(slug, login),
          UpdateExpression: 'SET #device = :next',
          ConditionExpression: `attribute_exists(userId) AND ${current ? '#device.lastFailureAt = :last' : 'attribute_not_exists(#device)'}`,
          ExpressionAttributeNames: { '#device': deviceAttribute(deviceId) },
          ExpressionAttributeValues: { ':next': next, ...(current ? { ':last': current.lastFailureAt } : {}) },
        }),
      );
      return next;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const record = await getLogin(slug, login);
      if (!record?.userId) return undefined;
      current = record.devices[deviceId];
    }
  }
  return undefined;
}

/** A completed sign-in from a known device ends that device's run only. */
export async function clearDeviceFailures(slug: string, login: string, deviceId: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.login(slug, login),
      UpdateExpression: 'REMOVE #device',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#device': deviceAttribute(deviceId) },
    }),
  ).catch(ignoreConditionFailure);
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
 * behaviour tells whether an account exists. Returns when the lock it set ends (0: none).
 */
export async function recordFailure(slug: string, login: string, now: number, read: LoginRecord | undefined, threshold = LOCKOUT.threshold): Promise<number> {
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
  const lockMs = lockDuration(Number(Attributes?.failures ?? 0), threshold);
  if (lockMs === 0) return 0;
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.login(slug, login),
      UpdateExpression: 'SET lockedUntil = :until',
      ConditionExpression: 'attribute_not_exists(lockedUntil) OR lockedUntil < :until',
      ExpressionAttributeValues: { ':until': now + lockMs },
    }),
  ).catch(ignoreConditionFailure);
  return now + lockMs;
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
