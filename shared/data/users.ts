import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, preconditionFailed } from '../errors';
import { db, isConditionFailure, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

export type Role = 'root' | 'admin' | 'developer';
export type UserStatus = 'pending' | 'active' | 'deactivated';
export type EmailTokenPurpose = 'verifyEmail' | 'activation' | 'reset';

export interface UserRecord {
  id: string;
  orgId: string;
  login: string;
  name: string;
  email: string | null;
  type: 'human' | 'service';
  role: Role;
  status: UserStatus;
  emailVerified: boolean;
  mustChangePassword: boolean;
  mfa: { enabled: boolean; required: boolean };
  origin: string | null;
  location: string | null;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  version: number;
  passwordHash?: string;
  /**
   * Live sessions: session id -> expiry (epoch seconds). Kept on the user item so the one
   * read every authenticated request makes also tells whether its session was revoked.
   */
  sessions: Record<string, number>;
  /** Hash of the one live emailed link per purpose: issuing a new one kills the old one. */
  emailTokens: Partial<Record<EmailTokenPurpose, string>>;
  /** When the last verification link was emailed (for the resend rate limit). */
  verificationSentAt?: string;
}

/** The API's user object: never a hash, token, session or secret. */
export function publicUser(user: UserRecord) {
  return {
    id: user.id,
    login: user.login,
    name: user.name,
    email: user.email,
    type: user.type,
    role: user.role,
    status: user.status,
    emailVerified: user.emailVerified,
    mustChangePassword: user.mustChangePassword,
    mfa: { enabled: user.mfa.enabled, required: user.mfa.required },
    origin: user.origin,
    location: user.location,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastLoginAt: user.lastLoginAt,
    version: user.version,
  };
}
export type PublicUser = ReturnType<typeof publicUser>;

function fromItem(item: Record<string, unknown>): UserRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as unknown as UserRecord;
}

export async function getUser(orgId: string, userId: string): Promise<UserRecord | undefined> {
  // Strongly consistent: a deactivation or role change must hold on the very next request.
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.user(orgId, userId), ConsistentRead: true }));
  return Item ? fromItem(Item) : undefined;
}

export const putUser = (user: UserRecord): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.user(user.orgId, user.id), entity: 'user', ...user },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
});

export interface UserUpdate {
  set?: Record<string, unknown>;
  /** Attribute paths to remove, dotted for map entries (`emailTokens.reset`). */
  remove?: string[];
  /** Bump `version` (default): for changes to the user object the API shows. */
  bumpVersion?: boolean;
  /**
   * The guard: by default the version the caller read, so concurrent edits fail instead of
   * overwriting each other; or another attribute that must still hold the value read.
   */
  expect?: { version: number } | { attribute: string; value: unknown };
}

const path = (names: Record<string, string>, prefix: string, dotted: string) =>
  dotted
    .split('.')
    .map((part, index) => {
      names[`#${prefix}_${index}`] = part;
      return `#${prefix}_${index}`;
    })
    .join('.');

/** One user change as a transaction item; a failed guard becomes 412. */
export function updateUser(user: Pick<UserRecord, 'orgId' | 'id' | 'version'>, update: UserUpdate): TxItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(update.set ?? {}).map(([field, value], index) => {
    values[`:v${index}`] = value;
    return `${path(names, `s${index}`, field)} = :v${index}`;
  });
  if (update.bumpVersion !== false) {
    names['#version'] = 'version';
    values[':one'] = 1;
    sets.push('#version = #version + :one');
  }
  const removes = (update.remove ?? []).map((field, index) => path(names, `r${index}`, field));
  const expect = update.expect ?? { version: user.version };
  let condition = 'attribute_exists(pk)';
  if ('version' in expect) {
    names['#version'] = 'version';
    values[':expected'] = expect.version;
    condition += ' AND #version = :expected';
  } else if (expect.value === undefined) {
    condition += ` AND attribute_not_exists(${path(names, 'c', expect.attribute)})`;
  } else {
    values[':expected'] = expect.value;
    condition += ` AND ${path(names, 'c', expect.attribute)} = :expected`;
  }
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.user(user.orgId, user.id),
        UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
          .filter(Boolean)
          .join(' '),
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
      },
    },
    onConditionFailed: preconditionFailed,
  };
}

/**
 * Records a new session on the user item in the same write as the login bookkeeping,
 * dropping expired sessions and the oldest beyond the cap so the item stays small.
 */
export async function addSession(
  user: UserRecord,
  session: { id: string; expiresAt: number },
  options: { now: number; maxSessions: number; lastLoginAt: string; passwordHash?: string },
): Promise<void> {
  const live = Object.entries(user.sessions ?? {})
    .filter(([, expiresAt]) => expiresAt > options.now)
    .sort(([, a], [, b]) => b - a);
  const keep = new Set(live.slice(0, options.maxSessions - 1).map(([id]) => id));
  const drop = Object.keys(user.sessions ?? {}).filter((id) => !keep.has(id));

  const names: Record<string, string> = { '#sessions': 'sessions', '#new': session.id, '#lastLoginAt': 'lastLoginAt' };
  const values: Record<string, unknown> = { ':expiresAt': session.expiresAt, ':lastLoginAt': options.lastLoginAt };
  const sets = ['#sessions.#new = :expiresAt', '#lastLoginAt = :lastLoginAt'];
  if (options.passwordHash) {
    names['#passwordHash'] = 'passwordHash';
    values[':passwordHash'] = options.passwordHash;
    sets.push('#passwordHash = :passwordHash');
  }
  const removes = drop.map((id, index) => {
    names[`#d${index}`] = id;
    return `#sessions.#d${index}`;
  });
  names['#status'] = 'status';
  values[':active'] = 'active';
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.user(user.orgId, user.id),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      // A deactivation between the password check and this write must win.
      ConditionExpression: 'attribute_exists(pk) AND #status = :active',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

export async function removeSession(orgId: string, userId: string, sessionId: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.user(orgId, userId),
      UpdateExpression: 'REMOVE #sessions.#sid',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#sessions': 'sessions', '#sid': sessionId },
    }),
  ).catch((error: unknown) => {
    if (!isConditionFailure(error)) throw error;
  });
}

/** Holds an email address for one user of the organization (compared case-insensitively). */
export const claimEmail = (orgId: string, email: string, userId: string): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.email(orgId, email), entity: 'email', userId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: () => conflict('email_taken', 'This email address is already used in the organization.'),
});
