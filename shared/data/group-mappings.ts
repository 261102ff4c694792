import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { preconditionFailed } from '../errors';
import { db, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

/**
 * The organization's one list of IdP group → role and permissions, shared by SCIM provisioning
 * and enterprise single sign-on (shared/api/scim.md "Settings, tokens and group mappings").
 * One item, so the whole list is read and replaced at once and guarded by one version.
 */
export interface GroupMapping {
  group: string;
  role: 'admin' | 'developer' | null;
  permissions: string[];
}

export interface GroupMappingList {
  items: GroupMapping[];
  version: number;
}

const EMPTY: GroupMappingList = { items: [], version: 0 };

export async function getGroupMappings(orgId: string): Promise<GroupMappingList> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.groupMappings(orgId), ConsistentRead: true }));
  if (!Item) return EMPTY;
  return { items: (Item.items as GroupMapping[]) ?? [], version: Item.version as number };
}

/**
 * Replaces the list; `expectedVersion` is the version read (0 while none was ever saved), so two
 * editors cannot overwrite each other unseen.
 */
export const putGroupMappings = (orgId: string, items: GroupMapping[], expectedVersion: number, updatedAt: string): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.groupMappings(orgId), entity: 'groupMappings', items, version: expectedVersion + 1, updatedAt },
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
      ...(expectedVersion === 0
        ? {}
        : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
    },
  },
  onConditionFailed: preconditionFailed,
});
