import { isIP } from 'node:net';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { config } from '../config';

/**
 * Gatehouse as a WebAuthn relying party (api/passkeys.md): the RP ID is APP_URL's host name and
 * the one accepted origin is APP_URL's origin, for every organization of the deployment. The
 * ceremonies are @simplewebauthn/server's; what it leaves to the caller (whose credential it is,
 * the user handle, the counter of synced passkeys, cross-origin answers) is checked in
 * services/passkeys.ts.
 */

/**
 * The library (with its CBOR, ASN.1 and X.509 parsers) loads on the first ceremony, not at cold
 * start: the auth function answers every password sign-in and most never touch a passkey. The
 * bundler puts it in a chunk of its own (infra/constructs/bundling.ts splits on import()), and
 * test/infra/lazy-webauthn.test.ts checks that no static import brings it back.
 */
let library: Promise<typeof import('@simplewebauthn/server')> | undefined;
const simpleWebAuthn = () => (library ??= import('@simplewebauthn/server'));

export const PASSKEY_TIMEOUT_MS = 300_000;
/** ES256, EdDSA, RS256. */
export const PASSKEY_ALGORITHMS = [-7, -8, -257];

export interface RelyingParty {
  id: string;
  origin: string;
}

/** The relying party, or undefined when APP_URL's host is an IP address, which browsers refuse as an RP ID. */
export function relyingParty(): RelyingParty | undefined {
  const url = new URL(config().APP_URL);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return undefined;
  return { id: url.hostname, origin: url.origin };
}

export type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON };

export async function creationOptions(input: {
  rp: RelyingParty;
  rpName: string;
  userHandle: string;
  userName: string;
  displayName: string;
  exclude: Array<{ credentialId: string; transports: string[] }>;
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await simpleWebAuthn();
  return generateRegistrationOptions({
    rpName: input.rpName,
    rpID: input.rp.id,
    userID: Buffer.from(input.userHandle, 'base64url'),
    userName: input.userName,
    userDisplayName: input.displayName,
    timeout: PASSKEY_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: input.exclude.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports as AuthenticatorTransport[] })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
}

export async function requestOptions(input: {
  rp: RelyingParty;
  userVerification: 'required' | 'preferred';
  allow: Array<{ credentialId: string; transports: string[] }>;
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await simpleWebAuthn();
  return generateAuthenticationOptions({
    rpID: input.rp.id,
    timeout: PASSKEY_TIMEOUT_MS,
    userVerification: input.userVerification,
    allowCredentials: input.allow.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports as AuthenticatorTransport[] })),
  });
}

/** The parts of `clientDataJSON` Gatehouse reads before the library does (which challenge; cross-origin). */
export function clientData(response: { response: { clientDataJSON: string } }): { challenge: string; crossOrigin: boolean } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof parsed.challenge !== 'string') return undefined;
    return { challenge: parsed.challenge, crossOrigin: parsed.crossOrigin === true };
  } catch {
    return undefined;
  }
}

export interface NewCredential {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  aaguid: string;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  userVerified: boolean;
}

/** A registration answer, checked; undefined when anything about it is wrong. UV is not required here. */
export async function verifyRegistration(rp: RelyingParty, response: RegistrationResponseJSON, challenge: string): Promise<NewCredential | undefined> {
  const { verifyRegistrationResponse } = await simpleWebAuthn();
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      expectedType: 'webauthn.create',
      requireUserPresence: true,
      requireUserVerification: false,
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
    if (!result.verified) return undefined;
    const info = result.registrationInfo;
    return {
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: info.credential.transports ?? response.response.transports ?? [],
      aaguid: info.aaguid,
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      userVerified: info.userVerified,
    };
  } catch {
    return undefined;
  }
}

export interface Assertion {
  counter: number;
  backedUp: boolean;
  userVerified: boolean;
}

/**
 * An authentication answer, checked against one stored credential; undefined when it fails. The
 * library refuses every counter regression, which would break synced passkeys: it is given a
 * stored counter of 0 (which never trips its rule) and the caller compares counters itself.
 */
export async function verifyAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  credential: { credentialId: string; publicKey: string; transports: string[] },
  requireUserVerification: boolean,
): Promise<Assertion | undefined> {
  const { verifyAuthenticationResponse } = await simpleWebAuthn();
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      expectedType: 'webauthn.get',
      credential: {
        id: credential.credentialId,
        publicKey: Buffer.from(credential.publicKey, 'base64url'),
        counter: 0,
        transports: credential.transports as AuthenticatorTransport[],
      },
      requireUserVerification,
    });
    if (!result.verified) return undefined;
    const info = result.authenticationInfo;
    return { counter: info.newCounter, backedUp: info.credentialBackedUp, userVerified: info.userVerified };
  } catch {
    return undefined;
  }
}
