import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { keyRing } from './keys';

/**
 * AES-256-GCM for secrets at rest (TOTP secrets). The additional data binds a ciphertext to
 * its owner, so a value copied onto another user's item does not decrypt.
 */
export async function seal(plaintext: string, boundTo: string): Promise<string> {
  const { dataKey } = await keyRing();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(boundTo));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

export async function open(sealed: string, boundTo: string): Promise<string> {
  const { dataKey } = await keyRing();
  const [version, iv, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !body) throw new Error('unknown sealed format');
  const raw = Buffer.from(body, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(0, raw.length - 16)), decipher.final()]).toString('utf8');
}

/** A keyed hash (the data key as pepper): a stolen table alone cannot brute-force short codes. */
export async function keyedHash(purpose: string, value: string): Promise<string> {
  const { dataKey } = await keyRing();
  return createHmac('sha256', dataKey).update(`${purpose}\0${value}`).digest('base64url');
}
