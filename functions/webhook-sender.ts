import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { handleWebhookMessage, readForBatch, type WebhookMessage } from '../shared/events/sender';
import { withLogContext } from '../shared/log';

const processor = new BatchProcessor(EventType.SQS);

/** The webhook delivery queue's consumer: one attempt per message; a failed message alone is retried (then the DLQ). */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return withLogContext({ requestId: context.awsRequestId, route: 'webhook-sender' }, async () => {
    const message = (record: SQSRecord) => JSON.parse(record.body) as WebhookMessage;
    // An unreadable body fails its own record below, not the batch read.
    const readable = event.Records.flatMap((record) => {
      try {
        return [message(record)];
      } catch {
        return [];
      }
    });
    // If the batch read fails, every message is retried (then the DLQ), as failed handlers would be.
    const reads = await readForBatch(readable);
    return processPartialResponse(event, (record: SQSRecord) => handleWebhookMessage(message(record), reads), processor, { context });
  });
}
