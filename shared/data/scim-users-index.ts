import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client';
import { keys } from './keys';
import { TABLE } from './table';

/** The ids of the organization's SCIM-managed users: one query of the users index (managedBy is projected). */
export async function managedUserIds(orgId: string): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({
      TableName: tableName(),
      IndexName: TABLE.usersByLogin.indexName,
      KeyConditionExpression: '#gpk = :gpk',
      FilterExpression: '#managed = :scim',
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#gpk': TABLE.usersByLogin.partitionKey, '#managed': 'managedBy', '#id': 'id' },
      ExpressionAttributeValues: { ':gpk': keys.usersByLogin(orgId, '').gsi1pk, ':scim': 'scim' },
      ExclusiveStartKey: start,
    }));
    ids.push(...(page.Items ?? []).map((item) => item.id as string));
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}
