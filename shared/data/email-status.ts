import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { db, tableName } from './client';
import { keys } from './keys';
import { TABLE } from './table';
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

/**
 * What a new user's record starts with for its address (api/production.md "User object"): the
 * address's deployment-wide status when SES reported it undeliverable, else nothing (`ok`). Every
 * way a user is created spreads this into newUser: a bounce marks only the users holding the
 * address when it arrives, so one created later would show `ok` while nothing is mailed to it.
 */
export async function newAddressStatus(address: string): Promise<{ emailStatus?: UndeliverableStatus }> {
  const suppressed = await suppressionOf(address);
  return suppressed ? { emailStatus: suppressed } : {};
}

/** The user that holds `address` in an organization, through its unique-email marker. */
export async function userIdByEmail(orgId: string, address: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.email(orgId, address), ConsistentRead: true }));
  return typeof Item?.userId === 'string' ? Item.userId : undefined;
}

/** Lifts the deployment-wide suppression of an address (the user or root said it works again). */
export function liftSuppression(address: string): TxItem {
  return { write: { Delete: { TableName: tableName(), Key: keys.suppressed(addressHash(address)) } } };
}

export interface AddressHolder {
  orgId: string;
  userId: string;
}

/**
 * Every user of any organization holding `address`, from the unique-email markers' entries in
 * the users index (keys.addressHolder). The index is eventually consistent: a holder added a
 * moment ago may be missing, which is why a new address also reads its suppression when claimed.
 */
export async function holdersOf(address: string): Promise<AddressHolder[]> {
  const index = TABLE.usersByLogin;
  const holders: AddressHolder[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: index.indexName,
        KeyConditionExpression: '#gpk = :gpk',
        ProjectionExpression: '#gsk',
        ExpressionAttributeNames: { '#gpk': index.partitionKey, '#gsk': index.sortKey },
        ExpressionAttributeValues: { ':gpk': keys.addressHolders(addressHash(address)) },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const [orgId, userId] = String(item[index.sortKey]).split('#');
      if (orgId && userId) holders.push({ orgId, userId });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return holders;
}
