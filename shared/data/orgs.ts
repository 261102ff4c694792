import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, notFound, preconditionFailed } from '../errors';
import type { Locale } from '../i18n/locales';
import { db, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

/** Who must have a second factor, and which methods count (api/passkeys.md). */
export interface MfaPolicy {
  require: 'off' | 'admins' | 'everyone';
  methods: Array<'totp' | 'passkey'>;
}

export interface OrgRecord {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Absent: the default, nobody required and both methods allowed. */
  mfaPolicy?: MfaPolicy;
  /** The language of emails to users who chose none (absent: English); set at sign-up and with the branding. */
  defaultLocale?: Locale;
}

export const publicOrg = (org: OrgRecord) => ({
  id: org.id,
  slug: org.slug,
  name: org.name,
  createdAt: org.createdAt,
  mfaPolicy: org.mfaPolicy ?? { require: 'off' as const, methods: ['totp' as const, 'passkey' as const] },
  version: org.version,
});

export const setMfaPolicy = (org: OrgRecord, policy: MfaPolicy, updatedAt: string): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.org(org.id),
      UpdateExpression: 'SET mfaPolicy = :policy, updatedAt = :updatedAt, #version = #version + :one',
      ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':policy': policy, ':updatedAt': updatedAt, ':one': 1, ':expected': org.version },
    },
  },
  onConditionFailed: preconditionFailed,
});

export async function getOrg(orgId: string): Promise<OrgRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.org(orgId), ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, entity: _entity, ...org } = Item;
  return org as OrgRecord;
}

/** The caller's organization, which must exist (a 404 otherwise). */
export async function requireOrg(orgId: string): Promise<OrgRecord> {
  const org = await getOrg(orgId);
  if (!org) throw notFound();
  return org;
}

export const putOrg = (org: OrgRecord): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.org(org.id), entity: 'org', ...org },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
});

/** Slugs are unique across Gatehouse and never change, so the marker is never moved. */
export const putSlugMarker = (slug: string, orgId: string): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.slug(slug), entity: 'slug', orgId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: () => conflict('slug_taken', 'This organization slug is already taken.'),
});

export const renameOrg = (org: OrgRecord, name: string, updatedAt: string): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.org(org.id),
      UpdateExpression: 'SET #name = :name, updatedAt = :updatedAt, #version = #version + :one',
      ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
      ExpressionAttributeNames: { '#name': 'name', '#version': 'version' },
      ExpressionAttributeValues: { ':name': name, ':updatedAt': updatedAt, ':one': 1, ':expected': org.version },
    },
  },
  onConditionFailed: preconditionFailed,
});

export async function orgIdBySlug(slug: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.slug(slug), ConsistentRead: true }));
  return Item?.orgId as string | undefined;
}

/** The organization's default language (emails to users who chose none); no version bump: the branding's version guards it. */
export const setDefaultLocale = (org: OrgRecord, locale: Locale): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.org(org.id),
      UpdateExpression: 'SET defaultLocale = :locale',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':locale': locale },
    },
  },
});
