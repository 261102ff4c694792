import { afterUpdate, userSnapshot } from '../data/snapshots';
import * as z from 'zod';
import { clock } from '../clock';
import type { RequestContext } from '../context';
import { auditItem } from '../data/audit';
import { addressHash, suppressAddress, userIdByEmail, type UndeliverableStatus } from '../data/email-status';
import { transact, type TxItem } from '../data/transact';
import { getUser, updateUser } from '../data/users';
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

/**
 * A permanent bounce makes the address `bounced`, a complaint `complained`: the address is
 * suppressed for the whole deployment (the mailer sends nothing there) and the user the message
 * was for gets that `emailStatus`, audited, in the same transaction. Transient bounces change
 * nothing. Idempotent: EventBridge may deliver an event twice, and the second changes nothing.
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
  const orgId = detail.mail.tags?.[EMAIL_TAGS.org]?.[0];
  const at = new Date(clock.now()).toISOString();
  let usersMarked = 0;
  for (const recipient of recipients) {
    const address = bareAddress(recipient.emailAddress);
    const items: TxItem[] = [suppressAddress(address, status, at)];
    const userId = orgId ? await userIdByEmail(orgId, address) : undefined;
    const user = orgId && userId ? await getUser(orgId, userId) : undefined;
    const from = user?.emailStatus ?? 'ok';
    // A complaint outranks a bounce; the same status again is a redelivered event.
    if (user && user.email?.toLowerCase() === address && from !== status && from !== 'complained') {
      items.push(
        updateUser(user, { set: { emailStatus: status, updatedAt: at } }),
        auditItem(
          ctx,
          {
            orgId: user.orgId,
            action: 'user.email_status_changed',
            actor: null,
            target: { type: 'user', id: user.id, login: user.login },
            details: { from, to: status, reason: status === 'bounced' ? 'bounce' : 'complaint' },
            snapshot: userSnapshot(afterUpdate(user, { set: { emailStatus: status, updatedAt: at } }), user),
          },
          at,
        ),
      );
      usersMarked += 1;
    }
    await transact(items);
    logger.info(status === 'bounced' ? 'email bounced' : 'email complaint', {
      event: status === 'bounced' ? 'email.bounced' : 'email.complained',
      address: addressHash(address),
      orgId,
      userId: items.length > 1 ? user?.id : undefined,
    });
  }
  return { status, recipients: recipients.length, usersMarked };
}
