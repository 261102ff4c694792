import { clock } from '../clock';
import { clearFailures, getLogin, recordFailure, type LoginRecord } from '../data/logins';
import { tooManyRequests } from '../errors';

/**
 * Every guess at a secret — password at login or re-authentication, TOTP or recovery code —
 * goes through here: refused unevaluated while the login is locked, counted when wrong,
 * and a success ends the run of failures.
 */
export async function guardedAttempt<T>(
  slug: string,
  login: string,
  attempt: (record: LoginRecord | undefined) => Promise<T | undefined>,
  onFailure: () => Error,
): Promise<T> {
  const now = clock.now();
  const record = await getLogin(slug, login);
  if (record?.lockedUntil && record.lockedUntil > now) throw tooManyRequests((record.lockedUntil - now) / 1000);
  const result = await attempt(record);
  if (result === undefined) {
    await recordFailure(slug, login, now, record);
    throw onFailure();
  }
  if (record && record.failures > 0) await clearFailures(slug, login);
  return result;
}
