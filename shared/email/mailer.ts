import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { config } from '../config';
import { suppressionOf } from '../data/email-status';
import { logger } from '../log';
import { EMAIL_TAGS } from '../services/email-events';
import { fromAddress } from './address';
import type { Email } from './render';

let client: SESv2Client | undefined;
/**
 * Loaded on the first email, not at cold start: most requests send none, and loading the
 * SES client costs about 75 ms.
 */
async function ses(): Promise<SESv2Client> {
  if (client) return client;
  const { SESv2Client } = await import('@aws-sdk/client-sesv2');
  const { AWS_REGION, SES_ENDPOINT } = config();
  client = new SESv2Client({
    region: AWS_REGION,
    ...(SES_ENDPOINT ? { endpoint: SES_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: EMAIL_LIMITS.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: EMAIL_LIMITS.connectionTimeoutMs,
      requestTimeout: EMAIL_LIMITS.requestTimeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });
  return client;
}

/**
 * An email goes out after its change has committed, so it must never hold the answer for
 * long: SendEmail normally takes a fraction of a second, and a hanging SES gets at most
 * `totalMs` per email (timeouts per attempt, one retry, one overall deadline) before the
 * answer says `emailDelivery: "failed"`. Requests that send two emails send them together.
 */
export const EMAIL_LIMITS = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  maxAttempts: 2,
  totalMs: 3000,
} as const;

export type Delivery = 'sent' | 'failed' | 'suppressed';

/** Who a message is for, so that SES's bounce or complaint event finds the user (message tags). */
export interface Recipient {
  orgId: string;
  id: string;
}

const tagValue = (value: string) => value.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 256);

/**
 * Sends after the data change has committed. A failure never undoes the change: it is
 * logged (without the message, which may hold a link) and reported to the caller.
 */
export async function sendEmail(to: string, email: Email, recipient?: Recipient): Promise<Delivery> {
  try {
    // An address SES reported bounced or complained about gets nothing more (SES's own
    // suppression list would drop it too, but still count it against the reputation).
    const suppressed = await suppressionOf(to);
    if (suppressed) {
      logger.info('email suppressed', { event: 'email.suppressed', kind: email.kind, emailStatus: suppressed });
      return 'suppressed';
    }
    const { SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const { EMAIL_FROM, EMAIL_FROM_NAME, EMAIL_CONFIGURATION_SET, SES_ENDPOINT } = config();
    const simulated = SES_ENDPOINT ? simulatorKind(to) : undefined;
    if (simulated === 'suppressionlist') {
      logger.info('email suppressed', { event: 'email.suppressed', kind: email.kind, emailStatus: 'suppressionlist' });
      return 'suppressed';
    }
    await (await ses()).send(
      new SendEmailCommand({
        FromEmailAddress: fromAddress(EMAIL_FROM, email.fromName ?? EMAIL_FROM_NAME),
        ConfigurationSetName: EMAIL_CONFIGURATION_SET,
        EmailTags: [
          { Name: 'kind', Value: tagValue(email.kind) },
          ...(recipient ? [{ Name: EMAIL_TAGS.org, Value: tagValue(recipient.orgId) }, { Name: EMAIL_TAGS.user, Value: tagValue(recipient.id) }] : []),
        ],
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
        },
      }),
      { abortSignal: AbortSignal.timeout(EMAIL_LIMITS.totalMs) },
    );
    if (simulated) await simulateEvent(to, simulated, recipient);
    return 'sent';
  } catch (error) {
    logger.error('email not sent', { kind: email.kind, error: error instanceof Error ? error.name : 'unknown' });
    return 'failed';
  }
}

/**
 * Locally (SES emulator), SES's mailbox-simulator addresses behave as on AWS
 * (api/production.md "Local stack"): `bounce@` / `bounce+<label>@simulator.amazonses.com` is a
 * permanent bounce and `complaint@…` a complaint, handled by the same `email-events` code in
 * process right after the send; `suppressionlist@…` is an address already suppressed.
 */
function simulatorKind(address: string): 'bounce' | 'complaint' | 'suppressionlist' | undefined {
  const match = /^(bounce|complaint|suppressionlist)(\+[^@]*)?@simulator\.amazonses\.com$/i.exec(address.trim());
  return match ? (match[1]!.toLowerCase() as 'bounce' | 'complaint' | 'suppressionlist') : undefined;
}

async function simulateEvent(to: string, kind: 'bounce' | 'complaint', recipient: Recipient | undefined): Promise<void> {
  const { handleEmailEvent } = await import('../services/email-events');
  const mail = { messageId: `simulated-${Date.now()}`, tags: recipient ? { [EMAIL_TAGS.org]: [recipient.orgId], [EMAIL_TAGS.user]: [recipient.id] } : {} };
  const detail = kind === 'bounce'
    ? { eventType: 'Bounce', bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: to }] }, mail }
    : { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: to }] }, mail };
  try {
    await handleEmailEvent(
      { source: 'aws.ses', 'detail-type': kind === 'bounce' ? 'Email Bounced' : 'Email Complaint Received', detail },
      { requestId: mail.messageId, ip: '127.0.0.1' },
    );
  } catch (error) {
    logger.error('simulated email event failed', { kind, error: error instanceof Error ? error.name : 'unknown' });
  }
}
