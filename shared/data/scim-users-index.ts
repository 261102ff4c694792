import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client';
import { keys } from './keys';
import { TABLE } from './table';
import { MANAGED_BY_SCIM, type ManagedBy } from './users';

/**
 * The ids of the organization's users one IdP manages (the directory by default, or one SSO
 * connection): one query of the users index, which projects managedBy. The index is
 * eventually consistent: callers that must not miss a user just written add the ids they know.
 */
export async function managedUserIds(orgId: string, manager: ManagedBy = MANAGED_BY_SCIM): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({
      TableName: tableName(),
      IndexName: TABLE.usersByLogin.indexName,
      KeyConditionExpression: '#gpk = :gpk',
      FilterExpression: '#managed = :manager',
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#gpk': TABLE.usersByLogin.partitionKey, '#managed': 'managedBy', '#id': 'id' },
      ExpressionAttributeValues: { ':gpk': keys.usersByLogin(orgId, '').gsi1pk, ':manager': manager },
      ExclusiveStartKey: start,
    }));
    ids.push(...(page.Items ?? []).map((item) => item.id as string));
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}
