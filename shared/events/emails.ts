import { clock } from '../clock';
import { claimEmail, releaseEmail } from '../data/events';
import { requireOrg } from '../data/orgs';
import { transact } from '../data/transact';
import { getUser, updateUser } from '../data/users';
import { emailUser } from '../email/compose';
import { Problem } from '../errors';
import { logger } from '../log';
import { mayMailQueued } from '../services/abuse';
import { newLink } from '../services/email-links';

/** An invitation of a bulk import, queued by the dispatcher from the user's `user.created` audit event. */
export interface InvitationMessage {
  kind: 'invitation';
  orgId: string;
  userId: string;
  /** The audit event that queued it: one email per event, however often the message arrives. */
  eventId: string;
}

const CLAIM_DAYS = 8;

/**
 * Sends one queued invitation. The activation link is made now, so its 7 days start when the
 * email goes out; a user no longer pending, or sent a link since (a reissue), is skipped. The
 * claim on the event id makes a second arrival of the message send nothing; a failed send gives
 * the claim and the link back and throws, so the queue retries it (and after its retries, the DLQ).
 * A recipient over its hourly limit is not mailed (`dropped`): no link is made, the user stays pending.
 */
export async function handleEmailMessage(message: InvitationMessage): Promise<'sent' | 'skipped' | 'dropped'> {
  const user = await getUser(message.orgId, message.userId);
  if (!user || user.status !== 'pending' || !user.email || user.emailTokens.activation) return 'skipped';
  const ttl = Math.floor(clock.now() / 1000) + CLAIM_DAYS * 86_400;
  if (!(await claimEmail(message.orgId, message.eventId, ttl))) return 'skipped';
  // Counted after the claim, so a second arrival of the message does not count twice; a drop
  // keeps the claim, so the message is handled and the queue does not retry it.
  if (!(await mayMailQueued(user.email, { orgId: message.orgId, userId: user.id }))) return 'dropped';
  const org = await requireOrg(message.orgId);
  const link = newLink(user, 'activation');
  try {
    await transact([
      link.item,
      updateUser(user, { set: { 'emailTokens.activation': link.hash }, bumpVersion: false, expect: { attribute: 'status', value: 'pending' } }),
    ]);
  } catch (error) {
    await releaseEmail(message.orgId, message.eventId);
    if (error instanceof Problem && error.status < 500) return 'skipped';
    throw error;
  }
  // The same `invitation` email as a direct invite: the recipient's language, the organization's brand and template.
  const delivery = await emailUser(user.email, 'invitation', org, user, { link: link.url, expiresAt: new Date(link.expiresAt) });
  if (delivery === 'failed') {
    await transact([updateUser(user, { remove: ['emailTokens.activation'], bumpVersion: false, expect: { attribute: 'emailTokens.activation', value: link.hash } })]).catch(() => undefined);
    await releaseEmail(message.orgId, message.eventId);
    logger.warn('queued invitation not sent; it will be retried', { event: 'email.retry', userId: user.id });
    throw new Error('invitation not sent');
  }
  return 'sent';
}
