import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from './client';
import { Expression } from './expression';

const nonEmpty = (key: string, map: Record<string, unknown>) => (Object.keys(map).length ? { [key]: map } : {});

/** Most items a filtered page examines before it returns what it found, with a cursor. */
export const MAX_EXAMINED_PER_PAGE = 1000;

/**
 * One page of a query with optional equality filters. DynamoDB filters after reading, so
 * the page keeps querying until it is full or has examined MAX_EXAMINED_PER_PAGE items:
 * unfiltered it is one query, and a filtered page can hold fewer than `limit` items.
 */
export async function filteredPage(
  query: QueryCommandInput,
  filter: Record<string, unknown>,
  limit: number,
  start: Record<string, unknown> | undefined,
  /** One more condition that is not an equality (e.g. `contains`), written with the same placeholders. */
  extra?: (expression: Expression) => string,
): Promise<{ items: Record<string, unknown>[]; next?: Record<string, unknown> }> {
  const expression = new Expression();
  const parts = Object.entries(filter)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => `${expression.path(field)} = ${expression.value(value)}`);
  if (extra) parts.push(extra(expression));
  const items: Record<string, unknown>[] = [];
  let examined = 0;
  do {
    const { Items = [], LastEvaluatedKey, ScannedCount = 0 } = await db().send(
      new QueryCommand({
        ...query,
        FilterExpression: parts.length ? parts.join(' AND ') : undefined,
        // DynamoDB refuses empty name or value maps, so they are left out when empty.
        ...nonEmpty('ExpressionAttributeNames', { ...query.ExpressionAttributeNames, ...expression.names }),
        ...nonEmpty('ExpressionAttributeValues', { ...query.ExpressionAttributeValues, ...expression.values }),
        ExclusiveStartKey: start,
        Limit: limit - items.length,
      }),
    );
    items.push(...Items);
    examined += ScannedCount;
    start = LastEvaluatedKey;
  } while (start && items.length < limit && examined < MAX_EXAMINED_PER_PAGE);
  return { items, next: start };
}
