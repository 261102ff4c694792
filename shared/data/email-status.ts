import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { db, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

export type EmailStatus = 'ok' | 'bounced' | 'complained';
export type UndeliverableStatus = Exclude<EmailStatus, 'ok'>;

/** Addresses are kept only as hashes, like the mail-rate counters. */
export const addressHash = (address: string): string => createHash('sha256').update(address.trim().toLowerCase()).digest('base64url');

/**
 * The deployment-wide suppression of an address (all organizations): written when SES reports a
 * permanent bounce or a complaint, read before every email. Each kind keeps its own timestamp, so
 * the write is unconditional (a redelivered or late event changes nothing) and a complaint
 * outranks a bounce whatever order they arrive in.
 */
export function suppressAddress(address: string, status: UndeliverableStatus, at: string): TxItem {
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.suppressed(addressHash(address)),
        UpdateExpression: 'SET entity = :entity, #kind = if_not_exists(#kind, :at)',
        ExpressionAttributeNames: { '#kind': status },
        ExpressionAttributeValues: { ':entity': 'suppressed', ':at': at },
      },
    },
  };
}

/** `undefined` when the address may be mailed. */
export async function suppressionOf(address: string): Promise<UndeliverableStatus | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.suppressed(addressHash(address)) }));
  if (Item?.complained) return 'complained';
  if (Item?.bounced) return 'bounced';
  return undefined;
}

/** The user that holds `address` in an organization, through its unique-email marker. */
export async function userIdByEmail(orgId: string, address: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.email(orgId, address), ConsistentRead: true }));
  return typeof Item?.userId === 'string' ? Item.userId : undefined;
}
