import { GetItemCommand, QueryCommand as BaseQueryCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cancellationReasons, db, isConditionFailure, tableName } from '../../shared/data/client';
import { newId } from '../../shared/ids';

// shared/data/client.ts builds each lib-dynamodb command class's middleware chain once and
// reuses it. These hold that reuse to what lib-dynamodb itself does: each call's own input,
// marshalled and unmarshalled, its own errors, concurrent calls kept apart.
const partition = () => `DOCTEST#${newId()}`;

afterEach(() => vi.restoreAllMocks());

describe('the document client with cached middleware chains', () => {
  it('sends each call its own input and answers with its own item, also many at once', async () => {
    const pk = partition();
    const ids = Array.from({ length: 24 }, (_, index) => `item-${index}`);
    await Promise.all(ids.map((sk, index) => db().send(new PutCommand({ TableName: tableName(), Item: { pk, sk, index, tags: new Set([sk]), nested: { list: [index, 'x'] } } }))));
    const items = await Promise.all(ids.map((sk) => db().send(new GetCommand({ TableName: tableName(), Key: { pk, sk }, ConsistentRead: true }))));
    expect(items.map(({ Item }) => Item)).toEqual(ids.map((sk, index) => ({ pk, sk, index, tags: new Set([sk]), nested: { list: [index, 'x'] } })));
    const missing = await db().send(new GetCommand({ TableName: tableName(), Key: { pk, sk: 'absent' }, ConsistentRead: true }));
    expect(missing.Item).toBeUndefined();
  });

  it('builds the chain of a command class once, and still marshals every later call', async () => {
    const pk = partition();
    await db().send(new PutCommand({ TableName: tableName(), Item: { pk, sk: 'a', value: 1 } }));
    await db().send(new GetCommand({ TableName: tableName(), Key: { pk, sk: 'a' } }));
    const resolve = vi.spyOn(GetItemCommand.prototype, 'resolveMiddleware');
    for (const value of [2, 3]) {
      await db().send(new UpdateCommand({ TableName: tableName(), Key: { pk, sk: 'a' }, UpdateExpression: 'SET #v = :v', ExpressionAttributeNames: { '#v': 'value' }, ExpressionAttributeValues: { ':v': value } }));
      const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: { pk, sk: 'a' }, ConsistentRead: true }));
      expect(Item).toEqual({ pk, sk: 'a', value });
    }
    expect(resolve).not.toHaveBeenCalled();
  });

  it('pages a query by each call’s own values and start key', async () => {
    const [first, second] = [partition(), partition()];
    for (const [pk, count] of [[first, 5], [second, 3]] as const) {
      for (let index = 0; index < count; index += 1) await db().send(new PutCommand({ TableName: tableName(), Item: { pk, sk: `s${index}` } }));
    }
    const query = (pk: string, start?: Record<string, unknown>) =>
      db().send(new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Limit: 3, ExclusiveStartKey: start }));
    const page = await query(first);
    expect(page.Items?.map((item) => item.sk)).toEqual(['s0', 's1', 's2']);
    const rest = await query(first, page.LastEvaluatedKey);
    expect(rest.Items?.map((item) => item.sk)).toEqual(['s3', 's4']);
    expect((await query(second)).Items?.map((item) => item.sk)).toEqual(['s0', 's1', 's2']);
  });

  it('fails each call with its own error: a failed condition, a cancelled transaction', async () => {
    const pk = partition();
    const put = () => db().send(new PutCommand({ TableName: tableName(), Item: { pk, sk: 'once' }, ConditionExpression: 'attribute_not_exists(pk)' }));
    await put();
    const error = await put().catch((caught: unknown) => caught);
    expect(isConditionFailure(error)).toBe(true);
    const cancelled = await db()
      .send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: { pk, sk: 'fresh' } } },
          { Put: { TableName: tableName(), Item: { pk, sk: 'once' }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }))
      .catch((caught: unknown) => caught);
    expect(cancellationReasons(cancelled)).toEqual(['None', 'ConditionalCheckFailed']);
    expect((await db().send(new GetCommand({ TableName: tableName(), Key: { pk, sk: 'fresh' }, ConsistentRead: true }))).Item).toBeUndefined();
  });

  it('still takes calls with options and base-client commands the SDK’s own way', async () => {
    const pk = partition();
    await db().send(new PutCommand({ TableName: tableName(), Item: { pk, sk: 'opt', n: 7 } }));
    const controller = new AbortController();
    const withOptions = await db().send(new GetCommand({ TableName: tableName(), Key: { pk, sk: 'opt' } }), { abortSignal: controller.signal });
    expect(withOptions.Item).toEqual({ pk, sk: 'opt', n: 7 });
    const base = await db().send(new BaseQueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }));
    expect(base.Items).toEqual([{ pk: { S: pk }, sk: { S: 'opt' }, n: { N: '7' } }]);
  });
});
