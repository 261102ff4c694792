import { createHash, hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { clock } from '../clock';
import { randomSecret } from '../ids';
import { keyRing } from './keys';

/**
 * The device cookie's value (OWASP "Slow down online guessing attacks with device cookies"):
 * a random device id and the sign-ins this browser completed, newest first, sealed as a JWE
 * (`dir`, A256GCM) under a key derived from the deployment's data key. It shows no login or
 * organization (they are in it only as hashes, and encrypted), cannot be forged or edited
 * (GCM), and opens in no other deployment (another data key). Its `exp` bounds its life
 * whatever the browser does with Max-Age.
 */
export interface DeviceCookie {
  id: string;
  /** `loginEntry` of each (organization, user) this browser signed in as, newest first. */
  logins: string[];
}

export const MAX_DEVICE_LOGINS = 10;
/** api/production.md: the value is at most 2,048 characters; a longer one is not ours. */
export const MAX_DEVICE_COOKIE_CHARS = 2048;
const ID = /^[A-Za-z0-9_-]{22}$/;

/** A sign-in as one user of one organization, as the cookie names it. */
export const loginEntry = (orgId: string, userId: string): string =>
  createHash('sha256').update(`${orgId}\0${userId}`).digest('base64url').slice(0, 22);

export const newDeviceId = (): string => randomSecret(16);

let derived: { from: Buffer; key: Uint8Array } | undefined;
async function cookieKey(): Promise<Uint8Array> {
  const { dataKey } = await keyRing();
  if (derived?.from !== dataKey) {
    derived = { from: dataKey, key: new Uint8Array(hkdfSync('sha256', dataKey, 'gatehouse', 'device-cookie-a256gcm-v1', 32)) };
  }
  return derived.key;
}

export async function sealDeviceCookie(cookie: DeviceCookie, days: number): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new EncryptJWT({ d: cookie.id, l: cookie.logins.slice(0, MAX_DEVICE_LOGINS) })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(now)
    .setExpirationTime(now + days * 86400)
    .encrypt(await cookieKey());
}

/** The cookie's content, or undefined for anything that is not a live cookie of this deployment. */
export async function openDeviceCookie(value: string | undefined): Promise<DeviceCookie | undefined> {
  if (!value || value.length > MAX_DEVICE_COOKIE_CHARS) return undefined;
  try {
    const { payload } = await jwtDecrypt(value, await cookieKey(), {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      currentDate: new Date(clock.now()),
      requiredClaims: ['exp'],
    });
    const { d, l } = payload as { d?: unknown; l?: unknown };
    if (typeof d !== 'string' || !ID.test(d) || !Array.isArray(l) || l.length > MAX_DEVICE_LOGINS) return undefined;
    if (!l.every((entry): entry is string => typeof entry === 'string' && ID.test(entry))) return undefined;
    return { id: d, logins: l };
  } catch {
    return undefined;
  }
}
