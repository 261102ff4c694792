import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client';
import type { Problem } from '../errors';
import { keys } from './keys';
import type { TxItem } from './transact';

export type ChallengeKind = 'NEW_PASSWORD_REQUIRED' | 'MFA_REQUIRED' | 'MFA_SETUP_REQUIRED';

/**
 * A login in progress after the password was accepted: single-use, short-lived, stored only
 * under the hash of its session value. It is not an access token and cannot be refreshed.
 */
export interface ChallengeRecord {
  hash: string;
  kind: ChallengeKind;
  orgId: string;
  userId: string;
  slug: string;
  login: string;
  expiresAt: number;
  /** MFA_REQUIRED: the methods the organization allowed when it was opened (absent: any). */
  methods?: Array<'totp' | 'passkey'>;
  /** MFA_SETUP_REQUIRED: the secret offered for enrolment, encrypted. */
  pendingSecret?: string;
}

export async function putChallenge(challenge: ChallengeRecord): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.challenge(challenge.hash), entity: 'challenge', ...challenge, ttl: challenge.expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getChallenge(hash: string): Promise<ChallengeRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.challenge(hash), ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, entity: _entity, ttl: _ttl, ...challenge } = Item;
  return challenge as ChallengeRecord;
}

export async function setChallengeSecret(hash: string, pendingSecret: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.challenge(hash),
      UpdateExpression: 'SET pendingSecret = :secret',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':secret': pendingSecret },
    }),
  );
}

/** Spends the challenge in the same transaction as the change it allows: used twice, it fails. */
export const consumeChallengeItem = (hash: string, onConditionFailed: () => Problem): TxItem => ({
  write: { Delete: { TableName: tableName(), Key: keys.challenge(hash), ConditionExpression: 'attribute_exists(pk)' } },
  onConditionFailed,
});
