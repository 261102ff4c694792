import { randomBytes } from 'node:crypto';
import { clock, nowIso } from '../clock';
import type { AuthedContext, Principal, RequestContext } from '../context';
import { actorOf, auditItem, userTarget, type AuditActor } from '../data/audit';
import { tableName } from '../data/client';
import { keys } from '../data/keys';
import { transact, type TxItem } from '../data/transact';
import { getUser, touchApiToken, type ApiTokenRecord, type UserRecord } from '../data/users';
import { conflict, notFound } from '../errors';
import { hashToken, safeEqual } from '../ids';
import { inCatalogOrder } from '../auth/permissions';
import { tokenScopes } from './permissions';

export const MAX_API_TOKENS_PER_USER = 20;
const PURPOSE = 'apiToken';
const PREFIX = 'ghp_';
const TOUCH_EVERY_MS = 3600_000;

/**
 * An API token is `ghp_` + base64url(token id · 256-bit secret · org id · user id): opaque to
 * its holder, yet it names the user whose single read authenticates it. Only its hash is kept.
 */
function formatToken(tokenId: Buffer, secret: Buffer, orgId: string, userId: string): string {
  const uuid = (value: string) => Buffer.from(value.replace(/-/g, ''), 'hex');
  return PREFIX + Buffer.concat([tokenId, secret, uuid(orgId), uuid(userId)]).toString('base64url');
}

function parseToken(token: string) {
  if (!token.startsWith(PREFIX)) return undefined;
  const raw = Buffer.from(token.slice(PREFIX.length), 'base64url');
  if (raw.length !== 72 || token.length !== PREFIX.length + 96) return undefined;
  const uuid = (bytes: Buffer) => bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  return { tokenId: raw.subarray(0, 8).toString('base64url'), orgId: uuid(raw.subarray(40, 56)), userId: uuid(raw.subarray(56, 72)) };
}

export const publicApiToken = (token: ApiTokenRecord) => ({
  id: token.id,
  name: token.name,
  prefix: token.prefix,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
  lastUsedAt: token.lastUsedAt,
  // null: not narrowed, so it can do all its owner can, whatever that is at each use.
  scopes: token.scopes ? inCatalogOrder(token.scopes) : null,
});

/** A new token for a user: the record to store and the value to show once. */
export function newApiToken(owner: Pick<UserRecord, 'orgId' | 'id'>, name: string, expiresInDays?: number, scopes?: string[]) {
  const tokenId = randomBytes(8);
  const token = formatToken(tokenId, randomBytes(32), owner.orgId, owner.id);
  const createdAt = nowIso();
  const record: ApiTokenRecord = {
    id: tokenId.toString('base64url'),
    name,
    prefix: token.slice(0, PREFIX.length + 8),
    hash: hashToken(PURPOSE, token),
    createdAt,
    expiresAt: expiresInDays ? new Date(clock.now() + expiresInDays * 86400_000).toISOString() : null,
    lastUsedAt: null,
    ...(scopes ? { scopes } : {}),
  };
  return { record, shown: { ...publicApiToken(record), token } };
}

function putTokenItem(owner: UserRecord, record: ApiTokenRecord): TxItem {
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.user(owner.orgId, owner.id),
        UpdateExpression: 'SET #tokens.#id = :record',
        ConditionExpression: 'attribute_exists(pk) AND size(#tokens) < :max',
        ExpressionAttributeNames: { '#tokens': 'apiTokens', '#id': record.id },
        ExpressionAttributeValues: { ':record': record, ':max': MAX_API_TOKENS_PER_USER },
      },
    },
    onConditionFailed: () => conflict('too_many_tokens', `A user may hold at most ${MAX_API_TOKENS_PER_USER} API tokens; revoke one first.`),
  };
}

export const listApiTokens = (owner: UserRecord) => ({
  items: Object.values(owner.apiTokens ?? {})
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map(publicApiToken),
  nextCursor: null,
});

export async function createApiToken(ctx: AuthedContext, owner: UserRecord, input: { name: string; expiresInDays?: number; scopes?: string[] }) {
  if (owner.status !== 'active') throw conflict('not_active', 'API tokens can only be created for active users.');
  const scopes = tokenScopes(ctx.principal, owner, input.scopes);
  const { record, shown } = newApiToken(owner, input.name, input.expiresInDays, scopes);
  await transact([
    putTokenItem(owner, record),
    auditItem(ctx, {
      orgId: owner.orgId,
      action: 'api_token.created',
      actor: actorOf(ctx.principal.user),
      target: userTarget(owner),
      details: { tokenId: record.id, name: record.name, expiresAt: record.expiresAt, scopes: scopes ?? null },
      snapshot: { data: { ...publicApiToken(record), userId: owner.id } },
    }, record.createdAt),
  ]);
  return shown;
}

export const revokeApiToken = (ctx: AuthedContext, owner: UserRecord, tokenId: string): Promise<void> =>
  revokeApiTokenAs(ctx, actorOf(ctx.principal.user), owner, tokenId);

/** Revokes with the audit event naming who did it: a user, or (actor null, `details.client`) an OAuth client. */
export async function revokeApiTokenAs(
  ctx: RequestContext,
  actor: AuditActor | null,
  owner: UserRecord,
  tokenId: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  const record = owner.apiTokens?.[tokenId];
  if (!record) throw notFound('No such API token.');
  const at = nowIso();
  await transact([
    {
      write: {
        Update: {
          TableName: tableName(),
          Key: keys.user(owner.orgId, owner.id),
          UpdateExpression: 'REMOVE #tokens.#id',
          ConditionExpression: 'attribute_exists(#tokens.#id)',
          ExpressionAttributeNames: { '#tokens': 'apiTokens', '#id': tokenId },
        },
      },
      onConditionFailed: () => notFound('No such API token.'),
    },
    auditItem(ctx, {
      orgId: owner.orgId,
      action: 'api_token.revoked',
      actor,
      target: userTarget(owner),
      details: { tokenId, name: record.name, ...details },
      snapshot: { data: { ...publicApiToken(record), userId: owner.id } },
    }, at),
  ]);
}

/**
 * An API token authenticates as its owner, with the owner's current role and status: it
 * never grants more than the owner has now, and deactivating the owner stops it at once.
 */
export async function authenticateApiToken(token: string): Promise<Principal | undefined> {
  const found = await findApiToken(token);
  if (!found) return undefined;
  const { user, record } = found;
  await noteApiTokenUse(user, record);
  return { orgId: user.orgId, user, apiTokenId: record.id };
}

/** `lastUsedAt`, written at most hourly so that using a token stays one read. */
export async function noteApiTokenUse(user: UserRecord, record: ApiTokenRecord): Promise<void> {
  if (!record.lastUsedAt || clock.now() - Date.parse(record.lastUsedAt) > TOUCH_EVERY_MS) {
    await touchApiToken(user, record.id, nowIso());
  }
}

/** Whether the user is active and holds this API token, unexpired (no read: the user is at hand). */
export function apiTokenUsable(user: UserRecord, tokenId: string): ApiTokenRecord | undefined {
  const record = user.apiTokens?.[tokenId];
  if (!record || user.status !== 'active') return undefined;
  if (record.expiresAt && Date.parse(record.expiresAt) <= clock.now()) return undefined;
  return record;
}

/** Whether a string has the shape of an API token (no read). */
export const looksLikeApiToken = (token: string) => parseToken(token) !== undefined;

/**
 * The user and record of a presented API token when it is good now (one read): the owner is
 * active, the token exists, its hash matches and it has not expired.
 */
export async function findApiToken(token: string): Promise<{ user: UserRecord; record: ApiTokenRecord } | undefined> {
  const parsed = parseToken(token);
  if (!parsed) return undefined;
  const user = await getUser(parsed.orgId, parsed.userId);
  const record = user && apiTokenUsable(user, parsed.tokenId);
  if (!user || !record) return undefined;
  if (!safeEqual(record.hash, hashToken(PURPOSE, token))) return undefined;
  return { user, record };
}
