import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { clock } from './clock';

export const newId = (): string => randomUUID();

let lastMillis = -1;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562 §5.7) whose text sorts in the order the ids were made: the clock's
 * milliseconds, then a 12-bit counter (§6.2 method 1) for ids of the same millisecond, then
 * 62 random bits. Session ids are these, so the session cap can tell which of several sessions
 * started in the same second is the oldest. Within one process the order is strict even when
 * the clock stands still or steps back (tests freeze it); across processes, ids of the same
 * millisecond order by their random bits.
 */
export function timeOrderedId(): string {
  const now = clock.now();
  if (now > lastMillis) {
    lastMillis = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMillis += 1;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMillis, 0, 6);
  bytes.writeUInt16BE(0x7000 | sequence, 6);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

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
