import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { config } from '../shared/config';
import { handleEmailMessage, type InvitationMessage } from '../shared/events/emails';
import { withLogContext } from '../shared/log';

const processor = new BatchProcessor(EventType.SQS);

/**
 * The bulk email queue's consumer (import invitations). The pace: the event source runs at most
 * 2 of these at once (maximum concurrency), and each spaces its sends so that together they stay
 * within GATEHOUSE_EMAIL_RATE_PER_SECOND, the SES send rate. A failed send fails only its message,
 * which SQS retries and, after its retries, moves to the DLQ (alarmed).
 */
const CONCURRENCY = 2;
let last = 0;
async function paced<T>(work: () => Promise<T>): Promise<T> {
  const gap = (1000 * CONCURRENCY) / config().GATEHOUSE_EMAIL_RATE_PER_SECOND;
  const wait = last + gap - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  last = Date.now();
  return work();
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return withLogContext({ requestId: context.awsRequestId, route: 'email-sender' }, () =>
    processPartialResponse(event, (record: SQSRecord) => paced(() => handleEmailMessage(JSON.parse(record.body) as InvitationMessage)), processor, {
      context,
      processInParallel: false,
    }));
}
