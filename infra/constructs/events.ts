import { CfnOutput, type CfnResource, Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { keys as tableKeys } from '../../shared/data/keys';
import type { Email } from './email';
import { HouseFunction } from './house-function';
import type { Keys } from './keys';

/** A dead-letter queue is the end of the line: it has no queue of its own to redrive into, and its depth alarms. */
function acknowledgeDeadLetterQueue(queue: Queue): void {
  const reason = 'This is a dead-letter queue (the last stop of its source, with an alarm on its depth); a DLQ of a DLQ would only move the same messages again.';
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless::Serverless-SQSRedrivePolicy', reason },
    { id: 'cdk-validator-cfnguard::sqs_dlq_check', reason },
  );
}

/** An SQS event source fails its messages back to the queue, whose redrive policy moves them to its DLQ. */
function acknowledgeQueueSource(fn: HouseFunction): void {
  Validations.of(fn).acknowledge({
    id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
    reason: 'An SQS source keeps failed messages on the queue (batch item failures); after 10 receives the queue’s redrive policy moves them to its dead-letter queue, which alarms. On-failure destinations apply only to stream sources.',
  });
}

/** The webhook sender's memory (test/bench/events-rows.ts prices it). */
export const WEBHOOK_SENDER_MEMORY_MB = 256;

export interface EventsProps {
  /** The table; an adopted one (gatehouse:tableName) must have its stream on, which the restore procedure enables. */
  table: ITableV2;
  keys: Keys;
  email: Email;
  /** What every Gatehouse function reads (TABLE_NAME, APP_URL, ...). */
  environment: Record<string, string>;
  alarmTopic: ITopic;
  /** `gatehouse:eventBusName`: an existing bus to put events on; absent, the stack makes one. */
  eventBusName?: string;
  /** `gatehouse:emailRatePerSecond`: the bulk email pace, at most the SES account's send rate. */
  emailRatePerSecond?: number;
}

/**
 * The asynchronous path (api/events.md): DynamoDB Streams on the table → the dispatcher Lambda
 * (new audit items only, by the event source's filter) → the EventBridge bus, and SQS queues
 * for webhook deliveries and bulk emails, each consumed by its sender Lambda. Every queue and the
 * stream have a DLQ, and every DLQ an alarm: nothing a sender fails on is lost or unnoticed.
 */
export class Events extends Construct {
  readonly bus: IEventBus;
  readonly webhookQueue: Queue;
  readonly emailQueue: Queue;
  readonly dispatcher: HouseFunction;
  /** The bulk email queue's consumer; its log carries the drops of over-limit invitations (abuse alarms read it). */
  readonly emailSender: HouseFunction;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.bus = props.eventBusName ? EventBus.fromEventBusName(this, 'Bus', props.eventBusName) : new EventBus(this, 'Bus', { description: 'Gatehouse lifecycle events of every organization' });

    const queue = (name: string, visibility: Duration) => {
      const deadLetters = new Queue(this, `${name}Dlq`, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
      const main = new Queue(this, `${name}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: visibility,
        // Webhook retries span about 3 days (the schedule ends 24 h after the 9th retry).
        retentionPeriod: Duration.days(14),
        // Long waits arrive in 15-minute hops (sender.ts), each a receive: room for them and real retries.
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: 10 },
      });
      this.alarm(`${name}DeadLetters`, `Gatehouse ${name} messages failed every retry and wait in the DLQ`, deadLetters, props.alarmTopic);
      acknowledgeDeadLetterQueue(deadLetters);
      return main;
    };
    this.webhookQueue = queue('Webhook', Duration.seconds(120));
    this.emailQueue = queue('Email', Duration.seconds(360));

    const environment = {
      ...props.environment,
      WEBHOOK_QUEUE_URL: this.webhookQueue.queueUrl,
      EMAIL_QUEUE_URL: this.emailQueue.queueUrl,
      EVENT_BUS_NAME: this.bus.eventBusName,
      GATEHOUSE_EMAIL_RATE_PER_SECOND: String(props.emailRatePerSecond ?? 14),
    };
    const fn = (name: string, group: string, description: string, timeout: Duration, memorySize?: number) => {
      const made = new HouseFunction(this, name, { group, description, environment, timeout, ...(memorySize ? { memorySize } : {}) });
      // Exactly what the senders and the dispatcher call (never Scan): reads, conditional writes, transactions.
      Grant.addToPrincipal({
        grantee: made,
        actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'].map((action) => `dynamodb:${action}`),
        resourceArns: [props.table.tableArn, `${props.table.tableArn}/index/*`],
      });
      props.keys.grantVerify(made);
      (made.node.defaultChild as CfnResource).addDependency(props.keys.material.node.defaultChild as CfnResource);
      return made;
    };

    this.dispatcher = fn('Dispatcher', 'event-dispatcher', 'Gatehouse events: audit log stream → bus, webhook and email queues', Duration.seconds(60));
    const streamFailures = new Queue(this, 'StreamDlq', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.alarm('StreamDeadLetters', 'Gatehouse stream records the dispatcher failed on for good', streamFailures, props.alarmTopic);
    acknowledgeDeadLetterQueue(streamFailures);
    Validations.of(streamFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter destination: the stream event source’s on-failure queue (cdk-nag only recognises redrive DLQs). It is alarmed.',
    });
    this.dispatcher.addEventSource(new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      reportBatchItemFailures: true,
      // Retried within the stream's 24 hours; then the record's position goes to the DLQ.
      retryAttempts: 50,
      onFailure: new SqsDlq(streamFailures),
      filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT'), dynamodb: { Keys: { sk: { S: FilterRule.beginsWith(tableKeys.auditPrefix) } } } })],
    }));
    this.bus.grantPutEventsTo(this.dispatcher);
    this.webhookQueue.grantSendMessages(this.dispatcher);
    this.emailQueue.grantSendMessages(this.dispatcher);
    new Alarm(this, 'DispatcherLag', {
      alarmDescription: 'Gatehouse events are more than a minute behind the audit log',
      metric: this.dispatcher.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 60_000,
      evaluationPeriods: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(props.alarmTopic));

    // 15 s per attempt, ten messages a batch side by side (powertools' parallel processor).
    // Mostly waiting on receivers, billed by the GB-second: a quarter of the house memory.
    const webhookSender = fn('WebhookSender', 'webhook-sender', 'Gatehouse webhook deliveries (signed, SSRF-checked at each attempt)', Duration.seconds(60), WEBHOOK_SENDER_MEMORY_MB);
    webhookSender.addEventSource(new SqsEventSource(this.webhookQueue, { batchSize: 10, reportBatchItemFailures: true }));
    acknowledgeQueueSource(webhookSender);
    this.webhookQueue.grantSendMessages(webhookSender);
    props.email.grantSend(webhookSender);

    const emailSender = fn('EmailSender', 'email-sender', 'Gatehouse bulk emails (import invitations), paced to the SES send rate', Duration.seconds(300));
    emailSender.addEventSource(new SqsEventSource(this.emailQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 }));
    acknowledgeQueueSource(emailSender);
    props.email.grantSend(emailSender);
    this.emailSender = emailSender;

    new CfnOutput(scope, 'EventBusName', { value: this.bus.eventBusName, description: 'The bus every Gatehouse event goes on (source "gatehouse")' });
    new CfnOutput(scope, 'EventBusArn', { value: this.bus.eventBusArn });
  }

  /** The API function that queues deliveries (retry, test) gets the queue and its permission. */
  connectApi(fn: LambdaFunction): void {
    fn.addEnvironment('WEBHOOK_QUEUE_URL', this.webhookQueue.queueUrl);
    this.webhookQueue.grantSendMessages(fn);
  }

  private alarm(id: string, description: string, queue: Queue, topic: ITopic): void {
    new Alarm(this, id, {
      alarmDescription: description,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(topic));
  }
}
