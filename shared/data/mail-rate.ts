import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { db, isConditionFailure, tableName } from './client';
import { keys } from './keys';

/**
 * At most `max` unsolicited emails (password resets) to one address per hour, whichever
 * organization or account asks: an address used in many organizations cannot be flooded.
 * The address is kept only as a hash.
 */
export async function takeMailSlot(address: string, now: number, max = 5): Promise<boolean> {
  const key = keys.mailRate(createHash('sha256').update(address.toLowerCase()).digest('base64url'));
  const hourAgo = now - 3600_000;
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'SET sent = :one, windowStart = :now, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(windowStart) OR windowStart < :hourAgo',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':now': now, ':hourAgo': hourAgo, ':ttl': Math.floor(now / 1000) + 7200 },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'ADD sent :one',
        ConditionExpression: 'windowStart >= :hourAgo AND sent < :max',
        ExpressionAttributeValues: { ':one': 1, ':hourAgo': hourAgo, ':max': max },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
