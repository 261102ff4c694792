import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, preconditionFailed } from '../errors';
import { cancellationReasons, db, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

export type Plan = 'free' | 'team' | 'business' | 'enterprise';

/** Only a summary of the payment method is ever kept: never a card number. */
export interface BillingProfile {
  plan: Plan;
  billingEmail: string | null;
  paymentMethod: { brand: string; last4: string; expMonth: number; expYear: number } | null;
  address: { line1: string; line2?: string; city: string; state?: string; postalCode: string; country: string } | null;
  updatedAt: string | null;
  version: number;
}

export const DEFAULT_BILLING: BillingProfile = { plan: 'free', billingEmail: null, paymentMethod: null, address: null, updatedAt: null, version: 0 };

export async function getBilling(orgId: string): Promise<BillingProfile> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.billing(orgId), ConsistentRead: true }));
  if (!Item) return { ...DEFAULT_BILLING };
  const { plan, billingEmail, paymentMethod, address, updatedAt, version } = Item;
  return { plan, billingEmail, paymentMethod: paymentMethod ?? null, address: address ?? null, updatedAt, version };
}

/** Writes the profile if it is still at the version read (0: never written). */
export const putBilling = (orgId: string, profile: BillingProfile, expectedVersion: number): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.billing(orgId), entity: 'billing', ...profile },
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
      ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
    },
  },
  onConditionFailed: preconditionFailed,
});

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

export interface Invoice {
  id: string;
  number: string;
  periodStart: string;
  periodEnd: string;
  /** In the currency's minor unit (cents). */
  amountDue: number;
  currency: string;
  status: InvoiceStatus;
}

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Upserts one invoice, idempotent on its number: a marker per number pins the invoice to
 * one sort key (newest period first), so importing the same file twice changes nothing.
 */
export async function upsertInvoice(orgId: string, invoice: Invoice): Promise<ImportOutcome> {
  const key = keys.invoice(orgId, invoice.periodEnd, invoice.number);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  if (Item) {
    const same = (['periodStart', 'periodEnd', 'amountDue', 'currency', 'status'] as const).every((field) => Item[field] === invoice[field]);
    if (same) return 'unchanged';
  }
  const item = { ...key, entity: 'invoice', ...invoice, id: (Item?.id as string | undefined) ?? invoice.id };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: { ...keys.invoiceNumber(orgId, invoice.number), entity: 'invoiceNumber', sortKey: key.sk },
              ConditionExpression: 'attribute_not_exists(pk) OR sortKey = :sk',
              ExpressionAttributeValues: { ':sk': key.sk },
            },
          },
          { Put: { TableName: tableName(), Item: item } },
        ],
      }),
    );
  } catch (error) {
    if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') {
      throw conflict('invoice_number_reused', `Invoice ${invoice.number} already exists for another period.`);
    }
    throw error;
  }
  return Item ? 'updated' : 'created';
}

export async function listInvoices(orgId: string, options: { limit: number; start?: Record<string, unknown> }) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.invoicePrefix },
      ScanIndexForward: false,
      ExclusiveStartKey: options.start,
      Limit: options.limit,
    }),
  );
  return {
    items: Items.map(({ id, number, periodStart, periodEnd, amountDue, currency, status }) => ({ id, number, periodStart, periodEnd, amountDue, currency, status }) as Invoice),
    next: LastEvaluatedKey,
  };
}
