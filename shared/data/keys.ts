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
 *   ORG#<org>            SCIM                SCIM settings: default role, tokens (metadata and hash)
 *   ORG#<org>            SCIMEXT#<kind>#<id> unique-externalId marker -> user or group (SCIM)
 *   ORG#<org>            SCIMGROUP#<group>   SCIM group with its member ids (time-ordered ids)
 *   ORG#<org>            SCIMGNAME#<name>    unique-group-displayName marker (lower case) -> group
 *   ORG#<org>            SSODOMAIN#<domain>  a claimed email domain (pending or verified)
 *   ORG#<org>            SSOCONN#<id>        an SSO connection (SAML or OIDC)
 *   ORG#<org>            SSOID#<conn>#<hash> IdP identity (connection, NameID/sub) -> user
 *   DOMAIN#<domain>      DOMAIN              verified-domain marker -> org (one org per domain)
 *   SSOCONN#<id>         SSOCONN             connection id -> org (the ACS knows only the id)
 *   SSOENFORCE#<slug>    SSOENFORCE          domains whose password sign-in an enforced connection replaced
 *   SSOFLOW#<key>        SSOFLOW             SSO sign-in in progress: SAML request id or OIDC state hash (TTL)
 *   SSOHANDLE#<hash>     SSOHANDLE           one-time handle the console completes an SSO sign-in with (TTL)
 *   SSOSEEN#<conn>#<hash> SSOSEEN            SAML assertion id already used (TTL: its NotOnOrAfter)
 *   ORG#<org>            EVENTSEQ            the organization's last event number (events API order)
 *   ORG#<org>            EVENT#<seq>         a numbered event: the audit event as the catalog sends it (TTL)
 *   ORG#<org>            EVENTID#<id>        which number an audit event got (numbered once) (TTL)
 *   ORG#<org>            WEBHOOK#<id>        webhook endpoint (sealed signing secrets)
 *   ORG#<org>            DELIVERY#<ep>#<id>  one event's delivery to one endpoint, with its attempts (TTL 30 d)
 *   ORG#<org>            EMAILSENT#<event>   a queued email was sent for this event (TTL)
 *   ORG#<org>            BRANDING            branding (display name, colour, support URL, From name)
 *   ORG#<org>            BRANDLOGO           the logo's bytes (apart, so emails never read them)
 *   ORG#<org>            TEMPLATE#<type>#<locale>  an email template of the organization
 *   CHALLENGE#<hash>     CHALLENGE           login challenge in progress (TTL)
 *   RATE#<kind>#<hash>   RATE                an hourly limit's counter: sign-ups or emails per address, emails per recipient (TTL)
 *   FAILS#<hash>         FAILS               failed sign-ins from one client address this hour, in total and per slug (TTL)
 *   SUPPRESSED#<hash>    SUPPRESSED          an address SES reported bounced or complained (all orgs)
 *   OAUTHREQ#<hash>      OAUTHREQ            pending OpenID Connect authorization request (TTL)
 *   OAUTHCODE#<hash>     OAUTHCODE           authorization code, and after use what it issued (TTL)
 *   PASSKEY#<hash>       PASSKEY             credential-id marker -> org, user and passkey (deployment-wide unique)
 *   WEBAUTHN#<hash>      WEBAUTHN            WebAuthn challenge bound to what asked for it (single use, TTL)
 *
 * Index usersByLogin: gsi1pk = ORG#<org>#USERS, gsi1sk = login (user items);
 *   gsi1pk = ADDRESS#<hash>, gsi1sk = <org>#<user> (unique-email markers: every holder of an
 *   address across organizations, for SES bounces and complaints).
 *   SLUG#<slug>          SLUG                unique-slug marker -> org
 *   LOGIN#<slug>#<login> LOGIN               unique-login marker -> user, and its lockout counter
 *   TOKEN#<hash>         TOKEN               emailed single-use token (TTL)
 *   SCIMTOKEN#<hash>     SCIMTOKEN           SCIM token -> organization (one read authenticates it)
 *   PROBE                PROBE               never written; read by the readiness check
 *
 * The local stack's table of its own (localTableOf, shared/data/table.ts; no stream):
 *   STREAMPOS#<reader>   <shard id>          where a stream reader stopped
 *   LOCALQUEUE#<queue>   <due>#<id>          a queued message (SQS on AWS)
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
  sessionPrefix: 'SESSION#',
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
  scimSettings: (orgId: string): Key => ({ pk: org(orgId), sk: 'SCIM' }),
  scimToken: (hash: string): Key => ({ pk: `SCIMTOKEN#${hash}`, sk: 'SCIMTOKEN' }),
  /** externalId is caseExact (RFC 7643 §3.1), so it is kept as sent. */
  scimExternalId: (orgId: string, kind: 'USER' | 'GROUP', externalId: string): Key => ({ pk: org(orgId), sk: `SCIMEXT#${kind}#${externalId}` }),
  scimGroup: (orgId: string, groupId: string): Key => ({ pk: org(orgId), sk: `SCIMGROUP#${groupId}` }),
  scimGroupPrefix: 'SCIMGROUP#',
  scimGroupName: (orgId: string, displayName: string): Key => ({ pk: org(orgId), sk: `SCIMGNAME#${displayName.normalize('NFKC').toLowerCase()}` }),
  scimGroupNamePrefix: 'SCIMGNAME#',
  ssoDomain: (orgId: string, domain: string): Key => ({ pk: org(orgId), sk: `SSODOMAIN#${domain}` }),
  ssoDomainPrefix: 'SSODOMAIN#',
  ssoConnection: (orgId: string, id: string): Key => ({ pk: org(orgId), sk: `SSOCONN#${id}` }),
  ssoConnectionPrefix: 'SSOCONN#',
  ssoIdentity: (orgId: string, connectionId: string, subjectHash: string): Key => ({ pk: org(orgId), sk: `SSOID#${connectionId}#${subjectHash}` }),
  verifiedDomain: (domain: string): Key => ({ pk: `DOMAIN#${domain}`, sk: 'DOMAIN' }),
  ssoConnectionOwner: (id: string): Key => ({ pk: `SSOCONN#${id}`, sk: 'SSOCONN' }),
  ssoEnforcement: (slug: string): Key => ({ pk: `SSOENFORCE#${slug}`, sk: 'SSOENFORCE' }),
  ssoFlow: (key: string): Key => ({ pk: `SSOFLOW#${key}`, sk: 'SSOFLOW' }),
  ssoHandle: (hash: string): Key => ({ pk: `SSOHANDLE#${hash}`, sk: 'SSOHANDLE' }),
  ssoSeenAssertion: (connectionId: string, idHash: string): Key => ({ pk: `SSOSEEN#${connectionId}#${idHash}`, sk: 'SSOSEEN' }),
  branding: (orgId: string): Key => ({ pk: org(orgId), sk: 'BRANDING' }),
  brandLogo: (orgId: string): Key => ({ pk: org(orgId), sk: 'BRANDLOGO' }),
  emailTemplate: (orgId: string, type: string, locale: string): Key => ({ pk: org(orgId), sk: `TEMPLATE#${type}#${locale}` }),
  emailTemplatePrefix: 'TEMPLATE#',
  challenge: (hash: string): Key => ({ pk: `CHALLENGE#${hash}`, sk: 'CHALLENGE' }),
  rateCounter: (kind: string, subjectHash: string): Key => ({ pk: `RATE#${kind}#${subjectHash}`, sk: 'RATE' }),
  addressFailures: (addressHash: string): Key => ({ pk: `FAILS#${addressHash}`, sk: 'FAILS' }),
  suppressed: (addressHash: string): Key => ({ pk: `SUPPRESSED#${addressHash}`, sk: 'SUPPRESSED' }),
  authorizationRequest: (hash: string): Key => ({ pk: `OAUTHREQ#${hash}`, sk: 'OAUTHREQ' }),
  authorizationCode: (hash: string): Key => ({ pk: `OAUTHCODE#${hash}`, sk: 'OAUTHCODE' }),
  passkeyCredential: (credentialHash: string): Key => ({ pk: `PASSKEY#${credentialHash}`, sk: 'PASSKEY' }),
  webauthnChallenge: (hash: string): Key => ({ pk: `WEBAUTHN#${hash}`, sk: 'WEBAUTHN' }),
  search: (orgId: string, term: string, userId: string): Key => ({ pk: org(orgId), sk: `SEARCH#${term}#${userId}` }),
  searchPrefix: (prefix: string) => `SEARCH#${prefix}`,
  eventSeq: (orgId: string): Key => ({ pk: org(orgId), sk: 'EVENTSEQ' }),
  /** Zero-padded so the sort key orders numbers. */
  event: (orgId: string, seq: number): Key => ({ pk: org(orgId), sk: `EVENT#${String(seq).padStart(12, '0')}` }),
  eventPrefix: 'EVENT#',
  eventId: (orgId: string, id: string): Key => ({ pk: org(orgId), sk: `EVENTID#${id}` }),
  webhook: (orgId: string, id: string): Key => ({ pk: org(orgId), sk: `WEBHOOK#${id}` }),
  webhookPrefix: 'WEBHOOK#',
  delivery: (orgId: string, endpointId: string, deliveryId: string): Key => ({ pk: org(orgId), sk: `DELIVERY#${endpointId}#${deliveryId}` }),
  deliveryPrefix: (endpointId: string) => `DELIVERY#${endpointId}#`,
  emailSent: (orgId: string, eventId: string): Key => ({ pk: org(orgId), sk: `EMAILSENT#${eventId}` }),
  streamPosition: (reader: string, shardId: string): Key => ({ pk: `STREAMPOS#${reader}`, sk: shardId }),
  localQueue: (queue: string, due: string, id: string): Key => ({ pk: `LOCALQUEUE#${queue}`, sk: `${due}#${id}` }),
  localQueuePartition: (queue: string) => `LOCALQUEUE#${queue}`,
  usersByLogin: (orgId: string, login: string) => ({ gsi1pk: `${org(orgId)}#USERS`, gsi1sk: login }),
  /** On the unique-email marker: who holds an address in any organization (same index, its own partitions). */
  addressHolder: (addressHash: string, orgId: string, userId: string) => ({ gsi1pk: `ADDRESS#${addressHash}`, gsi1sk: `${orgId}#${userId}` }),
  addressHolders: (addressHash: string) => `ADDRESS#${addressHash}`,
};
