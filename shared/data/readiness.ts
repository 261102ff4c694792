import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '../log';
import { db, tableName, unavailable } from './client';
import { keys } from './keys';

/**
 * Readiness: one eventually consistent read of a key that is never written (half a read
 * unit), with the client's usual time limits. Any failure (unreachable, too slow, a missing
 * table, a refused permission) means the service cannot serve requests: 503.
 */
export async function assertTableAnswers(): Promise<void> {
  try {
    await db().send(new GetCommand({ TableName: tableName(), Key: keys.probe() }));
  } catch (error) {
    logger.warn('readiness: the table does not answer', { error: error instanceof Error ? error.name : 'unknown' });
    throw unavailable();
  }
}
