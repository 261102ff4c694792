import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { clock } from '../clock';
import { randomSecret } from '../ids';
import { keyRing } from './keys';

/**
 * The device cookie's value (OWASP "Slow down online guessing attacks with device cookies"):
 * a random device id and the sign-ins this browser completed, newest first, with an expiry,
 * sealed with AES-256-GCM under a key derived from the deployment's data key (as the house
 * seals TOTP secrets, crypto.ts; node:crypto adds nothing to the bundles, which a JWE library
 * did by 29 KB). It shows no login or organization (they are in it only as hashes, and
 * encrypted), cannot be forged or edited (GCM's tag), and opens in no other deployment
 * (another data key). Its own expiry bounds its life whatever the browser does with Max-Age.
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
const VERSION = 'd1';
/** Binds the ciphertext to its use: a value sealed for something else under the same key does not open. */
const AAD = Buffer.from('gatehouse device cookie v1');

/** A sign-in as one user of one organization, as the cookie names it. */
export const loginEntry = (orgId: string, userId: string): string =>
  createHash('sha256').update(`${orgId}\0${userId}`).digest('base64url').slice(0, 22);

export const newDeviceId = (): string => randomSecret(16);

let derived: { from: Buffer; key: Buffer } | undefined;
async function cookieKey(): Promise<Buffer> {
  const { dataKey } = await keyRing();
  if (derived?.from !== dataKey) {
    derived = { from: dataKey, key: Buffer.from(hkdfSync('sha256', dataKey, 'gatehouse', 'device-cookie-aes256gcm-v1', 32)) };
  }
  return derived.key;
}

export async function sealDeviceCookie(cookie: DeviceCookie, days: number): Promise<string> {
  const payload = JSON.stringify({ d: cookie.id, l: cookie.logins.slice(0, MAX_DEVICE_LOGINS), exp: Math.floor(clock.now() / 1000) + days * 86400 });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await cookieKey(), iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The cookie's content, or undefined for anything that is not a live cookie of this deployment. */
export async function openDeviceCookie(value: string | undefined): Promise<DeviceCookie | undefined> {
  if (!value || value.length > MAX_DEVICE_COOKIE_CHARS) return undefined;
  const [version, iv, body, extra] = value.split('.');
  if (version !== VERSION || !iv || !body || extra !== undefined) return undefined;
  try {
    const raw = Buffer.from(body, 'base64url');
    const nonce = Buffer.from(iv, 'base64url');
    if (nonce.length !== 12 || raw.length <= 16) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', await cookieKey(), nonce);
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8');
    const { d, l, exp } = JSON.parse(plain) as { d?: unknown; l?: unknown; exp?: unknown };
    if (typeof exp !== 'number' || exp * 1000 <= clock.now()) return undefined;
    if (typeof d !== 'string' || !ID.test(d) || !Array.isArray(l) || l.length > MAX_DEVICE_LOGINS) return undefined;
    if (!l.every((entry): entry is string => typeof entry === 'string' && ID.test(entry))) return undefined;
    return { id: d, logins: l };
  } catch {
    return undefined;
  }
}
