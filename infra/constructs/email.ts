import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CnameRecord, type IHostedZone, MxRecord, TxtRecord } from 'aws-cdk-lib/aws-route53';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailProps {
  stage: string;
  /** `gatehouse:emailDomain`, or in dev a single verified address (`gatehouse:senderEmail`). */
  identity: string;
  domain?: string;
  mailFromDomain?: string;
  /** A Route 53 zone that holds `domain`: the DKIM, MAIL FROM and DMARC records are made in it. */
  hostedZone?: IHostedZone;
}

/**
 * How Gatehouse sends mail: an SES domain identity with Easy DKIM (RSA 2048) and a custom MAIL
 * FROM domain, so mail passes DMARC alignment; one configuration set per stage that suppresses
 * bounced and complained addresses, reports reputation metrics and publishes bounces and
 * complaints to EventBridge, where a rule hands them to the `email-events` function.
 */
export class Email extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  /** The DNS records to publish when the stack does not own the zone (also stack outputs). */
  deadLetters?: Queue;
  readonly dnsRecords: Array<{ type: 'CNAME' | 'MX' | 'TXT'; name: string; value: string }> = [];

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: `Gatehouse-${props.stage}`,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
    });
    const domain = props.domain;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: domain ? Identity.domain(domain) : Identity.email(props.identity),
      configurationSet: this.configurationSet,
      ...(domain
        ? {
            dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
            dkimSigning: true,
            mailFromDomain: props.mailFromDomain,
          }
        : {}),
    });
    if (!domain) return;

    const region = Stack.of(this).region;
    for (const [index, record] of this.identity.dkimRecords.entries()) {
      this.dnsRecords.push({ type: 'CNAME', name: record.name, value: record.value });
      if (props.hostedZone) new CnameRecord(this, `Dkim${index}`, { zone: props.hostedZone, recordName: record.name, domainName: record.value, ttl: Duration.hours(1) });
    }
    if (props.mailFromDomain) {
      this.dnsRecords.push(
        { type: 'MX', name: props.mailFromDomain, value: `10 feedback-smtp.${region}.amazonses.com` },
        { type: 'TXT', name: props.mailFromDomain, value: 'v=spf1 include:amazonses.com ~all' },
      );
    }
    this.dnsRecords.push({ type: 'TXT', name: `_dmarc.${domain}`, value: 'v=DMARC1; p=quarantine; adkim=r; aspf=r' });
    if (props.hostedZone) {
      if (props.mailFromDomain) {
        new MxRecord(this, 'MailFromMx', { zone: props.hostedZone, recordName: `${props.mailFromDomain}.`, values: [{ priority: 10, hostName: `feedback-smtp.${region}.amazonses.com` }] });
        new TxtRecord(this, 'MailFromSpf', { zone: props.hostedZone, recordName: `${props.mailFromDomain}.`, values: ['v=spf1 include:amazonses.com ~all'] });
      }
      new TxtRecord(this, 'Dmarc', { zone: props.hostedZone, recordName: `_dmarc.${domain}.`, values: ['v=DMARC1; p=quarantine; adkim=r; aspf=r'] });
    }
    this.dnsRecords.forEach((record, index) => {
      new CfnOutput(this, `DnsRecord${index}`, { value: `${record.name} ${record.type} ${record.value}`, description: `Email DNS record ${index + 1} (${record.type})` });
    });
  }

  /**
   * Bounces and complaints of this stage's configuration set go to `handler` (SES publishes to
   * the default bus only).
   */
  deliverEventsTo(handler: IFunction): Rule {
    // Events the function could not take within a day wait here (alarmed) instead of vanishing.
    this.deadLetters = new Queue(this, 'EventsDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const isDlq = 'This queue is itself the dead-letter queue of the bounce and complaint rule (alarmed when not empty).';
    Validations.of(this.deadLetters).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: isDlq },
      { id: 'Serverless::Serverless-SQSRedrivePolicy', reason: isDlq },
      { id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: isDlq },
    );
    this.configurationSet.addEventDestination('Events', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    return new Rule(this, 'BouncesAndComplaints', {
      description: 'SES bounces and complaints of Gatehouse mail, to the email-events function',
      eventPattern: {
        source: ['aws.ses'],
        detailType: ['Email Bounced', 'Email Complaint Received'],
        detail: { mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } } },
      },
      targets: [new LambdaFunction(handler, { retryAttempts: 8, maxEventAge: Duration.hours(24), deadLetterQueue: this.deadLetters })],
    });
  }

  /** ses:SendEmail from this identity with this configuration set, nothing else. */
  grantSend(grantee: IGrantable): void {
    this.identity.grantSendEmail(grantee);
    const stack = Stack.of(this);
    // SES authorizes a send against the configuration set too.
    Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName })],
    });
  }
}
