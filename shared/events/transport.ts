import { appendFile } from 'node:fs/promises';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { clock } from '../clock';
import { config } from '../config';
import { putLocalMessages } from '../data/events';
import { newId } from '../ids';

/**
 * Where the dispatcher and the senders hand work on. On AWS: the stack's EventBridge bus and
 * SQS queues (each with a DLQ and an alarm). On the local stack: `GATEHOUSE_EVENTS_FILE` for
 * the bus and a queue in the local stack's own table (shared/data/events.ts), which survives a
 * restart like SQS would. The code on either side of a queue is the same on both.
 */
export type QueueName = 'webhooks' | 'emails';

/** SQS holds a message back at most 15 minutes; longer waits hop (the receiver sends it on again). */
export const MAX_SQS_DELAY_SECONDS = 900;

export interface QueueMessage {
  /** When it should be handled (ISO); a receiver that gets it earlier sends it on. */
  due: string;
  [field: string]: unknown;
}

let sqs: SQSClient | undefined;
let bridge: EventBridgeClient | undefined;

const queueUrl = (queue: QueueName) => (queue === 'webhooks' ? config().WEBHOOK_QUEUE_URL : config().EMAIL_QUEUE_URL);

export interface Outgoing {
  message: Omit<QueueMessage, 'due'>;
  /** How long SQS holds it back (at most MAX_SQS_DELAY_SECONDS; longer waits hop). */
  delaySeconds?: number;
}

/**
 * Queues messages in as few requests as the queue takes (SendMessageBatch: 10; the local queue's
 * BatchWriteItem: 25). A message SQS refuses fails the call, so the caller's retry covers it; the
 * receivers ignore a message sent twice.
 */
export async function enqueueAll(queue: QueueName, outgoing: Outgoing[]): Promise<void> {
  if (!outgoing.length) return;
  const messages = outgoing.map(({ message, delaySeconds = 0 }) => {
    const due = new Date(clock.now() + delaySeconds * 1000).toISOString();
    return { id: newId(), due, delaySeconds, body: JSON.stringify({ ...message, due }) };
  });
  const url = queueUrl(queue);
  if (!url) {
    await putLocalMessages(queue, messages);
    return;
  }
  const { SQSClient, SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
  sqs ??= new SQSClient({ region: config().AWS_REGION });
  const batches: Array<typeof messages> = [];
  for (let start = 0; start < messages.length; start += 10) batches.push(messages.slice(start, start + 10));
  await Promise.all(batches.map(async (batch) => {
    const answer = await sqs!.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: batch.map(({ id, body, delaySeconds }) => ({ Id: id, MessageBody: body, DelaySeconds: Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))) })),
    }));
    if (answer.Failed?.length) throw new Error(`SQS refused ${answer.Failed.length} of ${batch.length} messages (${answer.Failed[0]!.Code})`);
  }));
}

export const enqueue = (queue: QueueName, message: Omit<QueueMessage, 'due'>, delaySeconds = 0): Promise<void> =>
  enqueueAll(queue, [{ message, delaySeconds }]);

/** Puts events on the operator's bus (`webhook.test` never goes there). */
export async function publishToBus(events: Array<{ type: string; body: string; timestamp: string }>): Promise<void> {
  if (!events.length) return;
  const { EVENT_BUS_NAME, GATEHOUSE_EVENTS_FILE, AWS_REGION } = config();
  if (EVENT_BUS_NAME) {
    const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    bridge ??= new EventBridgeClient({ region: AWS_REGION });
    // PutEvents takes 10 entries a call; a failed entry fails the record, which the stream retries.
    for (let index = 0; index < events.length; index += 10) {
      const batch = events.slice(index, index + 10);
      const answer = await bridge.send(new PutEventsCommand({
        Entries: batch.map((event) => ({ EventBusName: EVENT_BUS_NAME, Source: 'gatehouse', DetailType: event.type, Detail: event.body, Time: new Date(event.timestamp) })),
      }));
      if (answer.FailedEntryCount) throw new Error(`EventBridge refused ${answer.FailedEntryCount} of ${batch.length} events`);
    }
    return;
  }
  if (!GATEHOUSE_EVENTS_FILE) return;
  // Shaped as EventBridge hands an event to a rule's target (api/events.md "Local stack").
  const lines = events.map((event) => JSON.stringify({
    version: '0',
    id: newId(),
    'detail-type': event.type,
    source: 'gatehouse',
    account: '000000000000',
    time: event.timestamp.replace(/\.\d+Z$/, 'Z'),
    region: AWS_REGION,
    resources: [],
    detail: JSON.parse(event.body),
  }));
  await appendFile(GATEHOUSE_EVENTS_FILE, `${lines.join('\n')}\n`);
}
