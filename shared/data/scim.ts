import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, notFound, preconditionFailed } from '../errors';
import { db, ignoreConditionFailure, tableName } from './client';
import { keys } from './keys';
import { TABLE } from './table';
import type { TxItem } from './transact';

/**
 * SCIM provisioning's own items (shared/api/scim.md): the organization's settings with its
 * tokens, the token lookup, externalId and group-name markers, and groups. Uniqueness is held
 * by marker items written in the same transaction as what they guard, so a filter by
 * userName, email, externalId or displayName is one read, never a scan.
 */

export const MAX_SCIM_TOKENS = 5;

export interface ScimTokenMeta {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  createdAt: string;
}

export interface ScimSettings {
  defaultRole: 'admin' | 'developer';
  tokens: Record<string, ScimTokenMeta>;
  version: number;
}

/** What one read of a presented token's hash tells: whose it is, and its bookkeeping. */
export interface ScimTokenLookup {
  orgId: string;
  slug: string;
  id: string;
  name: string;
  lastUsedAt: string | null;
  lastChangeAt: string | null;
}

const DEFAULT_SETTINGS: ScimSettings = { defaultRole: 'developer', tokens: {}, version: 0 };

export async function getScimSettings(orgId: string): Promise<ScimSettings> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.scimSettings(orgId), ConsistentRead: true }));
  if (!Item) return { ...DEFAULT_SETTINGS, tokens: {} };
  return { defaultRole: Item.defaultRole ?? 'developer', tokens: Item.tokens ?? {}, version: Item.version ?? 0 };
}

/** Creates the settings item when missing, so map-entry updates below always have a map to write into. */
export async function initScimSettings(orgId: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.scimSettings(orgId),
      UpdateExpression: 'SET entity = :entity, defaultRole = if_not_exists(defaultRole, :role), tokens = if_not_exists(tokens, :empty), version = if_not_exists(version, :zero)',
      ExpressionAttributeValues: { ':entity': 'scimSettings', ':role': 'developer', ':empty': {}, ':zero': 0 },
    }),
  );
}

export const putScimToken = (orgId: string, slug: string, meta: ScimTokenMeta): TxItem[] => [
  {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.scimSettings(orgId),
        UpdateExpression: 'SET #tokens.#id = :meta',
        // The map's size is the cap: two concurrent creations cannot both pass it, as the item is one.
        ConditionExpression: 'attribute_exists(pk) AND size(#tokens) < :max',
        ExpressionAttributeNames: { '#tokens': 'tokens', '#id': meta.id },
        ExpressionAttributeValues: { ':meta': meta, ':max': MAX_SCIM_TOKENS },
      },
    },
    onConditionFailed: () => conflict('too_many_tokens', `An organization may hold at most ${MAX_SCIM_TOKENS} SCIM tokens; revoke one first.`),
  },
  {
    write: {
      Put: {
        TableName: tableName(),
        Item: { ...keys.scimToken(meta.hash), entity: 'scimToken', orgId, slug, id: meta.id, name: meta.name, lastUsedAt: null, lastChangeAt: null },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  },
];

export const deleteScimToken = (orgId: string, meta: ScimTokenMeta): TxItem[] => [
  {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.scimSettings(orgId),
        UpdateExpression: 'REMOVE #tokens.#id',
        ConditionExpression: 'attribute_exists(#tokens.#id)',
        ExpressionAttributeNames: { '#tokens': 'tokens', '#id': meta.id },
      },
    },
    onConditionFailed: () => notFound('No such SCIM token.'),
  },
  { write: { Delete: { TableName: tableName(), Key: keys.scimToken(meta.hash) } } },
];

export const updateScimSettings = (orgId: string, set: { defaultRole: 'admin' | 'developer' }, expectedVersion: number): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.scimSettings(orgId),
      UpdateExpression: 'SET defaultRole = :role, version = version + :one',
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':role': set.defaultRole, ':one': 1, ':expected': expectedVersion },
    },
  },
  onConditionFailed: preconditionFailed,
});

export async function findScimToken(hash: string): Promise<ScimTokenLookup | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.scimToken(hash), ConsistentRead: true }));
  if (!Item) return undefined;
  return { orgId: Item.orgId, slug: Item.slug, id: Item.id, name: Item.name, lastUsedAt: Item.lastUsedAt ?? null, lastChangeAt: Item.lastChangeAt ?? null };
}

export async function getScimTokenLookups(hashes: string[]): Promise<ScimTokenLookup[]> {
  if (!hashes.length) return [];
  const answer = await db().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: hashes.map(keys.scimToken) } } }));
  return (answer.Responses?.[tableName()] ?? []).map((Item) => ({
    orgId: Item.orgId, slug: Item.slug, id: Item.id, name: Item.name, lastUsedAt: Item.lastUsedAt ?? null, lastChangeAt: Item.lastChangeAt ?? null,
  }));
}

/** Bookkeeping (`lastUsedAt`, `lastChangeAt`) of a token that still exists; a revoked one is left alone. */
export async function touchScimToken(hash: string, field: 'lastUsedAt' | 'lastChangeAt', at: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.scimToken(hash),
      UpdateExpression: 'SET #field = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#field': field },
      ExpressionAttributeValues: { ':at': at },
    }),
  ).catch(ignoreConditionFailure);
}

// ---- externalId markers ----

export async function findExternalId(orgId: string, kind: 'USER' | 'GROUP', externalId: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.scimExternalId(orgId, kind, externalId), ConsistentRead: true }));
  return Item?.targetId as string | undefined;
}

export const claimExternalId = (orgId: string, kind: 'USER' | 'GROUP', externalId: string, targetId: string): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.scimExternalId(orgId, kind, externalId), entity: 'scimExternalId', targetId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: () => conflict('external_id_taken', `This externalId is already used by another ${kind === 'USER' ? 'user' : 'group'} of the organization.`),
});

export const releaseExternalId = (orgId: string, kind: 'USER' | 'GROUP', externalId: string, targetId: string): TxItem => ({
  write: {
    Delete: {
      TableName: tableName(),
      Key: keys.scimExternalId(orgId, kind, externalId),
      ConditionExpression: 'targetId = :target',
      ExpressionAttributeValues: { ':target': targetId },
    },
  },
});

// ---- groups ----

export interface ScimGroupRecord {
  id: string;
  orgId: string;
  displayName: string;
  externalId?: string;
  /** Member user ids. At most 10,000 (36 bytes each) keeps the item under DynamoDB's 400 KB. */
  members: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

const groupFromItem = (Item: Record<string, unknown>): ScimGroupRecord => {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = Item;
  const group = rest as unknown as ScimGroupRecord;
  group.members ??= [];
  return group;
};

export async function getScimGroup(orgId: string, groupId: string): Promise<ScimGroupRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.scimGroup(orgId, groupId), ConsistentRead: true }));
  return Item ? groupFromItem(Item) : undefined;
}

export async function findScimGroupByName(orgId: string, displayName: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.scimGroupName(orgId, displayName), ConsistentRead: true }));
  return Item?.groupId as string | undefined;
}

export const putScimGroup = (group: ScimGroupRecord, expectedVersion?: number): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.scimGroup(group.orgId, group.id), entity: 'scimGroup', ...group },
      ...(expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
    },
  },
  onConditionFailed: preconditionFailed,
});

export const deleteScimGroupItem = (group: ScimGroupRecord): TxItem => ({
  write: {
    Delete: {
      TableName: tableName(),
      Key: keys.scimGroup(group.orgId, group.id),
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': group.version },
    },
  },
  onConditionFailed: preconditionFailed,
});

export const claimGroupName = (orgId: string, displayName: string, groupId: string): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.scimGroupName(orgId, displayName), entity: 'scimGroupName', groupId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: () => conflict('display_name_taken', 'A group with this displayName already exists in the organization.'),
});

export const releaseGroupName = (orgId: string, displayName: string, groupId: string): TxItem => ({
  write: {
    Delete: {
      TableName: tableName(),
      Key: keys.scimGroupName(orgId, displayName),
      ConditionExpression: 'groupId = :group',
      ExpressionAttributeValues: { ':group': groupId },
    },
  },
});

/**
 * Groups in creation order (their ids are time-ordered): `skip` of them first, then up to
 * `limit`. Skipping is a count-only query, which DynamoDB bills like a read of the items
 * but which sends nothing back.
 */
export async function listScimGroups(orgId: string, options: { skip: number; limit: number; start?: Record<string, unknown> }) {
  let start = options.start;
  let skipped = 0;
  while (skipped < options.skip) {
    const page = await db().send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.scimGroupPrefix },
      Select: 'COUNT',
      Limit: options.skip - skipped,
      ExclusiveStartKey: start,
    }));
    skipped += page.Count ?? 0;
    start = page.LastEvaluatedKey;
    if (!start) return { items: [] as ScimGroupRecord[], next: undefined };
  }
  if (options.limit === 0) return { items: [] as ScimGroupRecord[], next: start };
  const items: ScimGroupRecord[] = [];
  do {
    const page = await db().send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.scimGroupPrefix },
      Limit: options.limit - items.length,
      ExclusiveStartKey: start,
      ConsistentRead: true,
    }));
    items.push(...(page.Items ?? []).map(groupFromItem));
    start = page.LastEvaluatedKey;
  } while (start && items.length < options.limit);
  return { items, next: start };
}

/**
 * How many groups the organization has: a count of their displayName markers, which are a
 * few dozen bytes each (10,000 groups: about 1 MB, 125 RCU), where the groups themselves hold
 * up to 10,000 member ids each.
 */
export async function countScimGroups(orgId: string): Promise<number> {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.scimGroupNamePrefix },
      Select: 'COUNT',
      ExclusiveStartKey: start,
    }));
    total += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return total;
}

export const MAX_SCIM_GROUPS = 10_000;

/**
 * The organization's group count on its SCIM settings item, moved in the transaction that
 * creates or deletes a group: the cap of 10,000 holds under concurrent creations, which a
 * count read before the write could not promise.
 */
export const countGroupItem = (orgId: string, delta: 1 | -1): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.scimSettings(orgId),
      UpdateExpression: 'ADD groupCount :delta',
      ...(delta > 0 ? { ConditionExpression: 'attribute_not_exists(groupCount) OR groupCount < :max' } : {}),
      ExpressionAttributeValues: { ':delta': delta, ...(delta > 0 ? { ':max': MAX_SCIM_GROUPS } : {}) },
    },
  },
  onConditionFailed: () => conflict('too_many_groups', `An organization has at most ${MAX_SCIM_GROUPS.toLocaleString('en')} groups; delete one first.`),
});

// ---- users as the directory sees them ----

/**
 * The ids of the organization's people (never service accounts) in creation order
 * (`createdAt`, then id, so equal instants keep one order). User ids are random, so no key
 * holds this order: it is one query of the users index (which projects `createdAt` and `type`),
 * sorted here. DynamoDB bills the query by the size of every index item it reads, about 0.3 KB
 * per user: some 400 RCU and four 1 MB pages at 10,000 users (npm run bench, "SCIM GET page").
 */
export async function humanIdsByCreation(orgId: string): Promise<string[]> {
  const entries: Array<{ id: string; createdAt: string }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({
      TableName: tableName(),
      IndexName: TABLE.usersByLogin.indexName,
      KeyConditionExpression: '#gpk = :gpk',
      FilterExpression: '#type = :human',
      ProjectionExpression: '#id, createdAt',
      ExpressionAttributeNames: { '#gpk': TABLE.usersByLogin.partitionKey, '#type': 'type', '#id': 'id' },
      ExpressionAttributeValues: { ':gpk': keys.usersByLogin(orgId, '').gsi1pk, ':human': 'human' },
      ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) entries.push({ id: item.id as string, createdAt: String(item.createdAt ?? '') });
    start = page.LastEvaluatedKey;
  } while (start);
  entries.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return entries.map((entry) => entry.id);
}

export async function countManagedUsers(orgId: string): Promise<number> {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({
      TableName: tableName(),
      IndexName: TABLE.usersByLogin.indexName,
      KeyConditionExpression: '#gpk = :gpk',
      FilterExpression: '#managed = :scim',
      ExpressionAttributeNames: { '#gpk': TABLE.usersByLogin.partitionKey, '#managed': 'managedBy' },
      ExpressionAttributeValues: { ':gpk': keys.usersByLogin(orgId, '').gsi1pk, ':scim': 'scim' },
      Select: 'COUNT',
      ExclusiveStartKey: start,
    }));
    total += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return total;
}
