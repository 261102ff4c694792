import { isIP } from 'node:net';
import { loginEntry, MAX_DEVICE_LOGINS, newDeviceId, openDeviceCookie, type DeviceCookie } from '../auth/device-cookie';
import { clock } from '../clock';
import { config } from '../config';
import type { RequestContext } from '../context';
import { consumeHourly, type HourlyCounter, type HourlyKind } from '../data/rate-counters';
import { RateLimited, type LimitKind } from '../errors';
import { logger } from '../log';

/**
 * Abuse resistance outside the password check itself (attempts.ts judges guesses): which
 * address a request counts for, the device cookie's memory of sign-ins, and the hourly limits
 * on sign-ups and on emails sent on request (PRODUCT.md "Abuse resistance").
 */

/** The limits in force (environment; api/production.md "Local stack" names them). */
export function abuseLimits() {
  const env = config();
  return {
    perLogin: env.GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_LOGIN,
    perDevice: env.GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_DEVICE,
    perIpPerOrg: env.GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP_PER_ORG,
    perIp: env.GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP,
    signupsPerIp: env.GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR,
    emailsPerIp: env.GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR,
    emailsPerRecipient: env.GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR,
  };
}

/**
 * The address a limit counts: IPv4 as it is, IPv6 by its /64 (one subscriber's prefix: an
 * attacker with one has 2^64 addresses), an IPv4-mapped IPv6 address as the IPv4 it maps.
 */
export function limitAddress(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const bare = ip.split('%')[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const hextets = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${hextets.slice(0, 4).map((hextet) => parseInt(hextet, 16).toString(16)).join(':')}::/64`;
}

const DETAIL: Record<LimitKind, string> = {
  login: 'Too many failed sign-ins; try again later.',
  device: 'Too many failed sign-ins from this browser; try again later.',
  ip: 'Too many failed sign-ins from this address; try again later.',
  signup: 'Too many sign-ups from this address; try again later.',
  email_ip: 'Too many emails requested from this address; try again later.',
  recipient: 'Too many emails to this address; try again later.',
};

export const rateLimited = (limit: LimitKind, retryAfterMs: number) => new RateLimited(limit, retryAfterMs / 1000, DETAIL[limit]);

// ---- Device cookies -------------------------------------------------------------------

/** The device cookie this request presented, opened once (no DynamoDB: it is sealed, not stored). */
export function presentedDevice(ctx: RequestContext): Promise<DeviceCookie | undefined> {
  const slot = ctx.device;
  if (!slot) return Promise.resolve(undefined);
  slot.opened ??= openDeviceCookie(slot.presented);
  return slot.opened;
}

/** The id of the presented device cookie if it names this sign-in (organization and user). */
export async function knownDevice(ctx: RequestContext, orgId: string | undefined, userId: string | undefined): Promise<string | undefined> {
  if (!orgId || !userId) return undefined;
  const cookie = await presentedDevice(ctx);
  return cookie?.logins.includes(loginEntry(orgId, userId)) ? cookie.id : undefined;
}

/**
 * A completed sign-in: the reply carries the device cookie again, this sign-in first, with a
 * fresh lifetime (the pipeline seals and sets it). Every way of signing in calls this.
 */
export async function rememberSignIn(ctx: RequestContext, user: { orgId: string; id: string }): Promise<void> {
  const slot = ctx.device;
  if (!slot) return;
  const current = slot.issue ?? (await presentedDevice(ctx));
  const entry = loginEntry(user.orgId, user.id);
  slot.issue = {
    id: current?.id ?? newDeviceId(),
    logins: [entry, ...(current?.logins ?? []).filter((login) => login !== entry)].slice(0, MAX_DEVICE_LOGINS),
  };
}

// ---- Sign-up and email limits ----------------------------------------------------------

async function spend(ctx: RequestContext, counters: HourlyCounter[]): Promise<void> {
  const exceeded = await consumeHourly(counters, clock.now());
  if (!exceeded) return;
  logger.warn('limit reached', { event: 'abuse.rate_limited', limit: exceeded.kind, ip: ctx.ip });
  throw rateLimited(exceeded.kind, exceeded.retryAfterMs);
}

const counter = (kind: HourlyKind, subject: string, max: number): HourlyCounter => ({ kind, subject, max });

/**
 * One email this request asks Gatehouse to send to `recipient` (an invitation, a link): counted
 * per requesting address and per recipient across organizations, or refused with a 429 that
 * changes nothing. Call it before the change the email goes with. Security notices are not
 * counted (they are never sent on request).
 */
export async function spendEmail(ctx: RequestContext, recipient: string): Promise<void> {
  const limits = abuseLimits();
  await spend(ctx, [counter('email_ip', limitAddress(ctx.ip), limits.emailsPerIp), counter('recipient', recipient, limits.emailsPerRecipient)]);
}

/**
 * An email a directory's SCIM request leads to: only its recipient counts. A directory (Entra,
 * Okta) calls from shared address ranges, paced already by the organization's SCIM rate limit,
 * and a push of hundreds of new users from one address is its normal work, not a flood.
 */
export async function spendRecipient(ctx: RequestContext, recipient: string): Promise<void> {
  await spend(ctx, [counter('recipient', recipient, abuseLimits().emailsPerRecipient)]);
}

/** A sign-up: one organization from this address and the verification email to its root. */
export async function spendSignUp(ctx: RequestContext, rootEmail: string): Promise<void> {
  const limits = abuseLimits();
  const address = limitAddress(ctx.ip);
  await spend(ctx, [
    counter('signup', address, limits.signupsPerIp),
    counter('email_ip', address, limits.emailsPerIp),
    counter('recipient', rootEmail, limits.emailsPerRecipient),
  ]);
}

/**
 * Forgot-password, which must tell nothing: every request counts per address, sent or not, so
 * a 429 there says nothing about the account...
 */
export async function spendForgotRequest(ctx: RequestContext): Promise<void> {
  await spend(ctx, [counter('email_ip', limitAddress(ctx.ip), abuseLimits().emailsPerIp)]);
}

/** ...and a recipient over its limit is simply not mailed (the answer is the same 202). */
export async function mayMailQuietly(ctx: RequestContext, recipient: string): Promise<boolean> {
  const exceeded = await consumeHourly([counter('recipient', recipient, abuseLimits().emailsPerRecipient)], clock.now());
  if (exceeded) logger.warn('limit reached', { event: 'abuse.rate_limited', limit: exceeded.kind, ip: ctx.ip, silent: true });
  return !exceeded;
}

/**
 * A queued email (an import invitation) when its turn comes: no request is waiting for it, so
 * only its recipient counts, and one over its limit is dropped and logged, not refused
 * (api/production.md: the user stays pending and root re-issues the link later). Without this
 * a CSV of one address repeated, or imports in several organizations, would mail it unlimited.
 */
export async function mayMailQueued(recipient: string, details: { orgId: string; userId: string }): Promise<boolean> {
  const exceeded = await consumeHourly([counter('recipient', recipient, abuseLimits().emailsPerRecipient)], clock.now());
  if (exceeded) {
    logger.warn('queued invitation dropped: its recipient is over the hourly email limit; the user stays pending', {
      event: 'abuse.rate_limited',
      limit: exceeded.kind,
      queued: true,
      ...details,
    });
  }
  return !exceeded;
}
