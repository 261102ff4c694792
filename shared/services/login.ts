import type { RequestContext } from '../context';
import { nowIso } from '../clock';
import { auditItem, userTarget } from '../data/audit';
import { transact } from '../data/transact';
import { getUser, rehashPassword, type UserRecord } from '../data/users';
import { logger } from '../log';
import { invalidCredentials } from '../errors';
import { signInAttempt } from './attempts';
import { keyRing } from '../auth/keys';
import { hashPassword, needsRehash, verifyPassword } from '../auth/passwords';
import { normalizeLogin } from '../http/schemas';
import { continueSignIn, nextChallenge, type ChallengeAnswer } from './challenges';
import { type Tokens } from './sessions';
import { assertPasswordLoginAllowed, enforcedDomains } from './sso-enforcement';

export interface LoginInput {
  org: string;
  login: string;
  password: string;
}

/**
 * Password login. Every kind of failure (unknown organization or login, wrong password,
 * inactive account) answers the same 401 after the same argon2 work, and counts towards the
 * lockout of that slug+login (or of the browser's device cookie) and of the client address,
 * whether or not it exists (attempts.ts). While locked, nothing is evaluated.
 * Success costs the login item and user reads, the SSO enforcement item read beside them (not
 * before them), the abuse-resistance reads of attempts.ts, and one transaction (the session with
 * its place in the user's list); a password that needs a challenge (new password, two-factor)
 * gets it before any token.
 */
/**
 * A refused sign-in of an existing user goes into the organization's audit log (who was tried,
 * from where, and whether the password or the account's state refused it). Unknown logins have
 * no organization to log to; they stay in the `auth.login_failed` log line. The answer is 401
 * whatever happens here, so a failed write is only logged.
 */
async function auditRefusedSignIn(ctx: RequestContext, user: UserRecord, reason: 'password' | 'inactive') {
  try {
    await transact([auditItem(ctx, { orgId: user.orgId, action: 'auth.sign_in_failed', actor: null, target: userTarget(user), details: { reason } }, nowIso())]);
  } catch (error) {
    logger.warn('refused sign-in not audited', { error: error instanceof Error ? error.name : 'unknown' });
  }
}

export async function login(ctx: RequestContext, input: LoginInput): Promise<Tokens | ChallengeAnswer> {
  // The signing keys' first load (a Secrets Manager read on AWS) overlaps the reads and the
  // hash instead of following them; a failure here is met again, and answered, at signing.
  keyRing().catch(() => undefined);
  const slug = input.org.trim().toLowerCase();
  // Users of a domain whose SSO connection is enforced are sent to their IdP, whatever the
  // password. The enforcement item is read beside the login's own reads, not before them, and
  // judged as soon as the user is known: before the password, so nothing is counted.
  const enforcement = enforcedDomains(slug);
  enforcement.catch(() => undefined);
  // Started as soon as the refusal is known, so it runs beside the failure count's write: a known
  // login's refusal then takes about as long as an unknown one's (no enumeration by timing).
  let audited: Promise<void> | undefined;
  const user = await signInAttempt(
    ctx,
    slug,
    normalizeLogin(input.login.trim()),
    async (record) => {
      const found = record?.userId && record.orgId ? await getUser(record.orgId, record.userId) : undefined;
      if (found) await assertPasswordLoginAllowed(found, slug, enforcement);
      const passwordOk = await verifyPassword(found?.type === 'human' ? found.passwordHash : undefined, input.password);
      if (found && !(passwordOk && found.status === 'active')) audited = auditRefusedSignIn(ctx, found, passwordOk ? 'inactive' : 'password');
      return found && passwordOk && found.status === 'active' ? found : undefined;
    },
    invalidCredentials,
    // A password that still owes a challenge is not a sign-in: the run of failures goes on.
    { completesSignIn: (found) => nextChallenge(found) === undefined, limitAddress: true },
  ).catch(async (error: unknown) => {
    await audited;
    throw error;
  });
  if (user.passwordHash && needsRehash(user.passwordHash)) {
    await rehashPassword(user, await hashPassword(input.password));
  }
  return continueSignIn(ctx, user, slug);
}
