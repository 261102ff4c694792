import { clock, nowIso } from '../clock';
import type { RequestContext } from '../context';
import { auditItem } from '../data/audit';
import { putEmailToken } from '../data/email-tokens';
import { claimLogin } from '../data/logins';
import { publicOrg, putOrg, putSlugMarker, type OrgRecord } from '../data/orgs';
import { transact } from '../data/transact';
import { claimEmail, publicUser, putUser, type UserRecord } from '../data/users';
import { sendEmail } from '../email/mailer';
import { appLink, verifyEmailMessage } from '../email/templates';
import { checkPassword, hashPassword } from '../auth/passwords';
import { hashToken, newId, randomSecret } from '../ids';

export const VERIFY_EMAIL_SECONDS = 7 * 86400;

export interface SignUpInput {
  orgName: string;
  slug: string;
  login: string;
  name: string;
  email: string;
  password: string;
}

/** A fresh email-verification token: the value to email, and the item that stores only its hash. */
export function newVerificationToken(user: Pick<UserRecord, 'orgId' | 'id'>, email: string) {
  const token = randomSecret();
  const hash = hashToken('verifyEmail', token);
  return {
    token,
    hash,
    item: putEmailToken({
      hash,
      purpose: 'verifyEmail',
      orgId: user.orgId,
      userId: user.id,
      email: email.toLowerCase(),
      expiresAt: Math.floor(clock.now() / 1000) + VERIFY_EMAIL_SECONDS,
    }),
  };
}

/**
 * Creates the organization and its root in one transaction (org, slug, login and email
 * markers, user, verification token, audit event), then emails the verification link.
 */
export async function signUp(ctx: RequestContext, input: SignUpInput) {
  checkPassword(input.password, { login: input.login, email: input.email, orgSlug: input.slug });
  const passwordHash = await hashPassword(input.password);
  const at = nowIso();
  const org: OrgRecord = { id: newId(), slug: input.slug, name: input.orgName, createdAt: at, updatedAt: at, version: 1 };
  const user: UserRecord = {
    id: newId(),
    orgId: org.id,
    login: input.login,
    name: input.name,
    email: input.email,
    type: 'human',
    role: 'root',
    status: 'active',
    emailVerified: false,
    mustChangePassword: false,
    mfa: { enabled: false, required: false },
    origin: null,
    location: null,
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
    version: 1,
    passwordHash,
    sessions: {},
    emailTokens: {},
  };
  const verification = newVerificationToken(user, input.email);
  user.emailTokens.verifyEmail = verification.hash;

  await transact([
    putSlugMarker(org.slug, org.id),
    putOrg(org),
    putUser(user),
    claimLogin(org.slug, user.login, org.id, user.id),
    claimEmail(org.id, input.email, user.id),
    verification.item,
    auditItem(ctx, {
      orgId: org.id,
      action: 'org.created',
      actor: { id: user.id, login: user.login },
      target: { type: 'org', id: org.id },
      details: { slug: org.slug, rootLogin: user.login },
    }, at),
  ]);

  await sendEmail(input.email, verifyEmailMessage(user.name, org.name, appLink('/verify-email', verification.token)));
  return { org: publicOrg(org), user: publicUser(user) };
}
