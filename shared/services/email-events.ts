import * as z from 'zod';
import { clock } from '../clock';
import type { RequestContext } from '../context';
import { auditItem, userTarget, type AuditActor } from '../data/audit';
import { addressHash, holdersOf, suppressAddress, userIdByEmail, type EmailStatus, type UndeliverableStatus } from '../data/email-status';
import { transact, type TxItem } from '../data/transact';
import { getUser, publicUser, updateUser, type UserRecord } from '../data/users';
import { logger } from '../log';

/** The message tags the mailer sets, so an event finds the user the message was for. */
export const EMAIL_TAGS = { org: 'gatehouse-org', user: 'gatehouse-user' } as const;

/**
 * What SES publishes to EventBridge through a configuration set (detail-types `Email Bounced`,
 * `Email Complaint Received`): the event record of SES's event publishing in `detail`
 * (docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html). Only the
 * fields read here are checked; everything else SES adds passes.
 */
const Recipient = z.object({ emailAddress: z.string().min(3).max(320) });
const Mail = z.object({
  messageId: z.string().optional(),
  tags: z.record(z.string(), z.array(z.string())).optional(),
});
const Detail = z.discriminatedUnion('eventType', [
  z.object({
    eventType: z.literal('Bounce'),
    bounce: z.object({ bounceType: z.string(), bounceSubType: z.string().optional(), bouncedRecipients: z.array(Recipient).min(1) }),
    mail: Mail,
  }),
  z.object({
    eventType: z.literal('Complaint'),
    complaint: z.object({ complainedRecipients: z.array(Recipient).min(1), complaintFeedbackType: z.string().optional() }),
    mail: Mail,
  }),
]);
export const SesEvent = z.object({ id: z.string().optional(), source: z.literal('aws.ses'), 'detail-type': z.string(), detail: Detail });
export type SesEvent = z.input<typeof SesEvent>;

export interface EmailEventOutcome {
  status?: UndeliverableStatus;
  recipients: number;
  usersMarked: number;
}

/** The email address inside `Name <address>` as SES may report it; lower-cased. */
const bareAddress = (value: string) => (/<([^>]+)>\s*$/.exec(value)?.[1] ?? value).trim().toLowerCase();

export type EmailStatusReason = 'bounce' | 'complaint' | 'cleared' | 'email_changed';

/**
 * One change of a user's `emailStatus` as its audit event (`actor` null: the system, for SES's
 * events), with the user as it is after the change for the `user.updated` event it becomes.
 */
export function emailStatusAudit(
  ctx: RequestContext,
  after: UserRecord,
  change: { from: EmailStatus; to: EmailStatus; reason: EmailStatusReason },
  actor: AuditActor | null,
  at: string,
): TxItem {
  return auditItem(
    ctx,
    {
      orgId: after.orgId,
      action: 'user.email_status_changed',
      actor,
      target: userTarget(after),
      details: change,
      snapshot: { data: publicUser(after), previous: { emailStatus: change.from } },
    },
    at,
  );
}

/** DynamoDB's limit of items in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/**
 * A permanent bounce makes the address `bounced`, a complaint `complained`: the address is
 * suppressed for the whole deployment (the mailer sends nothing there) and every user holding
 * it, in any organization, gets that `emailStatus`, audited in its own organization. The user
 * the message was for is found through its organization's marker (strongly consistent), the
 * others through the address's entries in the users index. Transient bounces change nothing.
 * Idempotent: EventBridge may deliver an event twice, and the second changes nothing; a failure
 * throws, and the retried event finishes what the first left.
 */
export async function handleEmailEvent(input: unknown, ctx: RequestContext): Promise<EmailEventOutcome> {
  const parsed = SesEvent.safeParse(input);
  if (!parsed.success) {
    logger.warn('email event ignored', { event: 'email.event_ignored', problem: z.prettifyError(parsed.error) });
    return { recipients: 0, usersMarked: 0 };
  }
  const { detail } = parsed.data;
  const status: UndeliverableStatus | undefined =
    detail.eventType === 'Complaint' ? 'complained' : detail.bounce.bounceType === 'Permanent' ? 'bounced' : undefined;
  const recipients = detail.eventType === 'Complaint' ? detail.complaint.complainedRecipients : detail.bounce.bouncedRecipients;
  if (!status) {
    logger.info('transient bounce', { event: 'email.soft_bounced', recipients: recipients.length });
    return { recipients: recipients.length, usersMarked: 0 };
  }
  const taggedOrg = detail.mail.tags?.[EMAIL_TAGS.org]?.[0];
  const at = new Date(clock.now()).toISOString();
  let usersMarked = 0;
  for (const recipient of recipients) {
    const address = bareAddress(recipient.emailAddress);
    const holders = await holdersOf(address);
    const tagged = taggedOrg ? await userIdByEmail(taggedOrg, address) : undefined;
    if (taggedOrg && tagged && !holders.some((holder) => holder.orgId === taggedOrg && holder.userId === tagged)) {
      holders.push({ orgId: taggedOrg, userId: tagged });
    }
    // Each change is its user's update with its audit event, never split between transactions.
    const changes: TxItem[][] = [];
    const marked: string[] = [];
    for (const holder of holders) {
      const user = await getUser(holder.orgId, holder.userId);
      const from = user?.emailStatus ?? 'ok';
      // A complaint outranks a bounce; the same status again is a redelivered event.
      if (!user || user.email?.toLowerCase() !== address || from === status || from === 'complained') continue;
      changes.push([
        updateUser(user, { set: { emailStatus: status, updatedAt: at } }),
        emailStatusAudit(ctx, { ...user, emailStatus: status, updatedAt: at, version: user.version + 1 }, { from, to: status, reason: status === 'bounced' ? 'bounce' : 'complaint' }, null, at),
      ]);
      marked.push(user.orgId);
    }
    // Usually one transaction; an address held by more than 49 users takes several, the
    // suppression in the first, so a failure part-way leaves nothing mailed there.
    let batch: TxItem[] = [suppressAddress(address, status, at)];
    for (const change of changes) {
      if (batch.length + change.length > MAX_TRANSACTION_ITEMS) {
        await transact(batch);
        batch = [];
      }
      batch.push(...change);
    }
    await transact(batch);
    usersMarked += marked.length;
    logger.info(status === 'bounced' ? 'email bounced' : 'email complaint', {
      event: status === 'bounced' ? 'email.bounced' : 'email.complained',
      address: addressHash(address),
      orgId: taggedOrg,
      usersMarked: marked.length,
      organizations: new Set(marked).size,
    });
  }
  return { status, recipients: recipients.length, usersMarked };
}
