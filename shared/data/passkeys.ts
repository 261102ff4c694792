import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, type Problem } from '../errors';
import { hashToken } from '../ids';
import { db, isConditionFailure, tableName } from './client';
import { Expression } from './expression';
import { keys } from './keys';
import type { TxItem } from './transact';
import type { UserRecord } from './users';

/**
 * Passkeys live on the user item (`passkeys.<id>`), like API tokens: the read that every sign-in
 * and every authenticated request already makes carries them, ownership is "it is in this user's
 * map", and the cap of 20 is a condition on the count kept beside them (`mfa.passkeys`, which the
 * users index projects with the rest of `mfa`). Twenty ES256 passkeys add about 6 KB to the item.
 *
 * A passwordless sign-in knows only the credential id, so each passkey also has a marker item
 * keyed by the hash of its credential id, deployment-wide: it makes ids unique across every
 * organization (a second registration of one credential fails its condition) and finds the owner
 * with one read, never a scan.
 */
export interface PasskeyRecord {
  id: string;
  /** base64url credential id, as the browser reports it. */
  credentialId: string;
  /** base64url COSE public key. */
  publicKey: string;
  counter: number;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  transports: string[];
  aaguid: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface PasskeyMarker {
  orgId: string;
  userId: string;
  passkeyId: string;
}

export const MAX_PASSKEYS_PER_USER = 20;

const credentialHash = (credentialId: string) => hashToken('passkey-credential', credentialId);

export const passkeyExists = () => conflict('passkey_exists', 'This passkey is already registered.');
export const passkeyLimit = () => conflict('passkey_limit', `A user may have at most ${MAX_PASSKEYS_PER_USER} passkeys; remove one first.`);

export async function getPasskeyMarker(credentialId: string): Promise<PasskeyMarker | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.passkeyCredential(credentialHash(credentialId)), ConsistentRead: true }));
  return Item ? { orgId: Item.orgId as string, userId: Item.userId as string, passkeyId: Item.passkeyId as string } : undefined;
}

export const putPasskeyMarker = (credentialId: string, marker: PasskeyMarker): TxItem => ({
  write: {
    Put: {
      TableName: tableName(),
      Item: { ...keys.passkeyCredential(credentialHash(credentialId)), entity: 'passkeyCredential', ...marker },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  onConditionFailed: passkeyExists,
});

export const deletePasskeyMarker = (credentialId: string): TxItem => ({
  write: { Delete: { TableName: tableName(), Key: keys.passkeyCredential(credentialHash(credentialId)) } },
});

type UserKey = Pick<UserRecord, 'orgId' | 'id'>;

/**
 * Adds a passkey to the user item, turning two-factor on. The user handle is written only if the
 * user has none yet (or the same one), and the count must still be under the cap when it lands.
 */
export function addPasskeyItem(user: UserKey & Pick<UserRecord, 'passkeys'>, passkey: PasskeyRecord, extra: { userHandle: string; set?: Record<string, unknown> }): TxItem {
  const e = new Expression();
  const count = e.path('mfa.passkeys');
  const passkeys = e.path('passkeys');
  const handle = e.path('passkeyHandle');
  const sets = [
    `${count} = if_not_exists(${count}, ${e.value(0)}) + ${e.value(1)}`,
    `${e.path('mfa.enabled')} = ${e.value(true)}`,
    `${handle} = ${e.value(extra.userHandle)}`,
    `${e.path('version')} = ${e.path('version')} + ${e.value(1)}`,
    ...Object.entries(extra.set ?? {}).map(([path, value]) => `${e.path(path)} = ${e.value(value)}`),
  ];
  const conditions = [
    'attribute_exists(pk)',
    `${e.path('status')} = ${e.value('active')}`,
    `(attribute_not_exists(${count}) OR ${count} < ${e.value(MAX_PASSKEYS_PER_USER)})`,
    `(attribute_not_exists(${handle}) OR ${handle} = ${e.value(extra.userHandle)})`,
  ];
  if (user.passkeys) {
    const slot = `${passkeys}.${placeholder(e, passkey.id)}`;
    sets.push(`${slot} = ${e.value(passkey)}`);
    conditions.push(`attribute_exists(${passkeys})`);
  } else {
    // The first passkey: the map does not exist yet, so it is written whole.
    sets.push(`${passkeys} = ${e.value({ [passkey.id]: passkey })}`);
    conditions.push(`attribute_not_exists(${passkeys})`);
  }
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.user(user.orgId, user.id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ...e.attributes(),
      },
    },
    onConditionFailed: passkeyLimit,
  };
}

function placeholder(e: Expression, name: string): string {
  const key = `#pk${Object.keys(e.names).length}`;
  e.names[key] = name;
  return key;
}

/**
 * Removes passkeys from the user item. `mfaOff`: they were the user's last factor, so two-factor
 * goes off and the recovery codes die with it.
 */
export function removePasskeysItem(user: UserKey, passkeyIds: string[], options: { mfaOff: boolean; onConditionFailed: () => Problem }): TxItem {
  const e = new Expression();
  const count = e.path('mfa.passkeys');
  const slots = passkeyIds.map((id) => `${e.path('passkeys')}.${placeholder(e, id)}`);
  const sets = [
    `${count} = ${count} - ${e.value(passkeyIds.length)}`,
    `${e.path('version')} = ${e.path('version')} + ${e.value(1)}`,
  ];
  const removes = [...slots];
  if (options.mfaOff) {
    sets.push(`${e.path('mfa.enabled')} = ${e.value(false)}`);
    removes.push(e.path('recoveryCodes'));
  }
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.user(user.orgId, user.id),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: ['attribute_exists(pk)', ...slots.map((slot) => `attribute_exists(${slot})`)].join(' AND '),
        ...e.attributes(),
      },
    },
    onConditionFailed: options.onConditionFailed,
  };
}

export function renamePasskeyItem(user: UserKey, passkeyId: string, name: string, onConditionFailed: () => Problem): TxItem {
  const e = new Expression();
  const slot = `${e.path('passkeys')}.${placeholder(e, passkeyId)}`;
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.user(user.orgId, user.id),
        UpdateExpression: `SET ${slot}.${e.path('name')} = ${e.value(name)}`,
        ConditionExpression: `attribute_exists(${slot})`,
        ...e.attributes(),
      },
    },
    onConditionFailed,
  };
}

/**
 * Records a successful ceremony: counter, backup state and last use. The counter read must still
 * be the stored one, so two answers racing with one counter value cannot both move it.
 */
export function recordPasskeyUseItem(
  user: UserKey,
  passkey: Pick<PasskeyRecord, 'id' | 'counter'>,
  use: { counter: number; backedUp: boolean; at: string },
  onConditionFailed: () => Problem,
): TxItem {
  const e = new Expression();
  const slot = `${e.path('passkeys')}.${placeholder(e, passkey.id)}`;
  return {
    write: {
      Update: {
        TableName: tableName(),
        Key: keys.user(user.orgId, user.id),
        UpdateExpression: `SET ${slot}.${e.path('counter')} = ${e.value(use.counter)}, ${slot}.${e.path('backedUp')} = ${e.value(use.backedUp)}, ${slot}.${e.path('lastUsedAt')} = ${e.value(use.at)}`,
        ConditionExpression: `${slot}.${e.path('counter')} = ${e.value(passkey.counter)} AND ${e.path('status')} = ${e.value('active')}`,
        ...e.attributes(),
      },
    },
    onConditionFailed,
  };
}

// ---- WebAuthn challenges ----

/** What a WebAuthn challenge was issued for; the answer must come from the same place. */
export type WebAuthnBinding =
  | { purpose: 'register'; orgId: string; userId: string; userHandle: string }
  | { purpose: 'second-factor'; loginChallenge: string }
  | { purpose: 'setup'; loginChallenge: string; userHandle: string }
  | { purpose: 'passwordless'; orgSlug?: string };

export interface WebAuthnChallenge {
  challenge: string;
  expiresAt: number;
  binding: WebAuthnBinding;
}

const challengeKey = (handle: string) => keys.webauthnChallenge(hashToken('webauthn-challenge', handle));

/**
 * Stores a challenge under the hash of its handle (the challenge itself for a registration, the
 * sign-in session otherwise). A second challenge for the same handle replaces the first.
 */
export async function putWebAuthnChallenge(handle: string, challenge: WebAuthnChallenge): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName(), Item: { ...challengeKey(handle), entity: 'webauthnChallenge', ...challenge, ttl: challenge.expiresAt } }));
}

/**
 * Spends a challenge and answers what it was: one conditional delete, so of two answers presenting
 * it only the first gets it back, whether that answer turns out valid or not.
 */
export async function spendWebAuthnChallenge(handle: string): Promise<WebAuthnChallenge | undefined> {
  try {
    const { Attributes } = await db().send(
      new DeleteCommand({ TableName: tableName(), Key: challengeKey(handle), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
    );
    if (!Attributes) return undefined;
    return { challenge: Attributes.challenge as string, expiresAt: Attributes.expiresAt as number, binding: Attributes.binding as WebAuthnBinding };
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}
