import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { brotliDecompressSync } from 'node:zlib';
import type { Algorithm } from '@node-rs/argon2';
import { config } from '../config';
import { validationFailed } from '../errors';
import { isImportedFormat, verifyImportedHash } from './imported-hashes';

/**
 * argon2id at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1). The parameters live in
 * the stored string, so raising them later rehashes each password at its next login.
 */
// 2 is Algorithm.Argon2id; the package's const enum cannot be read under isolatedModules.
export const HASH_PARAMS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * The native module is required on the first hash or check rather than imported: an ESM import
 * of this CommonJS package makes Node scan its source for export names at load (8 ms of every
 * cold start, measured), and most requests of most functions never check a password.
 */
let native: typeof import('@node-rs/argon2') | undefined;
const argon2 = () => (native ??= createRequire(import.meta.url)('@node-rs/argon2') as typeof import('@node-rs/argon2'));
export const MAX_PASSWORD_LENGTH = 256;

/**
 * The common-password list is data, not code: a file beside this module (and beside each
 * Lambda bundle), read on the first password check only, so cold starts never pay for it.
 */
export const COMMON_PASSWORDS_FILE = 'common-passwords.txt.br';
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(brotliDecompressSync(readFileSync(new URL(`./${COMMON_PASSWORDS_FILE}`, import.meta.url))).toString('utf8').split('\n'));
  return common;
}

export const normalizePassword = (password: string): string => password.normalize('NFKC');

export interface PasswordContext {
  login?: string;
  email?: string | null;
  orgSlug?: string;
}

/**
 * NIST SP 800-63B-4 / ASVS 5 chapter 6: length bounds counted in code points after NFKC,
 * no composition rules, no truncation; refused when common or when it contains the login,
 * the email (or its local part) or the organization slug. Throws a 400 that says why.
 */
export function checkPassword(password: string, context: PasswordContext, field = 'password'): void {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  const min = config().PASSWORD_MIN_LENGTH;
  const fail = (message: string) => {
    throw validationFailed([{ path: field, message }], message);
  };
  if (length < min) fail(`The password must have at least ${min} characters.`);
  if (length > MAX_PASSWORD_LENGTH) fail(`The password must have at most ${MAX_PASSWORD_LENGTH} characters.`);
  const lower = normalized.toLowerCase();
  if (commonPasswords().has(lower)) fail('This password is in a list of commonly used passwords; choose another.');
  const email = context.email?.toLowerCase();
  const words = [context.login, email, email?.split('@')[0], context.orgSlug]
    .filter((word): word is string => Boolean(word && word.length >= 3))
    .map((word) => word.toLowerCase());
  if (words.some((word) => lower.includes(word))) {
    fail('The password must not contain your login, email address or organization name.');
  }
}

export const hashPassword = (password: string): Promise<string> => argon2().hash(normalizePassword(password), HASH_PARAMS);

/**
 * What a login without an account is checked against, so that "no such user" and "wrong
 * password" take the same time: an argon2id hash, at HASH_PARAMS, of a random secret nobody
 * kept. A constant rather than made at start-up, so no cold start pays a hash for it, and
 * never a match (verifyPassword also refuses when there is no stored hash).
 */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$nZK5aoiP869OPlH9dCQpNw$13n5If5/0Si94OSs/vpgS91Tdi7AnoYzfJYqY1vMHvk';

/**
 * Verifies against the stored hash, or against a dummy of the same cost when there is no
 * account, so that "no such user" and "wrong password" take the same time.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  const target = stored ?? DUMMY_HASH;
  try {
    if (isImportedFormat(target)) return await verifyImported(target, password);
    const normalized = normalizePassword(password);
    let ok = await argon2().verify(target, normalized);
    // An argon2 hash imported from another system was made from the password as typed.
    if (!ok && stored !== undefined && normalized !== password && needsRehash(stored)) ok = await argon2().verify(target, password);
    return ok && stored !== undefined;
  } catch {
    return false;
  }
}

/**
 * Imported hashes were made by other systems from the password as typed, not NFKC-normalised
 * as ours are; the normalised form is tried second only when it differs.
 */
async function verifyImported(stored: string, password: string): Promise<boolean> {
  if (await verifyImportedHash(stored, password)) return true;
  const normalized = normalizePassword(password);
  return normalized !== password && verifyImportedHash(stored, normalized);
}

/** True when the stored hash was made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!match) return true;
  const [, m, t, p] = match.map(Number);
  return m! < HASH_PARAMS.memoryCost || t! < HASH_PARAMS.timeCost || p! !== HASH_PARAMS.parallelism;
}
