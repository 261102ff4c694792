import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, db, tableName } from './client';
import { keys } from './keys';
import { fromItem, type UserRecord } from './users';

/**
 * The users that already hold these logins (and those holding these email addresses) in one
 * organization: a few batch reads for a whole import call instead of two reads per row.
 */
export async function existingHolders(org: { id: string; slug: string }, logins: string[], emails: string[]) {
  const loginItems = await batchGet([...new Set(logins)].map((login) => keys.login(org.slug, login)));
  const emailItems = await batchGet([...new Set(emails.map((email) => email.toLowerCase()))].map((email) => keys.email(org.id, email)));
  const loginOwner = new Map<string, string>();
  for (const item of loginItems) {
    if (typeof item.userId === 'string' && item.orgId === org.id) loginOwner.set(String(item.pk).slice(`LOGIN#${org.slug}#`.length), item.userId);
  }
  const emailOwner = new Map<string, string>();
  for (const item of emailItems) {
    if (typeof item.userId === 'string') emailOwner.set(String(item.sk).slice('EMAIL#'.length), item.userId);
  }
  const users = await batchGet([...new Set(loginOwner.values())].map((id) => keys.user(org.id, id)));
  const byId = new Map<string, UserRecord>(users.map((item) => fromItem(item)).map((user) => [user.id, user]));
  return { loginOwner, emailOwner, byId };
}

/** One page of an organization's full user items (the export reads them page by page). */
export async function userRecordPage(orgId: string, start?: Record<string, unknown>, limit = 200) {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.userPrefix },
      ExclusiveStartKey: start,
      Limit: limit,
    }),
  );
  return { users: Items.map((item) => fromItem(item)), next: LastEvaluatedKey };
}
