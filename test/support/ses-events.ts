import type { Context } from 'aws-lambda';
import { handler } from '../../functions/email-events';

/** What the email-events Lambda is given besides its event. */
export const context = { awsRequestId: 'test-request' } as Context;

/**
 * SES's event record as its documentation shows it ("Examples of event data that Amazon SES
 * publishes", Bounce and Complaint records), wrapped the way EventBridge delivers it
 * (source `aws.ses`, detail-type `Email Bounced` / `Email Complaint Received`).
 */
function mail(recipient: string, tags: Record<string, string[]>) {
  return {
    timestamp: '2017-08-05T00:40:02.012Z',
    source: 'Sender Name <sender@example.com>',
    sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/sender@example.com',
    sendingAccountId: '123456789012',
    messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
    destination: [recipient],
    headersTruncated: false,
    headers: [
      { name: 'From', value: 'Sender Name <sender@example.com>' },
      { name: 'To', value: recipient },
      { name: 'Subject', value: 'Message sent from Amazon SES' },
    ],
    commonHeaders: { from: ['Sender Name <sender@example.com>'], to: [recipient], messageId: 'EXAMPLE7c191be45', subject: 'Message sent from Amazon SES' },
    tags: { 'ses:configuration-set': ['Gatehouse-prod'], 'ses:source-ip': ['192.0.2.0'], 'ses:from-domain': ['example.com'], 'ses:caller-identity': ['ses_user'], ...tags },
  };
}

const envelope = (detailType: string, detail: unknown) => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2017-08-05T00:41:03Z',
  region: 'us-east-1',
  resources: ['arn:aws:ses:us-east-1:123456789012:configuration-set/Gatehouse-prod'],
  detail,
});

export const bounce = (recipient: string, orgId: string | undefined, bounceType = 'Permanent') =>
  envelope('Email Bounced', {
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
      bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
      timestamp: '2017-08-05T00:41:02.669Z',
      feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
      reportingMTA: 'dsn; mta.example.com',
    },
    mail: mail(recipient, orgId ? { 'gatehouse-org': [orgId] } : {}),
  });

export const complaint = (recipient: string, orgId: string | undefined) =>
  envelope('Email Complaint Received', {
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: recipient }],
      timestamp: '2017-08-05T00:41:02.669Z',
      feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
      userAgent: 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:45.0) Gecko/20100101 Thunderbird/45.4.0',
      complaintFeedbackType: 'abuse',
      arrivalDate: '2017-08-05T00:41:02.669Z',
    },
    mail: mail(recipient, orgId ? { 'gatehouse-org': [orgId] } : {}),
  });

/**
 * Suppresses `address` for the whole deployment as SES's report does, through the email-events
 * Lambda, before any user holds it: what a user created afterwards must start with.
 */
export async function suppress(address: string, status: 'bounced' | 'complained' = 'bounced'): Promise<void> {
  await handler(status === 'bounced' ? bounce(address, undefined) : complaint(address, undefined), context);
}
