import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { handleWebhookMessage, type WebhookMessage } from '../shared/events/sender';
import { withLogContext } from '../shared/log';

const processor = new BatchProcessor(EventType.SQS);

/** The webhook delivery queue's consumer: one attempt per message; a failed message alone is retried (then the DLQ). */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return withLogContext({ requestId: context.awsRequestId, route: 'webhook-sender' }, () =>
    processPartialResponse(event, (record: SQSRecord) => handleWebhookMessage(JSON.parse(record.body) as WebhookMessage), processor, { context }));
}
