import { getLogin } from '../data/logins';
import { getOrg } from '../data/orgs';
import { enforcedDomains } from '../data/sso';
import { type UserRecord, getUser } from '../data/users';
import { Problem } from '../errors';
import { emailDomain } from '../sso/domains';

/**
 * Enforced enterprise single sign-on (shared/api/sso.md "Enforced connection"), kept apart from
 * the sign-in flow so that password login loads none of the SAML or OIDC code.
 */
class SsoRequired extends Problem {
  constructor(
    status: number,
    readonly ssoStart: { org: string; connection: string },
  ) {
    super(status, 'sso_required', 'This organization signs you in through its identity provider: use Sign in with SSO.');
  }

  override toJSON() {
    return { ...super.toJSON(), ssoStart: this.ssoStart };
  }
}

/**
 * Password sign-in and reset for users of a domain an enabled connection enforces answer
 * `sso_required` (whatever the password, nothing counted). The root and service accounts keep
 * their passwords: break-glass when the IdP is down. One read when nothing is enforced.
 */
export async function assertPasswordAllowed(slug: string, login: string, status = 401): Promise<void> {
  const enforced = await enforcedDomains(slug);
  if (!enforced) return;
  const record = await getLogin(slug, login);
  const user = record?.userId && record.orgId === enforced.orgId ? await getUser(record.orgId, record.userId) : undefined;
  if (user) assertPasswordAllowedFor(user, { slug, domains: enforced.domains }, status);
}

/**
 * Password login's form of the check: the enforcement item is read beside login's own reads
 * (`enforcement`, started before them) and judged once the user is known, before any password
 * is checked or failure counted. No read of its own.
 */
export async function assertPasswordLoginAllowed(user: UserRecord, slug: string, enforcement: ReturnType<typeof enforcedDomains>): Promise<void> {
  if (user.role === 'root' || user.type !== 'human' || !user.email) return;
  const enforced = await enforcement;
  if (enforced && enforced.orgId === user.orgId) assertPasswordAllowedFor(user, { slug, domains: enforced.domains }, 401);
}

export { enforcedDomains };

export async function assertPasswordAllowedForUser(user: UserRecord, status = 401): Promise<void> {
  if (user.role === 'root' || user.type !== 'human' || !user.email) return;
  const org = await getOrg(user.orgId);
  const enforced = org ? await enforcedDomains(org.slug) : undefined;
  if (org && enforced) assertPasswordAllowedFor(user, { slug: org.slug, domains: enforced.domains }, status);
}

function assertPasswordAllowedFor(user: UserRecord, enforced: { slug: string; domains: Record<string, string> }, status: number): void {
  if (user.role === 'root' || user.type !== 'human' || !user.email) return;
  const domain = emailDomain(user.email);
  const connection = domain ? enforced.domains[domain] : undefined;
  if (connection) throw new SsoRequired(status, { org: enforced.slug, connection });
}
