import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { preconditionFailed } from '../errors';
import { db, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

export type LogoType = 'image/png' | 'image/svg+xml';

/** An organization's branding; the logo's bytes live in their own item (emails never read them). */
export interface BrandingRecord {
  displayName: string | null;
  primaryColor: string | null;
  supportUrl: string | null;
  fromName: string | null;
  logo: { type: LogoType; bytes: number } | null;
  updatedAt: string | null;
  version: number;
}

export const NO_BRANDING: BrandingRecord = {
  displayName: null, primaryColor: null, supportUrl: null, fromName: null, logo: null, updatedAt: null, version: 0,
};

const brandingOf = (item: Record<string, unknown> | undefined): BrandingRecord => {
  if (!item) return { ...NO_BRANDING };
  const { displayName, primaryColor, supportUrl, fromName, logo, updatedAt, version } = item as unknown as BrandingRecord;
  return { displayName: displayName ?? null, primaryColor: primaryColor ?? null, supportUrl: supportUrl ?? null, fromName: fromName ?? null, logo: logo ?? null, updatedAt: updatedAt ?? null, version };
};

export async function getBranding(orgId: string, consistent = true): Promise<BrandingRecord> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.branding(orgId), ConsistentRead: consistent }));
  return brandingOf(Item);
}

/** Writes the branding if it is still at the version read (0: never written). */
export const putBranding = (orgId: string, branding: BrandingRecord, expectedVersion: number): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.branding(orgId), entity: 'branding', ...branding },
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
      ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
    },
  },
  onConditionFailed: preconditionFailed,
});

export const putLogo = (orgId: string, type: LogoType, bytes: Buffer): TxItem => ({
  write: { Put: { TableName: tableName(), Item: { ...keys.brandLogo(orgId), entity: 'brandLogo', type, data: bytes } } },
});

export const deleteLogo = (orgId: string): TxItem => ({
  write: { Delete: { TableName: tableName(), Key: keys.brandLogo(orgId) } },
});

export async function getLogo(orgId: string): Promise<{ type: LogoType; data: Buffer } | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.brandLogo(orgId) }));
  if (!Item) return undefined;
  return { type: Item.type as LogoType, data: Buffer.from(Item.data as Uint8Array) };
}

// ---- email templates ----

export interface TemplateRecord {
  type: string;
  locale: string;
  subject: string;
  text: string;
  html: string | null;
  version: number;
  updatedAt: string;
}

const templateOf = (item: Record<string, unknown>): TemplateRecord => {
  const { type, locale, subject, text, html, version, updatedAt } = item as unknown as TemplateRecord;
  return { type, locale, subject, text, html: html ?? null, version, updatedAt };
};

export async function getTemplate(orgId: string, type: string, locale: string): Promise<TemplateRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.emailTemplate(orgId, type, locale), ConsistentRead: true }));
  return Item ? templateOf(Item) : undefined;
}

/**
 * What sending one email needs from the table besides the recipient and the organization:
 * the branding and the organization's template for this type and language, in one round trip.
 */
export async function getEmailSettings(orgId: string, type: string, locale: string): Promise<{ branding: BrandingRecord; template?: TemplateRecord }> {
  const brandingKey = keys.branding(orgId);
  const templateKey = keys.emailTemplate(orgId, type, locale);
  const { Responses } = await db().send(new BatchGetCommand({
    RequestItems: { [tableName()]: { Keys: [brandingKey, templateKey], ConsistentRead: true } },
  }));
  const items = Responses?.[tableName()] ?? [];
  const branding = items.find((item) => item.sk === brandingKey.sk);
  const template = items.find((item) => item.sk === templateKey.sk);
  return { branding: brandingOf(branding), ...(template ? { template: templateOf(template) } : {}) };
}

/** `type/locale` of every template the organization wrote (a few dozen at most: types × six languages). */
export async function listTemplateIds(orgId: string): Promise<Array<{ type: string; locale: string }>> {
  const found: Array<{ type: string; locale: string }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.emailTemplatePrefix },
      ProjectionExpression: '#type, #locale',
      ExpressionAttributeNames: { '#type': 'type', '#locale': 'locale' },
      ConsistentRead: true,
      ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) found.push({ type: item.type as string, locale: item.locale as string });
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

/** Writes the template if it is still at the version read (`expected` undefined: whatever is there). */
export const putTemplate = (orgId: string, template: TemplateRecord, expectedVersion?: number): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.emailTemplate(orgId, template.type, template.locale), entity: 'emailTemplate', ...template },
      ...(expectedVersion === undefined
        ? {}
        : expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
    },
  },
  onConditionFailed: preconditionFailed,
});

export const deleteTemplate = (orgId: string, type: string, locale: string): TxItem => ({
  write: { Delete: { TableName: tableName(), Key: keys.emailTemplate(orgId, type, locale) } },
});
