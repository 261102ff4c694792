import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';

/**
 * A software FIDO2 authenticator for API tests: real P-256 keys and ECDSA signatures
 * (node:crypto), authenticator data and attestation objects laid out as WebAuthn §6.1 and §6.5
 * say, CBOR by tiny-cbor (the CBOR library @simplewebauthn/server itself uses). Each ceremony can
 * be bent in one way (origin, RP ID, flags, counter, signature, user handle) so every refusal of
 * the server can be shown one at a time.
 */

export interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
}
export interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: Array<{ id: string }>;
}

export interface Bend {
  origin?: string;
  rpId?: string;
  type?: string;
  challenge?: string;
  up?: boolean;
  uv?: boolean;
  crossOrigin?: boolean;
  /** Signs with another key than the credential's. */
  badSignature?: boolean;
  /** Presents this counter instead of the next one. */
  counter?: number;
  /** Answers with this user handle (null: none). */
  userHandle?: string | null;
  /** Answers as this credential (by id) even if the options did not name it. */
  credentialId?: string;
}

interface Credential {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64url = (data: Buffer | Uint8Array) => Buffer.from(data).toString('base64url');

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];

  constructor(
    readonly origin: string,
    readonly options: { aaguid?: string; backupEligible?: boolean; backedUp?: boolean; counterStep?: number } = {},
  ) {}

  private flags(bend: Bend, attested: boolean) {
    let flags = 0;
    if (bend.up ?? true) flags |= 0x01;
    if (bend.uv ?? true) flags |= 0x04;
    if (this.options.backupEligible) flags |= 0x08;
    if (this.options.backedUp) flags |= 0x10;
    if (attested) flags |= 0x40;
    return flags;
  }

  private clientDataJSON(type: string, challenge: string, bend: Bend) {
    return Buffer.from(JSON.stringify({
      type: bend.type ?? type,
      challenge: bend.challenge ?? challenge,
      origin: bend.origin ?? this.origin,
      crossOrigin: bend.crossOrigin ?? false,
    }));
  }

  /** navigator.credentials.create(), answered as RegistrationResponseJSON. */
  create(options: CreationOptions, bend: Bend = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = randomBytes(16);
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map<number, CBORType>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
    ]);
    const aaguid = Buffer.from((this.options.aaguid ?? '00000000-0000-0000-0000-000000000000').replace(/-/g, ''), 'hex');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const counter = Buffer.alloc(4);
    const authData = Buffer.concat([
      sha256(bend.rpId ?? rpId),
      Buffer.from([this.flags(bend, true)]),
      counter,
      aaguid,
      idLength,
      id,
      Buffer.from(encodeCBOR(cose)),
    ]);
    const attestationObject = encodeCBOR(new Map<string, CBORType>([
      ['fmt', 'none'],
      ['attStmt', new Map()],
      ['authData', new Uint8Array(authData)],
    ]));
    this.credentials.push({ id: b64url(id), privateKey, publicKey, rpId, userHandle: options.user.id, counter: 0 });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(this.clientDataJSON('webauthn.create', options.challenge, bend)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get(), answered as AuthenticationResponseJSON. */
  get(options: RequestOptions, bend: Bend = {}) {
    const allowed = (options.allowCredentials ?? []).map((credential) => credential.id);
    const credential = bend.credentialId
      ? this.credentials.find((candidate) => candidate.id === bend.credentialId)
      : this.credentials.find((candidate) => (allowed.length === 0 || allowed.includes(candidate.id)) && candidate.rpId === (options.rpId ?? candidate.rpId));
    if (!credential) throw new Error('the soft authenticator holds no matching credential');
    credential.counter = bend.counter ?? credential.counter + (this.options.counterStep ?? 1);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(credential.counter);
    const authData = Buffer.concat([sha256(bend.rpId ?? credential.rpId), Buffer.from([this.flags(bend, false)]), counter]);
    const clientDataJSON = this.clientDataJSON('webauthn.get', options.challenge, bend);
    const key = bend.badSignature ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : credential.privateKey;
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), key);
    const userHandle = bend.userHandle === undefined ? credential.userHandle : bend.userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(userHandle === null ? {} : { userHandle }),
      },
      authenticatorAttachment: 'platform' as const,
      clientExtensionResults: {},
    };
  }
}
