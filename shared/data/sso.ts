import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, preconditionFailed } from '../errors';
import { db, isConditionFailure, tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

/**
 * Enterprise single sign-on's items (shared/api/sso.md): claimed domains, connections, the
 * sign-ins in progress and what the ACS must remember (assertion ids, IdP identities).
 * Nothing here knows SAML or OIDC beyond the fields each connection keeps.
 */

export interface DomainRecord {
  id: string;
  orgId: string;
  domain: string;
  /** The TXT record's token: public by design (it is published in DNS). */
  token: string;
  status: 'pending' | 'verified';
  createdAt: string;
  verifiedAt: string | null;
}

export interface SamlSettings {
  entityId: string;
  ssoUrl: string;
  signRequests: boolean;
  /** PEM certificates the IdP may sign with; several at once for rotation. */
  certificates: string[];
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Sealed with the data key (shared/auth/crypto.ts), bound to the connection. */
  clientSecret: string;
  /** The discovery document read when the connection was saved. */
  metadata: Record<string, unknown>;
}

export interface ConnectionRecord {
  id: string;
  orgId: string;
  name: string;
  protocol: 'saml' | 'oidc';
  enabled: boolean;
  enforce: boolean;
  allowIdpInitiated: boolean;
  domains: string[];
  jit: { enabled: boolean; defaultRole: 'developer' | 'admin' };
  saml?: SamlSettings;
  /** The connection's own key pair (SAML): the certificate is public, the key sealed. */
  sp?: { certificate: string; privateKey: string };
  oidc?: OidcSettings;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, entity: _entity, ttl: _ttl, ...rest } = item;
  return rest as T;
};

async function queryOrg<T>(orgId: string, prefix: string): Promise<T[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => strip<T>(item));
}

// ---- domains ----

export const listDomains = (orgId: string) => queryOrg<DomainRecord>(orgId, keys.ssoDomainPrefix);

export const putDomainItem = (domain: DomainRecord): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.ssoDomain(domain.orgId, domain.domain), entity: 'ssoDomain', ...domain },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: () => conflict('conflict', 'This organization already claimed this domain.'),
});

export const markDomainVerifiedItem = (domain: DomainRecord, at: string): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.ssoDomain(domain.orgId, domain.domain),
      UpdateExpression: 'SET #status = :verified, verifiedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':verified': 'verified', ':pending': 'pending', ':at': at },
    },
  },
  onConditionFailed: preconditionFailed,
});

/** One organization per verified domain: the marker is claimed once and moves only when released. */
export const claimVerifiedDomainItem = (domain: string, orgId: string): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.verifiedDomain(domain), entity: 'verifiedDomain', orgId },
      ConditionExpression: 'attribute_not_exists(pk) OR orgId = :org',
      ExpressionAttributeValues: { ':org': orgId },
    },
  },
  onConditionFailed: () => conflict('domain_taken', 'Another organization verified this domain.'),
});

export async function verifiedDomainOwner(domain: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.verifiedDomain(domain), ConsistentRead: true }));
  return Item?.orgId as string | undefined;
}

export const deleteDomainItems = (domain: DomainRecord): TxItem[] => [
  { write: { Delete: { TableName: tableName(), Key: keys.ssoDomain(domain.orgId, domain.domain), ConditionExpression: 'attribute_exists(pk)' } }, onConditionFailed: preconditionFailed },
  ...(domain.status === 'verified'
    ? [{ write: { Delete: { TableName: tableName(), Key: keys.verifiedDomain(domain.domain), ConditionExpression: 'orgId = :org', ExpressionAttributeValues: { ':org': domain.orgId } } } }]
    : []),
];

// ---- connections ----

export const listConnections = (orgId: string) => queryOrg<ConnectionRecord>(orgId, keys.ssoConnectionPrefix);

export async function getConnection(orgId: string, id: string): Promise<ConnectionRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.ssoConnection(orgId, id), ConsistentRead: true }));
  return Item ? strip<ConnectionRecord>(Item) : undefined;
}

/** The ACS and callback know only the connection id: its owner marker names the organization. */
export async function connectionById(id: string): Promise<ConnectionRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.ssoConnectionOwner(id), ConsistentRead: true }));
  return Item && !Item.deletedAt ? getConnection(Item.orgId as string, id) : undefined;
}

/** A connection of this organization that was deleted and whose users are still being released. */
export async function releasingConnection(orgId: string, id: string): Promise<boolean> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.ssoConnectionOwner(id), ConsistentRead: true }));
  return Boolean(Item?.deletedAt) && Item?.orgId === orgId;
}

/** The last step of a deletion: nothing of the connection is left to release. */
export async function forgetConnectionOwner(id: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.ssoConnectionOwner(id), ConditionExpression: 'attribute_exists(deletedAt)' }))
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}

export const putConnectionItems = (connection: ConnectionRecord): TxItem[] => [
  {
    write: {
      Put: {
        TableName: tableName(),
        Item: { ...keys.ssoConnection(connection.orgId, connection.id), entity: 'ssoConnection', ...connection },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  },
  {
    write: {
      Put: {
        TableName: tableName(),
        Item: { ...keys.ssoConnectionOwner(connection.id), entity: 'ssoConnectionOwner', orgId: connection.orgId },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  },
];

/** Replaces the connection when it is still at the version read. */
export const replaceConnectionItem = (connection: ConnectionRecord, expectedVersion: number): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.ssoConnection(connection.orgId, connection.id), entity: 'ssoConnection', ...connection },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
    },
  },
  onConditionFailed: preconditionFailed,
});

export const deleteConnectionItems = (connection: ConnectionRecord, deletedAt: string): TxItem[] => [
  {
    write: {
      Delete: {
        TableName: tableName(),
        Key: keys.ssoConnection(connection.orgId, connection.id),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': connection.version },
      },
    },
    onConditionFailed: preconditionFailed,
  },
  // The owner marker stays as a tombstone until the connection's sessions, identities and
  // managed users are released, so a deletion cut short is finished by deleting it again.
  {
    write: {
      Put: {
        TableName: tableName(),
        Item: { ...keys.ssoConnectionOwner(connection.id), entity: 'ssoConnectionOwner', orgId: connection.orgId, deletedAt: deletedAt },
      },
    },
  },
];

/**
 * Written with a sign-in: the connection must still exist, so a sign-in that finishes while the
 * connection is being deleted cannot mark its user as managed after the release has passed it.
 * The check reads the small owner marker (tombstoned by the deletion's own transaction), not
 * the connection with its certificates: 2 WCU instead of 4.
 */
export const connectionExistsItem = (connection: Pick<ConnectionRecord, 'id'>, onGone: () => Error): TxItem => ({
  write: {
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.ssoConnectionOwner(connection.id),
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
    },
  },
  onConditionFailed: onGone as () => never,
});

// ---- enforcement (read by password login and reset) ----

/** Domain → enforcing connection id, for an organization's slug: one read per password sign-in. */
export async function enforcedDomains(slug: string): Promise<{ orgId: string; domains: Record<string, string> } | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.ssoEnforcement(slug) }));
  return Item ? { orgId: Item.orgId as string, domains: (Item.domains ?? {}) as Record<string, string> } : undefined;
}

export const putEnforcementItem = (slug: string, orgId: string, domains: Record<string, string>): TxItem =>
  Object.keys(domains).length
    ? { write: { Put: { TableName: tableName(), Item: { ...keys.ssoEnforcement(slug), entity: 'ssoEnforcement', orgId, domains } } } }
    : { write: { Delete: { TableName: tableName(), Key: keys.ssoEnforcement(slug) } } };

// ---- sign-ins in progress ----

export interface FlowRecord {
  /** SAML: the AuthnRequest ID; OIDC: the hash of `state`. */
  key: string;
  connectionId: string;
  orgId: string;
  /** Hash of the `gatehouse_sso` cookie of the browser that started the flow. */
  flowHash: string;
  /** A pending `/oauth2/authorize` request the sign-in completes. */
  request?: string;
  /** A Test sign-in: the root who started it. */
  testBy?: string;
  /** OIDC only: the nonce and the PKCE verifier. */
  nonce?: string;
  verifier?: string;
  expiresAt: number;
}

export async function putFlow(flow: FlowRecord): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.ssoFlow(flow.key), entity: 'ssoFlow', ...flow, ttl: flow.expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getFlow(key: string): Promise<FlowRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.ssoFlow(key), ConsistentRead: true }));
  return Item ? strip<FlowRecord>(Item) : undefined;
}

/** Uses a flow up: only an answer that passed every check gets here, so a forgery never burns it. */
export const consumeFlowItem = (flow: FlowRecord, onUsed: () => Error): TxItem => ({
  write: {
    Delete: {
      TableName: tableName(),
      Key: keys.ssoFlow(flow.key),
      ConditionExpression: 'attribute_exists(pk) AND connectionId = :conn',
      ExpressionAttributeValues: { ':conn': flow.connectionId },
    },
  },
  onConditionFailed: onUsed as () => never,
});

/** A SAML assertion id, remembered until its NotOnOrAfter: a second use fails the transaction. */
export const rememberAssertionItem = (connectionId: string, idHash: string, until: number, onSeen: () => Error): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.ssoSeenAssertion(connectionId, idHash), entity: 'ssoSeen', ttl: until },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: onSeen as () => never,
});

export interface HandleRecord {
  hash: string;
  orgId: string;
  /** The browser that must present it (SP-initiated); null for IdP-initiated sign-ins. */
  flowHash: string | null;
  outcome: Record<string, unknown>;
  expiresAt: number;
}

export async function putHandle(handle: HandleRecord): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName(), Item: { ...keys.ssoHandle(handle.hash), entity: 'ssoHandle', ...handle, ttl: handle.expiresAt } }));
}

export async function getHandle(hash: string): Promise<HandleRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.ssoHandle(hash), ConsistentRead: true }));
  return Item ? strip<HandleRecord>(Item) : undefined;
}

export const consumeHandleItem = (hash: string, onUsed: () => Error): TxItem => ({
  write: { Delete: { TableName: tableName(), Key: keys.ssoHandle(hash), ConditionExpression: 'attribute_exists(pk)' } },
  onConditionFailed: onUsed as () => never,
});

// ---- identities ----

export async function identityUser(orgId: string, connectionId: string, subjectHash: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.ssoIdentity(orgId, connectionId, subjectHash), ConsistentRead: true }));
  return Item?.userId as string | undefined;
}

export const putIdentityItem = (orgId: string, connectionId: string, subjectHash: string, userId: string): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.ssoIdentity(orgId, connectionId, subjectHash), entity: 'ssoIdentity', userId, connectionId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: () => conflict('concurrent_change', 'This identity was linked at the same time; sign in again.'),
});

/** Every IdP identity of a connection, removed with it. */
export async function deleteIdentities(orgId: string, connectionId: string): Promise<string[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': `SSOID#${connectionId}#` },
      ConsistentRead: true,
    }),
  );
  for (const item of Items) {
    await db().send(new DeleteCommand({ TableName: tableName(), Key: { pk: item.pk, sk: item.sk } })).catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
  }
  return [...new Set(Items.map((item) => item.userId as string))];
}

/** Sessions an SSO connection made (`idp` on the session item), to end when it is deleted. */
export async function sessionsOfConnection(orgId: string, connectionId: string): Promise<Array<{ id: string; userId: string }>> {
  const out: Array<{ id: string; userId: string }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'idp = :idp',
        ProjectionExpression: 'id, userId',
        ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.sessionPrefix, ':idp': connectionId },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) out.push({ id: item.id as string, userId: item.userId as string });
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** The user holding an email address in the organization (the unique-email marker). */
export async function userIdByEmail(orgId: string, email: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.email(orgId, email), ConsistentRead: true }));
  return Item?.userId as string | undefined;
}
