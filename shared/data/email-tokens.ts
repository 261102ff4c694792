import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';
import type { EmailTokenPurpose } from './users';

/** An emailed single-use token, stored under the hash of its value and expired by TTL. */
export interface EmailTokenRecord {
  hash: string;
  purpose: EmailTokenPurpose;
  orgId: string;
  userId: string;
  /** For email verification: the address the link was sent to. */
  email?: string;
  expiresAt: number;
}

export const putEmailToken = (token: EmailTokenRecord): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.token(token.hash), entity: 'emailToken', ...token, ttl: token.expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
});

export async function getEmailToken(hash: string): Promise<EmailTokenRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.token(hash), ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, entity: _entity, ttl: _ttl, ...token } = Item;
  return token as EmailTokenRecord;
}

/** Consumes the token in the same transaction as the change it allows: used twice, it fails. */
export const consumeEmailToken = (hash: string, onConditionFailed: TxItem['onConditionFailed']): TxItem => ({
  write: {
    Delete: {
      TableName: tableName(),
      Key: keys.token(hash),
      ConditionExpression: 'attribute_exists(pk)',
    },
  },
  onConditionFailed,
});
