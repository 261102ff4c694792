import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record as StreamRecord, type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { clock } from '../../shared/clock';
import { config } from '../../shared/config';
import { db, tableName } from '../../shared/data/client';
import { deleteLocalMessages, getStreamPosition, putStreamPosition, receiveLocalMessages, type LocalMessage } from '../../shared/data/events';
import { handleStreamBatch, isAuditInsert } from '../../shared/events/dispatcher';
import { handleEmailMessage, type InvitationMessage } from '../../shared/events/emails';
import { handleWebhookMessage, readForBatch, type WebhookMessage } from '../../shared/events/sender';
import { logger } from '../../shared/log';

/**
 * The local stack's half of the asynchronous path (api/events.md "Local stack"): the same
 * dispatcher and senders the Lambdas run, fed by polling DynamoDB Local's stream and the queues
 * kept in the local stack's own table (localTableOf, no stream). Where the reader stopped is kept
 * there too, so after a restart (or a kill) it resumes there: records after the last saved
 * position are read again (the dispatcher is idempotent), none is skipped.
 *
 * DynamoDB Local's stream differs from AWS's in ways that do not matter here: record times are
 * truncated to the minute (the dispatcher uses the audit event's own `at`), and TTL deletions
 * arrive as an unknown event name without `userIdentity` (only INSERTs of audit items are read).
 */
/**
 * Messages handled at once, as a Lambda's concurrency would. At 100 events a second DynamoDB
 * Local's round trips, not the machine's two cores, bound a smaller pool (npm run bench).
 */
const IN_FLIGHT = 16;
/** Webhook messages taken per round (the email queue takes its rate's worth). */
const WEBHOOK_BATCH = 64;

export interface EventRunnerOptions {
  /** Names this reader's saved positions. */
  reader?: string;
  /** A reader with no saved position starts at the stream's end (tests) or its start (`npm start`). */
  startAt?: 'latest' | 'trim_horizon';
  pollMs?: number;
  /** Whether to run the loops; tests drive `pollStream`/`pumpQueues` themselves. */
  background?: boolean;
}

export interface EventRunner {
  pollStream(): Promise<number>;
  pumpQueues(): Promise<number>;
  /** Polls and pumps until nothing is left to do now (tests). */
  drain(options?: { timeoutMs?: number; quietRounds?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The streams client (3.1141) reads an empty map attribute (`{"M":{}}` on the wire) as `{}`,
 * which unmarshall refuses ("No value defined"); the audit item's empty `details` is one. Put
 * back what was sent, as Lambda's event would carry it.
 */
function repaired(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const attribute = value as Record<string, unknown>;
  if (Object.keys(attribute).length === 0) return { M: {} };
  if (attribute.M && typeof attribute.M === 'object') return { M: repairedImage(attribute.M as Record<string, unknown>) };
  if (Array.isArray(attribute.L)) return { L: attribute.L.map(repaired) };
  return attribute;
}
const repairedImage = (image: Record<string, unknown> | undefined) =>
  image && Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repaired(value)]));

const toLambdaRecord = (record: StreamRecord): DynamoDBRecord => ({
  eventID: record.eventID,
  eventName: record.eventName as DynamoDBRecord['eventName'],
  eventSource: record.eventSource,
  eventVersion: record.eventVersion,
  awsRegion: record.awsRegion,
  dynamodb: {
    ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime ? Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000) : undefined,
    Keys: record.dynamodb?.Keys as never,
    NewImage: repairedImage(record.dynamodb?.NewImage) as never,
    OldImage: repairedImage(record.dynamodb?.OldImage) as never,
    SequenceNumber: record.dynamodb?.SequenceNumber,
    SizeBytes: record.dynamodb?.SizeBytes,
    StreamViewType: record.dynamodb?.StreamViewType as never,
  },
});

export async function startEventRunner(options: EventRunnerOptions = {}): Promise<EventRunner> {
  const reader = options.reader ?? 'local';
  const pollMs = options.pollMs ?? 250;
  const endpoint = config().DYNAMODB_ENDPOINT;
  const streams = new DynamoDBStreamsClient({ endpoint, region: config().AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { Table } = await db().send(new DescribeTableCommand({ TableName: tableName() }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`The table ${tableName()} has no stream; ensureTable (infra/local/stack.ts) enables it.`);

  const iterators = new Map<string, string | null>();
  let fresh: boolean | undefined;
  let shards: Shard[] = [];
  let describedAt = 0;

  async function iteratorFor(shard: Shard): Promise<string | null> {
    const id = shard.ShardId!;
    if (iterators.has(id)) return iterators.get(id)!;
    const position = await getStreamPosition(reader, id);
    if (fresh === undefined) fresh = !position;
    const start = position
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: position }
      : { ShardIteratorType: fresh && options.startAt === 'latest' && !shard.SequenceNumberRange?.EndingSequenceNumber ? 'LATEST' as const : 'TRIM_HORIZON' as const };
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ...start }));
    iterators.set(id, ShardIterator ?? null);
    return ShardIterator ?? null;
  }

  /** One GetRecords per shard; answers how many records were read. */
  async function pollStream(): Promise<number> {
    if (clock.now() - describedAt > 5000 || !shards.length) {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      shards = StreamDescription?.Shards ?? [];
      describedAt = clock.now();
    }
    let read = 0;
    for (const shard of shards) {
      const iterator = await iteratorFor(shard);
      if (!iterator) continue;
      let answer;
      try {
        answer = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (error) {
        if (error instanceof Error && (error.name === 'ExpiredIteratorException' || error.name === 'TrimmedDataAccessException')) {
          iterators.delete(shard.ShardId!);
          continue;
        }
        throw error;
      }
      const records = answer.Records ?? [];
      read += records.length;
      if (process.env.TRACE_RUNNER) console.error('TRACE read', performance.timeOrigin + performance.now(), records.length, JSON.stringify(records.map((r) => r.dynamodb?.NewImage?.id?.S ?? '')));
      if (!records.length) {
        iterators.set(shard.ShardId!, answer.NextShardIterator ?? null);
        continue;
      }
      // Most records are the runner's own writes (deliveries, queued messages): only audit inserts are converted.
      if (process.env.TRACE_RUNNER) console.error('TRACE dispatching', performance.timeOrigin + performance.now(), records.length);
      const { batchItemFailures } = await handleStreamBatch(records.filter((record) => isAuditInsert(record as DynamoDBRecord)).map(toLambdaRecord));
      if (process.env.TRACE_RUNNER) console.error('TRACE dispatched', performance.timeOrigin + performance.now(), records.length);
      const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
      const firstFailed = records.findIndex((record) => failed.has(record.dynamodb!.SequenceNumber!));
      const done = firstFailed < 0 ? records : records.slice(0, firstFailed);
      if (done.length) await putStreamPosition(reader, shard.ShardId!, done[done.length - 1]!.dynamodb!.SequenceNumber!);
      if (firstFailed < 0) iterators.set(shard.ShardId!, answer.NextShardIterator ?? null);
      // As Lambda does: read again from the first failed record.
      else iterators.delete(shard.ShardId!);
    }
    return read;
  }

  /**
   * One round of a queue: takes up to `limit` due messages, lets `prepare` read what the batch
   * needs at once (as the Lambda does), handles them `IN_FLIGHT` at a time and deletes the handled.
   */
  async function consume(queue: 'webhooks' | 'emails', limit: number, prepare: (bodies: unknown[]) => Promise<(body: unknown) => Promise<unknown>>): Promise<number> {
    const messages = await receiveLocalMessages(queue, new Date(clock.now()), limit, 30);
    if (!messages.length) return 0;
    const readable = messages.flatMap((message) => {
      try {
        return [{ message, body: JSON.parse(message.body) as unknown }];
      } catch {
        // Left hidden: it comes back after its visibility timeout, as from SQS (and then its DLQ).
        logger.error('queued message unreadable', { event: 'events.message_failed', queue });
        return [];
      }
    });
    const handle = await prepare(readable.map(({ body }) => body));
    const handled: LocalMessage[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, readable.length) }, async () => {
      while (next < readable.length) {
        const { message, body } = readable[next++]!;
        try {
          await handle(body);
          handled.push(message);
        } catch (error) {
          logger.error('queued message failed; it will be retried', { event: 'events.message_failed', queue, error: error instanceof Error ? error.message : 'unknown' });
        }
      }
    }));
    // If this fails they come back after their visibility timeout, and the handlers ignore a message handled before.
    await deleteLocalMessages(handled);
    return messages.length;
  }

  let lastEmailSecond = 0;
  let emailsThisSecond = 0;
  async function pumpQueues(): Promise<number> {
    const webhooks = await consume('webhooks', WEBHOOK_BATCH, async (bodies) => {
      const reads = await readForBatch(bodies as WebhookMessage[]);
      return (body) => handleWebhookMessage(body as WebhookMessage, reads);
    });
    // At most the configured rate per second (SES's send rate on AWS).
    const second = Math.floor(clock.now() / 1000);
    if (second !== lastEmailSecond) {
      lastEmailSecond = second;
      emailsThisSecond = 0;
    }
    const room = Math.floor(config().GATEHOUSE_EMAIL_RATE_PER_SECOND) - emailsThisSecond;
    const emails = room > 0 ? await consume('emails', room, async () => (body) => handleEmailMessage(body as InvitationMessage)) : 0;
    emailsThisSecond += emails;
    return webhooks + emails;
  }

  let running = Boolean(options.background);
  const loops: Promise<void>[] = [];
  const loop = (work: () => Promise<number>) =>
    loops.push((async () => {
      while (running) {
        let busy = 0;
        try {
          busy = await work();
        } catch (error) {
          logger.error('event runner round failed', { event: 'events.runner_failed', error: error instanceof Error ? error.message : 'unknown' });
        }
        if (!busy) await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    })());
  if (running) {
    loop(pollStream);
    loop(pumpQueues);
  }

  return {
    pollStream,
    pumpQueues,
    async drain({ timeoutMs = 20_000, quietRounds = 3 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let quiet = 0;
      while (quiet < quietRounds) {
        if (Date.now() > deadline) throw new Error('the event runner did not drain in time');
        const busy = (await pollStream()) + (await pumpQueues());
        quiet = busy ? 0 : quiet + 1;
        if (!busy) await new Promise((resolve) => setTimeout(resolve, 150));
      }
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      streams.destroy();
    },
  };
}
