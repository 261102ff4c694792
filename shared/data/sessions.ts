import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionFailure, tableName } from './client';
import { keys } from './keys';

/**
 * A refresh-token family. Only hashes are stored: the current token's and the one it
 * replaced, which is how a replayed (stolen) token is recognised.
 */
export interface SessionRecord {
  orgId: string;
  userId: string;
  id: string;
  hash: string;
  previousHash?: string;
  createdAt: string;
  expiresAt: number;
  /** Who the session was issued to: the console, the API, or a registered app's id. */
  client?: string;
  /** Whether the sign-in used a second factor. */
  mfa?: boolean;
  /** Sessions of registered apps (OpenID Connect): when and how the person authenticated, */
  authTime?: number;
  amr?: string[];
  /** the OpenID scopes granted, */
  scope?: string;
  /** and the browser's Gatehouse session whose sign-in the app's session came from. */
  ssoSessionId?: string;
}

export async function putSession(session: SessionRecord): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.session(session.orgId, session.id), entity: 'session', ...session, ttl: session.expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export type RotateResult = { outcome: 'rotated'; session: SessionRecord } | { outcome: 'reused' } | { outcome: 'invalid' };

/** The clients of Gatehouse's own sign-in (/v1/auth/*), as opposed to registered apps. */
const OWN_CLIENTS = ['console', 'api'];

/**
 * Rotation in place: one conditional write that succeeds only if the presented token is the
 * current one, so of many concurrent refreshes at most one wins. When the condition fails,
 * the item as it was tells a replay of the just-spent token apart from garbage.
 */
export async function rotateSession(
  orgId: string,
  userId: string,
  sessionId: string,
  presentedHash: string,
  nextHash: string,
  rotatedAt: string,
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
        UpdateExpression: 'SET #hash = :next, previousHash = :presented, rotatedAt = :at',
        ConditionExpression: `#hash = :presented AND userId = :userId AND ${clientCondition}`,
        ExpressionAttributeNames: { '#hash': 'hash', '#client': 'client' },
        ExpressionAttributeValues: { ':next': nextHash, ':presented': presentedHash, ':userId': userId, ':at': rotatedAt, ...clientValues },
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

function fromItem(item: Record<string, unknown>): SessionRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ttl: _ttl, ...session } = item;
  return session as unknown as SessionRecord;
}

export async function getSession(orgId: string, sessionId: string): Promise<SessionRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.session(orgId, sessionId), ConsistentRead: true }));
  return Item ? fromItem(Item) : undefined;
}
