import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export const newId = (): string => randomUUID();

/** 256 bits from the CSPRNG, URL-safe: used for every emailed and API token. */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/**
 * Tokens carry 256 random bits, so a fast hash is enough to make the stored value useless;
 * the purpose is part of the input so a hash of one kind of token never matches another kind.
 */
export const hashToken = (purpose: string, token: string): string =>
  createHash('sha256').update(`${purpose}\0${token}`).digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
