import { clock } from '../clock';
import type { RequestContext } from '../context';
import { clearDeviceFailures, clearFailures, getLogin, recordDeviceFailure, recordFailure, type LoginRecord } from '../data/logins';
import { countAddressFailure, failureWindowLive, getFailureWindow, orgAttribute, type FailureWindow } from '../data/rate-counters';
import { logger } from '../log';
import { abuseLimits, knownDevice, limitAddress, presentedDevice, rateLimited, rememberSignIn } from './abuse';

export interface AttemptOptions<T> {
  /**
   * Whether this success completes a sign-in (every factor proven), which alone ends the run
   * of failures. A correct password that still leads to a challenge, or a re-authentication
   * inside a signed-in request, does not: otherwise someone who knows the password could
   * reset the count between guesses at the second factor and never be locked.
   */
  completesSignIn?: (result: T) => boolean;
}

/**
 * Every guess at a secret inside a signed-in request or for a client id (re-authentication,
 * two-factor changes, client secrets) goes through here: refused unevaluated while the login
 * is locked, counted when wrong, and the run of failures ends only with a completed sign-in.
 */
export async function guardedAttempt<T>(
  slug: string,
  login: string,
  attempt: (record: LoginRecord | undefined) => Promise<T | undefined>,
  onFailure: () => Error,
  options: AttemptOptions<T> = {},
): Promise<T> {
  const now = clock.now();
  const record = await getLogin(slug, login);
  if (record?.lockedUntil && record.lockedUntil > now) throw rateLimited('login', record.lockedUntil - now);
  const result = await attempt(record);
  if (result === undefined) {
    await recordFailure(slug, login, now, record, abuseLimits().perLogin);
    throw onFailure();
  }
  if (record && record.failures > 0 && options.completesSignIn?.(result)) await clearFailures(slug, login);
  return result;
}

export interface SignInOptions<T> extends AttemptOptions<T> {
  /**
   * Count and limit failures per client address too (password sign-ins). A code guess at a
   * challenge already passed the password, and its address was judged then.
   */
  limitAddress?: boolean;
}

/**
 * A guess at a sign-in (`POST /v1/auth/login`, `/v1/auth/challenge`): guardedAttempt's shared
 * lock, plus the abuse resistance of api/production.md.
 *
 * - A browser whose device cookie names this login is judged by its own run of failures
 *   (GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_DEVICE), never by the shared lock or the address, so
 *   whoever locks a login does not lock its owner out. Its attempts cost nothing more than
 *   before: the runs live on the login item every attempt reads, and a success writes
 *   nothing unless that device had failures to forget.
 * - Every other client shares the login's lock, and a password sign-in is also refused once
 *   its address has failed too often in its hour, in this organization or in the deployment
 *   (password spraying). Its failure costs one write more than before: the address counter.
 *
 * Refusals are the same whether or not the organization or login exists.
 */
export async function signInAttempt<T>(
  ctx: RequestContext,
  slug: string,
  login: string,
  attempt: (record: LoginRecord | undefined) => Promise<T | undefined>,
  onFailure: () => Error,
  options: SignInOptions<T> = {},
): Promise<T> {
  const now = clock.now();
  const limits = abuseLimits();
  const address = limitAddress(ctx.ip);
  const checksAddress = options.limitAddress ?? false;
  // Without a device cookie the login and the address are read together; with one, the
  // address is read only if the cookie turns out not to name this login.
  const cookie = await presentedDevice(ctx);
  const early = checksAddress && !cookie ? getFailureWindow(address, now) : undefined;
  const [record, earlyWindow] = await Promise.all([getLogin(slug, login), early]);

  const deviceId = await knownDevice(ctx, record?.orgId, record?.userId);
  if (record && deviceId) {
    const run = record.devices[deviceId];
    if (run?.lockedUntil && run.lockedUntil > now) throw rateLimited('device', run.lockedUntil - now);
    const result = await attempt(record);
    if (result === undefined) {
      logger.info('sign-in failed', { event: 'auth.login_failed', ip: ctx.ip, device: true });
      const next = await recordDeviceFailure(slug, login, deviceId, now, run, limits.perDevice);
      if (next?.lockedUntil && next.lockedUntil > now && next.failures >= limits.perDevice) {
        logger.warn('device locked', { event: 'abuse.lockout', lock: 'device', ip: ctx.ip, seconds: Math.ceil((next.lockedUntil - now) / 1000) });
      }
      throw onFailure();
    }
    if (options.completesSignIn?.(result)) {
      if (run) await clearDeviceFailures(slug, login, deviceId);
      await rememberSignIn(ctx, { orgId: record.orgId!, id: record.userId! });
    }
    return result;
  }

  let window: FailureWindow | undefined;
  if (checksAddress) {
    window = early ? earlyWindow : await getFailureWindow(address, now);
    if (failureWindowLive(window, now) && (window.total >= limits.perIp || (window.orgs[orgAttribute(slug)] ?? 0) >= limits.perIpPerOrg)) {
      logger.warn('sign-in refused', { event: 'abuse.spray_blocked', ip: ctx.ip, total: window.total });
      throw rateLimited('ip', window.start + 3600_000 - now);
    }
  }
  if (record?.lockedUntil && record.lockedUntil > now) throw rateLimited('login', record.lockedUntil - now);
  const result = await attempt(record);
  if (result === undefined) {
    logger.info('sign-in failed', { event: 'auth.login_failed', ip: ctx.ip });
    const [lockedUntil] = await Promise.all([
      recordFailure(slug, login, now, record, limits.perLogin),
      checksAddress ? countAddressFailure(address, slug, now, window) : undefined,
    ]);
    if (lockedUntil > now) logger.warn('login locked', { event: 'abuse.lockout', lock: 'login', ip: ctx.ip, seconds: Math.ceil((lockedUntil - now) / 1000) });
    throw onFailure();
  }
  if (options.completesSignIn?.(result)) {
    if (record && record.failures > 0) await clearFailures(slug, login);
    if (record?.orgId && record.userId) await rememberSignIn(ctx, { orgId: record.orgId, id: record.userId });
  }
  return result;
}

/**
 * A sign-in completed outside signInAttempt (a challenge that checks no guess): it ends the
 * run of the device that completed it, or the shared run for a client without one.
 */
export async function signInCompleted(ctx: RequestContext, slug: string, login: string, user: { orgId: string; id: string }): Promise<void> {
  const deviceId = await knownDevice(ctx, user.orgId, user.id);
  if (deviceId) await clearDeviceFailures(slug, login, deviceId);
  else await clearFailures(slug, login);
  await rememberSignIn(ctx, user);
}
