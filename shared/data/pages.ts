import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from './client';

const nonEmpty = (key: string, map: Record<string, unknown>) => (Object.keys(map).length ? { [key]: map } : {});

/** Most items a filtered page examines before it returns what it found, with a cursor. */
export const MAX_EXAMINED_PER_PAGE = 1000;

/**
 * `attribute = value` for each defined entry, ANDed; dotted names reach into maps
 * (`actor.id`). Returns nothing to add when no entry is defined.
 */
export function equalityFilter(conditions: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(conditions)
    .filter(([, value]) => value !== undefined)
    .map(([field, value], index) => {
      const path = field.split('.').map((part, partIndex) => {
        names[`#e${index}_${partIndex}`] = part;
        return `#e${index}_${partIndex}`;
      });
      values[`:e${index}`] = value;
      return `${path.join('.')} = :e${index}`;
    });
  return { expression: parts.length ? parts.join(' AND ') : undefined, names, values };
}

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
): Promise<{ items: Record<string, unknown>[]; next?: Record<string, unknown> }> {
  const { expression, names, values } = equalityFilter(filter);
  const items: Record<string, unknown>[] = [];
  let examined = 0;
  do {
    const { Items = [], LastEvaluatedKey, ScannedCount = 0 } = await db().send(
      new QueryCommand({
        ...query,
        FilterExpression: expression,
        // DynamoDB refuses empty name or value maps, so they are left out when empty.
        ...nonEmpty('ExpressionAttributeNames', { ...query.ExpressionAttributeNames, ...names }),
        ...nonEmpty('ExpressionAttributeValues', { ...query.ExpressionAttributeValues, ...values }),
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
