import type { RequestContext } from '../context';
import { getUser, rehashPassword } from '../data/users';
import { invalidCredentials } from '../errors';
import { signInAttempt } from './attempts';
import { keyRing } from '../auth/keys';
import { hashPassword, needsRehash, verifyPassword } from '../auth/passwords';
import { normalizeLogin } from '../http/schemas';
import { continueSignIn, nextChallenge, type ChallengeAnswer } from './challenges';
import { type Tokens } from './sessions';
import { assertPasswordAllowed } from './sso-enforcement';

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
 * Success costs two reads (login item, user) and one transaction (the session with its place
 * in the user's list); a password that needs a challenge (new password, two-factor) gets it
 * before any token.
 */
export async function login(ctx: RequestContext, input: LoginInput): Promise<Tokens | ChallengeAnswer> {
  // The signing keys' first load (a Secrets Manager read on AWS) overlaps the reads and the
  // hash instead of following them; a failure here is met again, and answered, at signing.
  keyRing().catch(() => undefined);
  const slug = input.org.trim().toLowerCase();
  // Users of a domain whose SSO connection is enforced are sent to their IdP, whatever the password.
  await assertPasswordAllowed(slug, normalizeLogin(input.login.trim()));
  const user = await signInAttempt(
    ctx,
    slug,
    normalizeLogin(input.login.trim()),
    async (record) => {
      const found = record?.userId && record.orgId ? await getUser(record.orgId, record.userId) : undefined;
      const passwordOk = await verifyPassword(found?.type === 'human' ? found.passwordHash : undefined, input.password);
      return found && passwordOk && found.status === 'active' ? found : undefined;
    },
    invalidCredentials,
    // A password that still owes a challenge is not a sign-in: the run of failures goes on.
    { completesSignIn: (found) => nextChallenge(found) === undefined, limitAddress: true },
  );
  if (user.passwordHash && needsRehash(user.passwordHash)) {
    await rehashPassword(user, await hashPassword(input.password));
  }
  return continueSignIn(ctx, user, slug);
}
