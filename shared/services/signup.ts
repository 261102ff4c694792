import { orgSnapshot, userSnapshot } from '../data/snapshots';
import { nowIso } from '../clock';
import type { RequestContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { claimLogin } from '../data/logins';
import { publicOrg, putOrg, putSlugMarker, type OrgRecord } from '../data/orgs';
import { transact } from '../data/transact';
import { newAddressStatus } from '../data/email-status';
import { claimEmail, newUser, publicUser, putSearchItems, putUser } from '../data/users';
import { emailUser } from '../email/compose';
import { checkPassword, hashPassword } from '../auth/passwords';
import { newId } from '../ids';
import { DEFAULT_LOCALE, type Locale } from '../i18n/locales';
import { newLink } from './email-links';
import { spendSignUp } from './abuse';

export interface SignUpInput {
  orgName: string;
  slug: string;
  login: string;
  name: string;
  email: string;
  password: string;
  locale?: Locale;
}

/**
 * Creates the organization and its root in one transaction (org, slug, login and email
 * markers, user, verification token, audit event), then emails the verification link.
 */
export async function signUp(ctx: RequestContext, input: SignUpInput) {
  checkPassword(input.password, { login: input.login, email: input.email, orgSlug: input.slug });
  await spendSignUp(ctx, input.email);
  // An address SES reported undeliverable gets no link: the root's `emailStatus` says why.
  const [passwordHash, addressStatus] = await Promise.all([hashPassword(input.password), newAddressStatus(input.email)]);
  const at = nowIso();
  const org: OrgRecord = { id: newId(), slug: input.slug, name: input.orgName, createdAt: at, updatedAt: at, version: 1, defaultLocale: input.locale ?? DEFAULT_LOCALE };
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
    locale: input.locale ?? null,
    ...addressStatus,
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
      snapshot: orgSnapshot(org),
    }, at),
    // The root comes to exist here too: user.created fires for every user (PRODUCT.md "Events").
    auditItem(ctx, {
      orgId: org.id,
      action: 'user.created',
      actor: actorOf(user),
      target: userTarget(user),
      details: { type: 'human', role: 'root', origin: 'signup' },
      snapshot: userSnapshot(user),
    }, at),
  ]);

  await emailUser(input.email, 'verify-email', org, user, { link: verification.url, expiresAt: new Date(verification.expiresAt) });
  return { org: publicOrg(org), user: publicUser(user) };
}
