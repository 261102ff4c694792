import { config } from '../config';
import { getOrg } from '../data/orgs';
import type { UserRecord } from '../data/users';
import { sendEmail } from '../email/mailer';
import { newDeviceMessage } from '../email/templates';
import type { UserAgentFacts } from '../auth/user-agent';
import { logger } from '../log';

/** A device unseen for this long is new again (PRODUCT.md: 90 days). */
export const DEVICE_MEMORY_SECONDS = 90 * 86400;
/** How many devices a user item remembers: the most recent ones, so the item stays small. */
export const DEVICES_KEPT = 20;

/** Where the notice sends the user: the Sessions section of My account in the console. */
export const sessionsPageUrl = () => `${config().APP_URL}/account#sessions`;

/**
 * ASVS 6.3.5: a sign-in from a browser (family and OS) this user has not signed in from in 90
 * days is emailed to them. The very first sign-in (activation, or the first this version sees)
 * only records the device. Called after the session is committed, with the user as it was
 * read before that write; a failed email is logged and never fails the sign-in.
 */
export async function noticeNewDevice(
  user: UserRecord,
  agent: UserAgentFacts,
  meta: { ip: string },
  now: number,
): Promise<void> {
  if (!user.devices || user.type !== 'human' || !user.email) return;
  const lastSeen = user.devices[agent.device];
  if (lastSeen !== undefined && lastSeen > now - DEVICE_MEMORY_SECONDS) return;
  try {
    const org = await getOrg(user.orgId);
    await sendEmail(user.email, newDeviceMessage(user.name, org?.name ?? 'Gatehouse', {
      at: new Date(now * 1000),
      browser: agent.browser ?? 'an unknown browser',
      os: agent.os ?? 'an unknown system',
      ip: meta.ip,
      url: sessionsPageUrl(),
    }), user);
  } catch (error) {
    logger.error('new-device notice not sent', { error: error instanceof Error ? error.name : 'unknown' });
  }
}
