/**
 * Every key of the single table is built here. The organization id is the first part of
 * every tenant item's partition key, so no query can reach across organizations.
 *
 *   ORG#<org>            ORG                 organization
 *   ORG#<org>            USER#<user>         user (with its live session ids)
 *   ORG#<org>            EMAIL#<email>       unique-email marker
 *   ORG#<org>            SESSION#<sid>       refresh-token family (hash of the current token)
 *   ORG#<org>            AUDIT#<time>#<id>   audit event (TTL)
 *   ORG#<org>            SEARCH#<term>#<user> prefix-search entry (login, name, email)
 *   ORG#<org>            BILLING             billing profile
 *   ORG#<org>            INVOICE#<end>#<no>  invoice, newest period first
 *   ORG#<org>            INVOICENO#<no>      invoice-number marker (idempotent imports)
 *   ORG#<org>            GROUPMAPPINGS       IdP group → role and permissions (SCIM and SSO)
 *   CHALLENGE#<hash>     CHALLENGE           login challenge in progress (TTL)
 *   MAILRATE#<hash>      MAILRATE            emails sent to one address this hour
 *   SUPPRESSED#<hash>    SUPPRESSED          an address SES reported bounced or complained (all orgs)
 *   OAUTHREQ#<hash>      OAUTHREQ            pending OpenID Connect authorization request (TTL)
 *   OAUTHCODE#<hash>     OAUTHCODE           authorization code, and after use what it issued (TTL)
 *
 * Index usersByLogin: gsi1pk = ORG#<org>#USERS, gsi1sk = login.
 *   SLUG#<slug>          SLUG                unique-slug marker -> org
 *   LOGIN#<slug>#<login> LOGIN               unique-login marker -> user, and its lockout counter
 *   TOKEN#<hash>         TOKEN               emailed single-use token (TTL)
 *   PROBE                PROBE               never written; read by the readiness check
 */
export interface Key {
  pk: string;
  sk: string;
}

const org = (orgId: string) => `ORG#${orgId}`;

export const keys = {
  org: (orgId: string): Key => ({ pk: org(orgId), sk: 'ORG' }),
  user: (orgId: string, userId: string): Key => ({ pk: org(orgId), sk: `USER#${userId}` }),
  userPrefix: 'USER#',
  email: (orgId: string, email: string): Key => ({ pk: org(orgId), sk: `EMAIL#${email.toLowerCase()}` }),
  session: (orgId: string, sessionId: string): Key => ({ pk: org(orgId), sk: `SESSION#${sessionId}` }),
  audit: (orgId: string, at: string, id: string): Key => ({ pk: org(orgId), sk: `AUDIT#${at}#${id}` }),
  auditPrefix: 'AUDIT#',
  orgPartition: org,
  slug: (slug: string): Key => ({ pk: `SLUG#${slug}`, sk: 'SLUG' }),
  login: (slug: string, login: string): Key => ({ pk: `LOGIN#${slug}#${login}`, sk: 'LOGIN' }),
  token: (tokenHash: string): Key => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' }),
  /** Never written: the readiness check reads it to prove the table answers. */
  probe: (): Key => ({ pk: 'PROBE', sk: 'PROBE' }),
  billing: (orgId: string): Key => ({ pk: org(orgId), sk: 'BILLING' }),
  invoice: (orgId: string, periodEnd: string, number: string): Key => ({ pk: org(orgId), sk: `INVOICE#${periodEnd}#${number}` }),
  invoicePrefix: 'INVOICE#',
  invoiceNumber: (orgId: string, number: string): Key => ({ pk: org(orgId), sk: `INVOICENO#${number}` }),
  groupMappings: (orgId: string): Key => ({ pk: org(orgId), sk: 'GROUPMAPPINGS' }),
  challenge: (hash: string): Key => ({ pk: `CHALLENGE#${hash}`, sk: 'CHALLENGE' }),
  mailRate: (addressHash: string): Key => ({ pk: `MAILRATE#${addressHash}`, sk: 'MAILRATE' }),
  suppressed: (addressHash: string): Key => ({ pk: `SUPPRESSED#${addressHash}`, sk: 'SUPPRESSED' }),
  authorizationRequest: (hash: string): Key => ({ pk: `OAUTHREQ#${hash}`, sk: 'OAUTHREQ' }),
  authorizationCode: (hash: string): Key => ({ pk: `OAUTHCODE#${hash}`, sk: 'OAUTHCODE' }),
  search: (orgId: string, term: string, userId: string): Key => ({ pk: org(orgId), sk: `SEARCH#${term}#${userId}` }),
  searchPrefix: (prefix: string) => `SEARCH#${prefix}`,
  usersByLogin: (orgId: string, login: string) => ({ gsi1pk: `${org(orgId)}#USERS`, gsi1sk: login }),
};
