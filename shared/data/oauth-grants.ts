import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Problem } from '../errors';
import { db, isConditionFailure, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

/**
 * The two short-lived grants of the OpenID Connect authorization-code flow. Both are stored
 * only under the hash of the value the browser carries, so a table dump holds nothing usable.
 * DynamoDB's TTL removes them eventually (on AWS up to days late), so every read also checks
 * `expiresAt` itself.
 */

/** What `GET /oauth2/authorize` accepted, kept while the console signs the person in. */
export interface AuthorizationRequestRecord {
  hash: string;
  clientId: string;
  redirectUri: string;
  /** Space-separated, as granted (always with `openid`). */
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge: string;
  prompt?: 'login' | 'none';
  maxAge?: number;
  loginHint?: string;
  /** Organization slug the client asked for. */
  org?: string;
  /** Epoch seconds; `prompt=login` needs a sign-in at or after this moment. */
  createdAt: number;
  expiresAt: number;
}

/** A code handed to the client's redirect URI: single use, bound to everything it may be traded for. */
export interface AuthorizationCodeRecord {
  hash: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce?: string;
  orgId: string;
  userId: string;
  /** The browser's Gatehouse session that signed the person in (single sign-on). */
  sessionId: string;
  /** When the person last proved who they are (epoch seconds), and how. */
  authTime: number;
  amr: string[];
  /** An enterprise SSO sign-in's connection, carried to the app's tokens and session. */
  idp?: string;
  /** The browser that signed in, for the app's session (the token request comes from the app, not from it). */
  ip: string;
  userAgent?: string;
  expiresAt: number;
  /** Set by the one exchange that wins; a later presentation revokes that session. */
  usedAt?: number;
  issuedSessionId?: string;
}

/**
 * A used code stays readable this long after it expired, so that presenting it again still
 * revokes what it issued (RFC 6749 §4.1.2) instead of looking like an unknown code.
 */
export const USED_CODE_RETENTION_SECONDS = 3600;

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, entity: _entity, ttl: _ttl, ...record } = item;
  return record as T;
};

export async function putAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.authorizationRequest(request.hash), entity: 'authorizationRequest', ...request, ttl: request.expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getAuthorizationRequest(hash: string): Promise<AuthorizationRequestRecord | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.authorizationRequest(hash), ConsistentRead: true }),
  );
  return strip<AuthorizationRequestRecord>(Item);
}

/** Spends the pending request in the same transaction as the code it turns into: used twice, it fails. */
export const consumeAuthorizationRequestItem = (hash: string, onConditionFailed: () => Problem): TxItem => ({
  write: {
    Delete: { TableName: tableName(), Key: keys.authorizationRequest(hash), ConditionExpression: 'attribute_exists(pk)' },
  },
  onConditionFailed,
});

export const putAuthorizationCodeItem = (code: AuthorizationCodeRecord): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.authorizationCode(code.hash),
        entity: 'authorizationCode',
        ...code,
        ttl: code.expiresAt + USED_CODE_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
});

export async function getAuthorizationCode(hash: string): Promise<AuthorizationCodeRecord | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.authorizationCode(hash), ConsistentRead: true }),
  );
  return strip<AuthorizationCodeRecord>(Item);
}

export type ClaimResult = { outcome: 'claimed' } | { outcome: 'reused'; issuedSessionId?: string };

/**
 * The exchange: one conditional write that only the first presentation wins, recording the
 * session it is about to issue. Of two concurrent exchanges exactly one gets tokens; the other
 * learns which session to revoke.
 */
export async function claimAuthorizationCode(hash: string, issuedSessionId: string, usedAt: number): Promise<ClaimResult> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.authorizationCode(hash),
        UpdateExpression: 'SET usedAt = :at, issuedSessionId = :sid',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)',
        ExpressionAttributeValues: { ':at': usedAt, ':sid': issuedSessionId },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { outcome: 'claimed' };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const old = (error as { Item?: Record<string, { S?: string }> }).Item;
    return { outcome: 'reused', issuedSessionId: old?.issuedSessionId?.S };
  }
}
