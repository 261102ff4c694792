import { clock } from '../clock';
import { clearFailures, getLogin, recordFailure } from '../data/logins';
import { getUser } from '../data/users';
import { invalidCredentials, tooManyRequests } from '../errors';
import { hashPassword, needsRehash, verifyPassword } from '../auth/passwords';
import { normalizeLogin } from '../http/schemas';
import { startSession, type Tokens } from './sessions';

export interface LoginInput {
  org: string;
  login: string;
  password: string;
}

/**
 * Password login. Every kind of failure (unknown organization or login, wrong password,
 * inactive account) answers the same 401 after the same argon2 work, and counts towards the
 * lockout of that slug+login, whether or not it exists. While locked, nothing is evaluated.
 * Success costs two reads (login item, user) and two writes (session, user).
 */
export async function login(input: LoginInput): Promise<Tokens> {
  const slug = input.org.trim().toLowerCase();
  const loginName = normalizeLogin(input.login.trim());
  const now = clock.now();

  const record = await getLogin(slug, loginName);
  if (record?.lockedUntil && record.lockedUntil > now) {
    throw tooManyRequests((record.lockedUntil - now) / 1000);
  }
  const user = record?.userId && record.orgId ? await getUser(record.orgId, record.userId) : undefined;
  const passwordOk = await verifyPassword(user?.type === 'human' ? user.passwordHash : undefined, input.password);

  if (!user || !passwordOk || user.status !== 'active') {
    await recordFailure(slug, loginName, now, record);
    throw invalidCredentials();
  }
  if (record && record.failures > 0) await clearFailures(slug, loginName);
  const rehash = user.passwordHash && needsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
  return startSession(user, { passwordHash: rehash });
}
