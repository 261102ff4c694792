import { nowIso } from '../clock';
import type { RequestContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { claimLogin } from '../data/logins';
import { publicOrg, putOrg, putSlugMarker, type OrgRecord } from '../data/orgs';
import { transact } from '../data/transact';
import { claimEmail, newUser, publicUser, putSearchItems, putUser } from '../data/users';
import { sendEmail } from '../email/mailer';
import { verifyEmailMessage } from '../email/templates';
import { checkPassword, hashPassword } from '../auth/passwords';
import { newId } from '../ids';
import { newLink } from './email-links';

export interface SignUpInput {
  orgName: string;
  slug: string;
  login: string;
  name: string;
  email: string;
  password: string;
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
  const user = newUser({
    id: newId(),
    orgId: org.id,
    login: input.login,
    name: input.name,
    email: input.email,
    type: 'human',
    role: 'root',
    status: 'active',
    passwordHash,
    at,
  });
  const verification = newLink(user, 'verifyEmail');
  user.emailTokens.verifyEmail = verification.hash;

  await transact([
    putSlugMarker(org.slug, org.id),
    putOrg(org),
    putUser(user),
    claimLogin(org.slug, user.login, org.id, user.id),
    claimEmail(org.id, input.email, user.id),
    verification.item,
    ...putSearchItems(user),
    auditItem(ctx, {
      orgId: org.id,
      action: 'org.created',
      actor: actorOf(user),
      target: { type: 'org', id: org.id },
      details: { slug: org.slug, rootLogin: user.login },
    }, at),
  ]);

  await sendEmail(input.email, verifyEmailMessage(user.name, org.name, verification.url), user);
  return { org: publicOrg(org), user: publicUser(user) };
}
