import { clock } from '../clock';
import { clearFailures, getLogin, recordFailure, type LoginRecord } from '../data/logins';
import { tooManyRequests } from '../errors';

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
 * Every guess at a secret — password at login or re-authentication, TOTP or recovery code —
 * goes through here: refused unevaluated while the login is locked, counted when wrong, and
 * the run of failures ends only with a completed sign-in.
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
  if (record?.lockedUntil && record.lockedUntil > now) throw tooManyRequests((record.lockedUntil - now) / 1000);
  const result = await attempt(record);
  if (result === undefined) {
    await recordFailure(slug, login, now, record);
    throw onFailure();
  }
  if (record && record.failures > 0 && options.completesSignIn?.(result)) await clearFailures(slug, login);
  return result;
}

/** A sign-in completed outside guardedAttempt (a challenge that checks no guess) ends the run too. */
export const signInCompleted = (slug: string, login: string) => clearFailures(slug, login);
