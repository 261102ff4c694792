import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { handleStreamBatch } from '../shared/events/dispatcher';
import { withLogContext } from '../shared/log';

/**
 * DynamoDB Streams → events (shared/events/dispatcher.ts): the event source mapping passes only
 * new audit items (its filter) and reads the partial failures this answers (ReportBatchItemFailures).
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return withLogContext({ route: 'event-dispatcher' }, () => handleStreamBatch(event.Records));
}
