import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { effectivePermissions } from '../auth/permissions';
import type { Locale } from '../i18n/locales';
import { type Problem, conflict, invalidCredentials, preconditionFailed } from '../errors';
import { db, ignoreConditionFailure, tableName } from './client';
import { type Condition, Expression, updateExpression } from './expression';
import { keys } from './keys';
import { filteredPage } from './pages';
import { TABLE } from './table';
import { addressHash, type EmailStatus } from './email-status';
import type { TxItem } from './transact';
import type { PasskeyRecord } from './passkeys';

export type Role = 'root' | 'admin' | 'developer';
export type UserStatus = 'pending' | 'active' | 'deactivated';
export type EmailTokenPurpose = 'verifyEmail' | 'activation' | 'reset';

export interface UserRecord {
  id: string;
  orgId: string;
  login: string;
  name: string;
  email: string | null;
  type: 'human' | 'service';
  role: Role;
  status: UserStatus;
  emailVerified: boolean;
  /** Set by SES bounce and complaint events (shared/services/email-events.ts); absent means `ok`. */
  emailStatus?: EmailStatus;
  mustChangePassword: boolean;
  /**
   * `enabled`: the user has a second factor (TOTP or a passkey). `totp`: whether TOTP is one of
   * them (absent on records older than passkeys, where `enabled` meant TOTP). `passkeys`: how many.
   */
  mfa: { enabled: boolean; required: boolean; totp?: boolean; passkeys?: number };
  origin: string | null;
  location: string | null;
  /** The user's language; absent or null: the organization's default applies. */
  locale?: Locale | null;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  version: number;
  passwordHash?: string;
  /**
   * Live sessions: session id -> expiry (epoch seconds). Kept on the user item so the one
   * read every authenticated request makes also tells whether its session was revoked.
   */
  sessions: Record<string, number>;
  /**
   * Devices (browser family on OS family) this user signed in from: name -> last sign-in
   * (epoch seconds), the most recent few, for the new-browser notice. Absent until the first
   * sign-in that records it, which therefore never sends a notice.
   */
  devices?: Record<string, number>;
  /** Hash of the one live emailed link per purpose: issuing a new one kills the old one. */
  emailTokens: Partial<Record<EmailTokenPurpose, string>>;
  /** When the last verification link was emailed (for the resend rate limit). */
  verificationSentAt?: string;
  /** When the last password-reset link was emailed (forgot-password rate limit). */
  resetSentAt?: string;
  /**
   * True while `emailTokens.reset` is set, written and removed with it: the users index projects
   * it (RESET_PENDING), since an index cannot project one entry of a map.
   */
  resetPending?: boolean;
  /**
   * API tokens by id, with only the hash of each: kept here so that authenticating an API
   * token is the same single read as authenticating an access token.
   */
  apiTokens: Record<string, ApiTokenRecord>;
  /** The enrolled TOTP secret (sealed) and the last time step accepted, so no code counts twice. */
  totp?: { secret: string; lastStep: number };
  /** A self-enrolment offered but not yet confirmed with a code (sealed secret). */
  pendingTotp?: string;
  /** Passkeys by Gatehouse id (shared/data/passkeys.ts). */
  passkeys?: Record<string, PasskeyRecord>;
  /** The WebAuthn user handle (base64url, 32 random bytes), made at the first passkey and never changed. */
  passkeyHandle?: string;
  /** Keyed hashes of the unused recovery codes. */
  recoveryCodes?: Set<string>;
  /**
   * Permissions granted in the SaaS product (names of the catalog), on the user item so the
   * one read per request knows them. Root's are never stored: root holds the whole catalog.
   */
  permissions?: string[];
  /** Keyed hash of the import row that created this user, so importing it again is `unchanged`. */
  importDigest?: string;
  /** Which IdP manages this user (see ManagedBy); absent or null: Gatehouse alone. */
  managedBy?: ManagedBy | null;
  /** What the directory sent, echoed as sent (shared/api/scim.md "User resource"). */
  scim?: ScimUserData;
  /** The user's SCIM groups: group id -> displayName, kept with the user so its role can be computed from one read. */
  scimGroups?: Record<string, string>;
  /**
   * The group names the IdP sent at this user's last SSO sign-in, so a change of the mapping
   * list recomputes its role without a sign-in (shared/api/sso.md "Roles from groups").
   */
  ssoGroups?: string[];
}

/**
 * Who owns an IdP-managed user (shared/api/scim.md, sso.md): the directory (`scim`) or an
 * enterprise SSO connection (`sso:<connectionId>`). Stored and shown in this one spelling, so
 * the users index (which projects it) can find every user of one manager with a filter.
 */
export type ManagedBy = 'scim' | `sso:${string}`;
export const MANAGED_BY_SCIM = 'scim' satisfies ManagedBy;
export const managedBySso = (connectionId: string): ManagedBy => `sso:${connectionId}`;
/** The SSO connection managing the user, if one does (SCIM wins over SSO, so at most one manages it). */
export const ssoConnectionOf = (user: Pick<UserRecord, 'managedBy'>): string | undefined =>
  user.managedBy?.startsWith('sso:') ? user.managedBy.slice(4) : undefined;

export interface ScimUserData {
  userName: string;
  externalId?: string;
  givenName?: string;
  familyName?: string;
  formatted?: string;
  displayName?: string;
  locale?: string;
  preferredLanguage?: string;
  enterprise?: Record<string, unknown>;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  /** The permissions this token is narrowed to; absent: all of its owner's, whatever they are at each use. */
  scopes?: string[];
}

/** The API's user object: never a hash, token, session or secret. */
export function publicUser(user: UserRecord) {
  return {
    id: user.id,
    login: user.login,
    name: user.name,
    email: user.email,
    type: user.type,
    role: user.role,
    status: user.status,
    emailVerified: user.emailVerified,
    emailStatus: user.email ? (user.emailStatus ?? 'ok') : null,
    mustChangePassword: user.mustChangePassword,
    // A full record knows the link itself; a list row (no emailTokens) has the projected mirror.
    passwordResetPending: Boolean(user.emailTokens ? user.emailTokens.reset : user.resetPending),
    mfa: publicMfa(user.mfa),
    origin: user.origin,
    location: user.location,
    locale: user.locale ?? null,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastLoginAt: user.lastLoginAt,
    permissions: effectivePermissions(user),
    managedBy: user.managedBy ?? null,
    version: user.version,
  };
}
export type PublicUser = ReturnType<typeof publicUser>;

export type MfaMethod = 'totp' | 'passkey';

/** Whether TOTP is enrolled; records from before passkeys only say `enabled`. */
export const hasTotp = (mfa: UserRecord['mfa']): boolean => mfa.totp ?? (mfa.enabled && !(mfa.passkeys ?? 0));

/** The second factors a user has enrolled, from the `mfa` map alone (the users index projects it). */
export const enrolledMethods = (mfa: UserRecord['mfa']): MfaMethod[] => [
  ...(hasTotp(mfa) ? (['totp'] as const) : []),
  ...((mfa.passkeys ?? 0) > 0 ? (['passkey'] as const) : []),
];

/**
 * The API's `mfa`. `required` here is root's per-user flag; the organization's policy is added by
 * the caller that knows it (services/mfa-policy.ts).
 */
export function publicMfa(mfa: UserRecord['mfa']) {
  const methods = enrolledMethods(mfa);
  return { enabled: methods.length > 0, required: mfa.required, methods, passkeys: mfa.passkeys ?? 0 };
}

export function fromItem(item: Record<string, unknown>): UserRecord {
  const { pk: _pk, sk: _sk, entity: _entity, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...rest } = item;
  const user = rest as unknown as UserRecord;
  user.sessions ??= {};
  user.emailTokens ??= {};
  user.apiTokens ??= {};
  return user;
}

/**
 * A list row from the index: the public fields only. publicUser reads just those, so the row
 * goes to it as it came, instead of through two copies per item (50 on a page) first.
 */
function fromIndex(item: Record<string, unknown>): PublicUser {
  // The login is the index's sort key, not a projected copy (TABLE.usersByLogin).
  item.login = item[TABLE.usersByLogin.sortKey];
  return publicUser(item as unknown as UserRecord);
}

export async function getUser(orgId: string, userId: string): Promise<UserRecord | undefined> {
  // Strongly consistent: a deactivation or role change must hold on the very next request.
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.user(orgId, userId), ConsistentRead: true }));
  return Item ? fromItem(Item) : undefined;
}

export const putUser = (user: UserRecord): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.user(user.orgId, user.id), ...keys.usersByLogin(user.orgId, user.login), entity: 'user', ...user },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
});

export const deleteUserItem = (user: UserRecord): TxItem => ({
  write: {
    Delete: {
      TableName: tableName(),
      Key: keys.user(user.orgId, user.id),
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': user.version },
    },
  },
  onConditionFailed: preconditionFailed,
});

export const releaseEmail = (orgId: string, email: string, userId: string): TxItem => ({
  write: {
    Delete: {
      TableName: tableName(),
      Key: keys.email(orgId, email),
      ConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: { ':userId': userId },
    },
  },
});

/**
 * Prefix search over login, name and email is a query on small index items, one per term,
 * kept in the same transactions as the user they point to.
 */
export const searchTerms = (user: Pick<UserRecord, 'login' | 'name' | 'email'>): string[] =>
  [...new Set([user.login, user.name, user.email ?? ''].map((term) => term.normalize('NFKC').toLowerCase().slice(0, 200)).filter(Boolean))];

export const putSearchItems = (user: Pick<UserRecord, 'orgId' | 'id' | 'login' | 'name' | 'email'>, terms = searchTerms(user)): TxItem[] =>
  terms.map((term) => ({
    write: { Put: { TableName: tableName(), Item: { ...keys.search(user.orgId, term, user.id), entity: 'search', userId: user.id } } },
  }));

export const deleteSearchItems = (user: Pick<UserRecord, 'orgId' | 'id'>, terms: string[]): TxItem[] =>
  terms.map((term) => ({ write: { Delete: { TableName: tableName(), Key: keys.search(user.orgId, term, user.id) } } }));

export interface Page<T> {
  items: T[];
  next?: Record<string, unknown>;
}

export interface UserFilter {
  role?: Role;
  status?: UserStatus;
  /** Users holding this permission: those granted it, and the root, who holds every one. */
  permission?: string;
}

const holds = (user: Pick<UserRecord, 'role' | 'permissions'>, permission: string) =>
  user.role === 'root' || (user.permissions ?? []).includes(permission);

/**
 * The index's projected fields by name: without a projection the index also answers its own
 * keys and the table's (pk, sk, gsi1pk, gsi1sk), a quarter of each item's bytes, which the
 * SDK parses and unmarshals only for us to drop them.
 */
const LISTED_FIELDS = [...TABLE.usersByLogin.projected, TABLE.usersByLogin.sortKey];
const LISTED = {
  ProjectionExpression: LISTED_FIELDS.map((_, index) => `#p${index}`).join(', '),
  names: Object.fromEntries(LISTED_FIELDS.map((field, index) => [`#p${index}`, field])),
};

/** The set and remove of a reset link, with its projected mirror (UserRecord.resetPending). */
export const RESET_PENDING = {
  set: (hash: string) => ({ 'emailTokens.reset': hash, resetPending: true }),
  remove: ['emailTokens.reset', 'resetPending'],
} as const;

/** A page of users sorted by login (one query when unfiltered; see filteredPage). */
export async function listUsers(orgId: string, options: UserFilter & { limit: number; start?: Record<string, unknown> }): Promise<Page<PublicUser>> {
  const index = TABLE.usersByLogin;
  const page = await filteredPage(
    {
      TableName: tableName(),
      IndexName: index.indexName,
      KeyConditionExpression: '#gpk = :gpk',
      ProjectionExpression: LISTED.ProjectionExpression,
      ExpressionAttributeNames: { '#gpk': index.partitionKey, ...LISTED.names },
      ExpressionAttributeValues: { ':gpk': keys.usersByLogin(orgId, '').gsi1pk },
    },
    { role: options.role, status: options.status },
    options.limit,
    options.start,
    options.permission === undefined
      ? undefined
      : (expression) => `(${expression.path('role')} = ${expression.value('root')} OR contains(${expression.path('permissions')}, ${expression.value(options.permission)}))`,
  );
  return { items: page.items.map(fromIndex), next: page.next };
}

/** Users whose login, name or email starts with `prefix`: one query, then one batch read. */
export async function searchUsers(orgId: string, prefix: string, options: UserFilter & { limit: number; start?: Record<string, unknown> }): Promise<Page<PublicUser>> {
  const { Items = [], LastEvaluatedKey } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.searchPrefix(prefix.normalize('NFKC').toLowerCase()) },
      ExclusiveStartKey: options.start,
      Limit: options.limit,
      ConsistentRead: true,
    }),
  );
  const ids = [...new Set(Items.map((item) => item.userId as string))];
  const users = ids.length
    ? ((await db().send(new BatchGetCommand({
        RequestItems: { [tableName()]: { Keys: ids.map((id) => keys.user(orgId, id)), ConsistentRead: true } },
      }))).Responses?.[tableName()] ?? []).map(fromItem)
    : [];
  const matches = users
    .filter((user) => (!options.role || user.role === options.role) && (!options.status || user.status === options.status))
    .filter((user) => options.permission === undefined || holds(user, options.permission))
    .sort((a, b) => a.login.localeCompare(b.login))
    .map(publicUser);
  return { items: matches, next: LastEvaluatedKey };
}

export interface UserUpdate {
  set?: Record<string, unknown>;
  /** Attribute paths to remove, dotted for map entries (`emailTokens.reset`). */
  remove?: string[];
  /** Bump `version` (default): for changes to the user object the API shows. */
  bumpVersion?: boolean;
  /**
   * The guard: by default the version the caller read, so concurrent edits fail instead of
   * overwriting each other; or another attribute that must still hold the value read.
   */
  expect?: { version: number } | { attribute: string; value: unknown };
}

/** One user change as a transaction item; a failed guard becomes 412. */
export function updateUser(user: Pick<UserRecord, 'orgId' | 'id' | 'version'>, update: UserUpdate): TxItem {
  const expect = update.expect ?? { version: user.version };
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.user(user.orgId, user.id),
        ...updateExpression({
          set: update.set,
          remove: update.remove,
          bumpVersion: update.bumpVersion !== false,
          conditions: ['version' in expect ? { path: 'version', equals: expect.version } : { path: expect.attribute, equals: expect.value }],
        }),
      },
    },
    onConditionFailed: preconditionFailed,
  };
}

/**
 * Records a new session on the user item in the same write as the login bookkeeping,
 * dropping expired sessions and the oldest beyond the cap so the item stays small, and
 * marking the device (browser and OS family) as seen now. Answers the write and the ids of
 * live sessions it ends to make room, which the caller audits with it.
 */
export function addSession(
  user: UserRecord,
  session: { id: string; expiresAt: number },
  options: { now: number; maxSessions: number; lastLoginAt: string; device: { key: string; keep: number; forgetBefore: number } },
): { item: TxItem; evicted: string[] } {
  const live = Object.entries(user.sessions ?? {})
    .filter(([, expiresAt]) => expiresAt > options.now)
    // Newest first. Every session lasts the same, so expiry orders them by start, but only to
    // the second; within a second the time-ordered session id (ids.ts timeOrderedId) decides.
    .sort(([idA, a], [idB, b]) => b - a || (idA < idB ? 1 : idA > idB ? -1 : 0));
  const keep = new Set(live.slice(0, options.maxSessions - 1).map(([id]) => id));
  const drop = Object.keys(user.sessions ?? {}).filter((id) => !keep.has(id));
  const evicted = live.filter(([id]) => !keep.has(id)).map(([id]) => id);

  const expression = new Expression();
  const sets = [
    `${expression.path(`sessions.${session.id}`)} = ${expression.value(session.expiresAt)}`,
    `${expression.path('lastLoginAt')} = ${expression.value(options.lastLoginAt)}`,
  ];
  const removes = drop.map((id) => expression.path(`sessions.${id}`));
  const { device } = options;
  if (!user.devices) {
    // The first sign-in this version sees: the map does not exist yet, so it is written whole.
    sets.push(`${expression.path('devices')} = ${expression.value({ [device.key]: options.now })}`);
  } else {
    const others = Object.entries(user.devices).filter(([key]) => key !== device.key).sort(([, a], [, b]) => b - a);
    const forget = others.filter(([, seenAt], index) => seenAt < device.forgetBefore || index >= device.keep - 1);
    // Device names may hold dots, so each is one placeholder, never a dotted path.
    const devices = expression.path('devices');
    const name = (key: string) => {
      const placeholder = `#dev${Object.keys(expression.names).length}`;
      expression.names[placeholder] = key;
      return `${devices}.${placeholder}`;
    };
    sets.push(`${name(device.key)} = ${expression.value(options.now)}`);
    removes.push(...forget.map(([key]) => name(key)));
  }
  const status = expression.path('status');
  return {
    item: {
      write: {
        Update: {
          TableName: tableName(),
          Key: keys.user(user.orgId, user.id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          // A deactivation between the password check and this write must win.
          ConditionExpression: `attribute_exists(pk) AND ${status} = ${expression.value('active')}`,
          ...expression.attributes(),
        },
      },
      onConditionFailed: invalidCredentials,
    },
    evicted,
  };
}

/**
 * Every user of the organization that has sessions, a page at a time: a query of the
 * organization's partition (user items only), never a scan. Only ids, logins and sessions
 * are returned, though DynamoDB bills the whole items read.
 */
export async function* sessionHolders(orgId: string): AsyncGenerator<Pick<UserRecord, 'id' | 'orgId' | 'login' | 'sessions'>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.userPrefix },
        ProjectionExpression: 'id, login, #sessions',
        ExpressionAttributeNames: { '#sessions': 'sessions' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const sessions = (item.sessions ?? {}) as Record<string, number>;
      if (Object.keys(sessions).length) yield { id: item.id as string, orgId, login: item.login as string, sessions };
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

/** The same removal as a transaction item, for when it must be written with its audit event. */
export const removeSessionItem = (orgId: string, userId: string, sessionId: string): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.user(orgId, userId),
      UpdateExpression: 'REMOVE #sessions.#sid',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#sessions': 'sessions', '#sid': sessionId },
    },
  },
});

/** Removes a session that is still the user's; a failed condition means it had ended already. */
export const removeLiveSessionItem = (orgId: string, userId: string, sessionId: string, onConditionFailed: () => Problem): TxItem => ({
  write: {
    Update: {
      TableName: tableName(),
      Key: keys.user(orgId, userId),
      UpdateExpression: 'REMOVE #sessions.#sid',
      ConditionExpression: 'attribute_exists(#sessions.#sid)',
      ExpressionAttributeNames: { '#sessions': 'sessions', '#sid': sessionId },
    },
  },
  onConditionFailed,
});

export async function removeSession(orgId: string, userId: string, sessionId: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.user(orgId, userId),
      UpdateExpression: 'REMOVE #sessions.#sid',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#sessions': 'sessions', '#sid': sessionId },
    }),
  ).catch(ignoreConditionFailure);
}

/** The user holding an email address in the organization (compared case-insensitively): one read of its marker. */
export async function findEmailOwner(orgId: string, email: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.email(orgId, email), ConsistentRead: true }));
  return Item?.userId as string | undefined;
}

/** Up to 100 users of the organization by id, in one batch read. */
export async function getUsers(orgId: string, ids: readonly string[]): Promise<UserRecord[]> {
  const found: UserRecord[] = [];
  for (let index = 0; index < ids.length; index += 100) {
    let request: Record<string, { Keys: Array<Record<string, unknown>>; ConsistentRead?: boolean }> | undefined = {
      [tableName()]: { Keys: ids.slice(index, index + 100).map((id) => ({ ...keys.user(orgId, id) })), ConsistentRead: true },
    };
    // BatchGet may leave keys unprocessed under load; they are asked for again until none is left.
    while (request && Object.keys(request).length) {
      const answer = await db().send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(answer.Responses?.[tableName()] ?? []).map(fromItem));
      request = answer.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/**
 * Holds an email address for one user of the organization (compared case-insensitively). The
 * marker also lists the holder under the address across organizations (keys.addressHolder), so
 * an SES bounce marks every user of the address without a new index or item.
 */
export const claimEmail = (orgId: string, email: string, userId: string): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.email(orgId, email), ...keys.addressHolder(addressHash(email), orgId, userId), entity: 'email', userId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: () => conflict('email_taken', 'This email address is already used in the organization.'),
});

/** Records the use of an API token, at most once an hour so busy tokens do not write on every call. */
export async function touchApiToken(user: UserRecord, tokenId: string, at: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.user(user.orgId, user.id),
      UpdateExpression: 'SET #tokens.#id.lastUsedAt = :at',
      ConditionExpression: 'attribute_exists(#tokens.#id)',
      ExpressionAttributeNames: { '#tokens': 'apiTokens', '#id': tokenId },
      ExpressionAttributeValues: { ':at': at },
    }),
  ).catch(ignoreConditionFailure);
}

/** A new user record with every bookkeeping field initialised. */
export function newUser(fields: Pick<UserRecord, 'id' | 'orgId' | 'login' | 'name' | 'email' | 'type' | 'role' | 'status'> &
  Partial<Pick<UserRecord, 'emailVerified' | 'mustChangePassword' | 'origin' | 'location' | 'passwordHash' | 'permissions' | 'managedBy' | 'locale' | 'scim' | 'scimGroups' | 'ssoGroups' | 'emailStatus'>> & { requireMfa?: boolean; at: string }): UserRecord {
  const { at, requireMfa, ...rest } = fields;
  return {
    emailVerified: false,
    mustChangePassword: false,
    origin: null,
    location: null,
    locale: null,
    ...rest,
    mfa: { enabled: false, required: requireMfa ?? false },
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
    version: 1,
    sessions: {},
    emailTokens: {},
    apiTokens: {},
  };
}

/** Upgrades a hash made with older parameters, only if the password did not change meanwhile. */
export async function rehashPassword(user: UserRecord, passwordHash: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.user(user.orgId, user.id),
      UpdateExpression: 'SET passwordHash = :new',
      ConditionExpression: 'passwordHash = :old',
      ExpressionAttributeValues: { ':new': passwordHash, ':old': user.passwordHash },
    }),
  ).catch(ignoreConditionFailure);
  user.passwordHash = passwordHash;
}

/**
 * A change to the user made with a second factor, recording that factor's use in the same
 * write: the TOTP step must be later than the last one accepted, a recovery code must still
 * be unused (and is spent). Concurrent uses of one code cannot both succeed.
 */
export function secondFactorUpdate(
  user: Pick<UserRecord, 'orgId' | 'id'>,
  use: { step?: number; recoveryHash?: string },
  change: { set?: Record<string, unknown>; remove?: string[]; bumpVersion?: boolean; require?: Record<string, unknown> },
  onConditionFailed: () => Problem,
): TxItem {
  const set = { ...change.set };
  const conditions: Condition[] = Object.entries(change.require ?? {}).map(([path, equals]) => ({ path, equals }));
  if (use.step !== undefined) {
    conditions.push({ path: 'totp.lastStep', lessThan: use.step });
    // Record the step unless the change replaces or removes the TOTP enrolment itself.
    if (!(change.remove ?? []).includes('totp') && !('totp' in set)) set['totp.lastStep'] = use.step;
  }
  let deleteFromSet: Record<string, Set<string>> | undefined;
  if (use.recoveryHash) {
    conditions.push({ path: 'recoveryCodes', contains: use.recoveryHash });
    // A change that replaces all codes kills the used one anyway; DynamoDB refuses two actions on one path.
    const replaced = 'recoveryCodes' in set || (change.remove ?? []).includes('recoveryCodes');
    if (!replaced) deleteFromSet = { recoveryCodes: new Set([use.recoveryHash]) };
  }
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.user(user.orgId, user.id),
        ...updateExpression({ set, remove: change.remove, deleteFromSet, bumpVersion: change.bumpVersion, conditions }),
      },
    },
    onConditionFailed,
  };
}
