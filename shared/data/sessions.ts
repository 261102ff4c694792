import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '../log';
import { batchGet, db, isConditionFailure, tableName, writeBatches } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

/**
 * A refresh-token family. Only hashes are stored: the current token's and the one it
 * replaced, which is how a replayed (stolen) token is recognised. Beside them, what the
 * user's session list shows; none of it is a secret.
 */
export interface SessionRecord {
  orgId: string;
  userId: string;
  id: string;
  hash: string;
  previousHash?: string;
  createdAt: string;
  expiresAt: number;
  /**
   * The last sign-in or refresh. Refreshes write the item anyway (rotation), so this costs no
   * extra write; requests made with an access token in between are not counted, which makes
   * it accurate to within one access-token lifetime (15 minutes).
   */
  lastUsedAt?: string;
  /** The address of the last sign-in or refresh (updated in the same rotation write). */
  ip?: string;
  /** As sent at sign-in (at most 256 characters), with what was parsed from it. */
  userAgent?: string;
  browser?: string | null;
  os?: string | null;
  /** `console` (browser cookie session), `api`, or the id of a registered app. */
  client?: string;
  /** Whether a second factor was used to sign in. */
  mfa?: boolean;
  /** Sessions of registered apps (OpenID Connect): when and how the person authenticated, */
  authTime?: number;
  amr?: string[];
  /** the OpenID scopes granted, */
  scope?: string;
  /** and the browser's Gatehouse session whose sign-in the app's session came from. */
  ssoSessionId?: string;
  /** The enterprise SSO connection the sign-in came through. */
  idp?: string;
}

export async function getSession(orgId: string, sessionId: string): Promise<SessionRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.session(orgId, sessionId), ConsistentRead: true }));
  return Item as SessionRecord | undefined;
}

/** A new session, written in the same transaction as its entry in the user's session list. */
export const putSession = (session: SessionRecord): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.session(session.orgId, session.id), entity: 'session', ...session, ttl: session.expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
});

export type RotateResult = { outcome: 'rotated'; session: SessionRecord } | { outcome: 'reused' } | { outcome: 'invalid' };

/** The clients of Gatehouse's own sign-in (/v1/auth/*), as opposed to registered apps. */
const OWN_CLIENTS = ['console', 'api'];

/**
 * Rotation in place: one conditional write that succeeds only if the presented token is the
 * current one, so of many concurrent refreshes at most one wins. When the condition fails,
 * the item as it was tells a replay of the just-spent token apart from garbage. The same
 * write answers the session as it now is, so no read is added.
 */
export async function rotateSession(
  orgId: string,
  userId: string,
  sessionId: string,
  presentedHash: string,
  nextHash: string,
  rotatedAt: string,
  ip?: string,
  /** A registered app's id: only its own sessions rotate. Absent: only the console's and the API's. */
  client?: string,
): Promise<RotateResult> {
  const clientCondition = client
    ? '#client = :client'
    : `(attribute_not_exists(#client) OR #client IN (${OWN_CLIENTS.map((_, index) => `:own${index}`).join(', ')}))`;
  const clientValues = client ? { ':client': client } : Object.fromEntries(OWN_CLIENTS.map((name, index) => [`:own${index}`, name]));
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.session(orgId, sessionId),
        // lastUsedAt and ip ride on the rotation write: a refresh stays one conditional write.
        UpdateExpression: `SET #hash = :next, previousHash = :presented, rotatedAt = :at, lastUsedAt = :at${ip ? ', ip = :ip' : ''}`,
        ConditionExpression: `#hash = :presented AND userId = :userId AND ${clientCondition}`,
        ExpressionAttributeNames: { '#hash': 'hash', '#client': 'client' },
        ExpressionAttributeValues: {
          ':next': nextHash, ':presented': presentedHash, ':userId': userId, ':at': rotatedAt, ...(ip ? { ':ip': ip } : {}), ...clientValues,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { outcome: 'rotated', session: fromItem(Attributes!) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const old = (error as { Item?: Record<string, { S?: string }> }).Item;
    const reused = old?.previousHash?.S === presentedHash && old?.userId?.S === userId;
    return { outcome: reused ? 'reused' : 'invalid' };
  }
}

/** Deletes the family if the presented token is its current one (logout). */
export async function deleteSessionIfCurrent(orgId: string, sessionId: string, presentedHash: string): Promise<boolean> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.session(orgId, sessionId),
        ConditionExpression: '#hash = :presented',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ExpressionAttributeValues: { ':presented': presentedHash },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function deleteSession(orgId: string, sessionId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.session(orgId, sessionId) }));
}

/** The session items of these ids (one batch read per 100; at most 50 live per user). */
export async function getSessions(orgId: string, sessionIds: string[]): Promise<SessionRecord[]> {
  const items = await batchGet(sessionIds.map((id) => keys.session(orgId, id)));
  return items.map(({ pk: _pk, sk: _sk, entity: _entity, ttl: _ttl, ...session }) => session as unknown as SessionRecord);
}

/**
 * Removes the items of sessions already ended on the user item. Tidying only: an ended
 * session is dead because the user item no longer lists it, so a failure here is logged and
 * the item's TTL removes it later.
 */
export async function deleteSessionItems(orgId: string, sessionIds: string[]): Promise<void> {
  try {
    await writeBatches(sessionIds.map((id) => ({ DeleteRequest: { Key: keys.session(orgId, id) } })));
  } catch (error) {
    logger.warn('ended session items not deleted; their TTL will', { error: error instanceof Error ? error.name : 'unknown' });
  }
}

function fromItem(item: Record<string, unknown>): SessionRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ttl: _ttl, ...session } = item;
  return session as unknown as SessionRecord;
}
