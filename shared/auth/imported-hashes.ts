import { pbkdf2, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password hashes brought in by an import, in the string formats other systems export:
 * bcrypt (`$2a$`, `$2b$`, `$2y$`), argon2id / argon2i PHC strings, scrypt
 * (`$scrypt$ln=,r=,p=$salt$hash`), and PBKDF2-SHA256/-SHA512 in passlib's form
 * (`$pbkdf2-sha256$<rounds>$<salt>$<hash>`) and the PHC form Auth0 exports
 * (`$pbkdf2-sha256$i=<rounds>[,l=<len>]$<salt>$<hash>`).
 *
 * Such a hash is kept only until its owner's first good login, which re-hashes the password
 * with argon2id in the same request. Verifying is done by maintained code (bcryptjs,
 * @node-rs/argon2, Node's crypto), never by our own primitives.
 *
 * Parameters are checked at import, because verifying runs inside a login Lambda (1 GB,
 * 10 s): a cost that would take seconds or exhaust its memory is refused, with the reason.
 * Weak but real parameters are accepted (the source system already stored them; the first
 * login replaces them); only absurdly weak PBKDF2 (< 1,000 rounds, SP 800-132's floor) is not.
 */
export const IMPORT_LIMITS = {
  maxLength: 512,
  bcrypt: { minCost: 4, maxCost: 14 },
  argon2: { maxMemoryKiB: 65_536, maxTime: 10, maxParallelism: 16, maxMemoryTimesPasses: 262_144 },
  scrypt: { maxMemoryBytes: 64 * 1024 * 1024, maxWorkBytes: 128 * 1024 * 1024, maxParallelism: 16 },
  pbkdf2: { minRounds: 1_000, maxRounds: { sha256: 2_000_000, sha512: 1_000_000 } },
} as const;

export type HashScheme = 'bcrypt' | 'argon2id' | 'argon2i' | 'scrypt' | 'pbkdf2-sha256' | 'pbkdf2-sha512';

type Parsed =
  | { scheme: 'bcrypt'; cost: number }
  | { scheme: 'argon2id' | 'argon2i'; memoryKiB: number; time: number; parallelism: number }
  | { scheme: 'scrypt'; N: number; r: number; p: number; salt: Buffer; hash: Buffer }
  | { scheme: 'pbkdf2-sha256' | 'pbkdf2-sha512'; rounds: number; salt: Buffer; hash: Buffer };

export class HashProblem extends Error {}

/** Standard base64, passlib's adapted base64 (`.` for `+`) and base64url, with or without padding. */
function base64Bytes(value: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/._-]+={0,2}$/.test(value)) throw new HashProblem(`its ${what} is not base64`);
  const bytes = Buffer.from(value.replace(/\./g, '+').replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length === 0) throw new HashProblem(`its ${what} is empty`);
  return bytes;
}

const integer = (value: string | undefined, what: string): number => {
  if (!value || !/^\d{1,10}$/.test(value)) throw new HashProblem(`${what} is not a number`);
  return Number(value);
};

/** `a=1,b=2` → { a: '1', b: '2' } (PHC parameter lists). */
function phcParams(text: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const [key, value, extra] = part.split('=');
    if (!key || value === undefined || extra !== undefined || key in params) throw new HashProblem('its parameters are not name=value pairs');
    params[key] = value;
  }
  return params;
}

function parse(stored: string): Parsed {
  if (stored.length > IMPORT_LIMITS.maxLength) throw new HashProblem(`it is longer than ${IMPORT_LIMITS.maxLength} characters`);
  const bcryptMatch = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(stored);
  if (bcryptMatch) return { scheme: 'bcrypt', cost: Number(bcryptMatch[1]) };
  if (stored.startsWith('$2')) throw new HashProblem('it is not a well-formed bcrypt hash ($2a$, $2b$ or $2y$, a two-digit cost, 53 characters of salt and hash)');

  const parts = stored.split('$');
  if (parts[0] !== '') throw new HashProblem('it does not start with $');
  const scheme = parts[1];
  if (scheme === 'argon2id' || scheme === 'argon2i') {
    // $argon2id$v=19$m=65536,t=3,p=4$salt$hash (the version part is optional in old strings)
    const withVersion = parts[2]?.startsWith('v=');
    const rest = withVersion ? parts.slice(3) : parts.slice(2);
    if (withVersion && !/^v=(16|19)$/.test(parts[2]!)) throw new HashProblem('its argon2 version is neither 16 nor 19');
    if (rest.length !== 3) throw new HashProblem('it is not a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)');
    const params = phcParams(rest[0]);
    base64Bytes(rest[1]!, 'salt');
    base64Bytes(rest[2]!, 'hash');
    return { scheme, memoryKiB: integer(params.m, 'm'), time: integer(params.t, 't'), parallelism: integer(params.p, 'p') };
  }
  if (scheme === 'scrypt') {
    if (parts.length !== 5) throw new HashProblem('it is not $scrypt$ln=…,r=…,p=…$salt$hash');
    const params = phcParams(parts[2]);
    const ln = integer(params.ln, 'ln');
    if (ln < 1 || ln > 30) throw new HashProblem('its ln (log2 of N) must be 1–30');
    return { scheme, N: 2 ** ln, r: integer(params.r, 'r'), p: integer(params.p, 'p'), salt: base64Bytes(parts[3]!, 'salt'), hash: base64Bytes(parts[4]!, 'hash') };
  }
  if (scheme === 'pbkdf2-sha256' || scheme === 'pbkdf2-sha512') {
    if (parts.length !== 5) throw new HashProblem(`it is not $${scheme}$<rounds>$salt$hash or $${scheme}$i=<rounds>$salt$hash`);
    const salt = base64Bytes(parts[3]!, 'salt');
    const hash = base64Bytes(parts[4]!, 'hash');
    let rounds: number;
    if (/^\d+$/.test(parts[2]!)) {
      rounds = integer(parts[2], 'the rounds'); // passlib
    } else {
      const params = phcParams(parts[2]); // PHC, as Auth0 exports it
      if (Object.keys(params).some((key) => key !== 'i' && key !== 'l')) throw new HashProblem('its parameters may only be i and l');
      rounds = integer(params.i, 'i');
      if (params.l !== undefined && integer(params.l, 'l') !== hash.length) throw new HashProblem('its l does not match the hash length');
    }
    return { scheme, rounds, salt, hash };
  }
  throw new HashProblem('its format is not one of bcrypt ($2a$/$2b$/$2y$), $argon2id$, $argon2i$, $scrypt$, $pbkdf2-sha256$, $pbkdf2-sha512$');
}

/** Refuses parameters that are unsafe to verify inside a login (or not a real hash at all). */
function assertSafe(parsed: Parsed): void {
  const L = IMPORT_LIMITS;
  switch (parsed.scheme) {
    case 'bcrypt':
      if (parsed.cost < L.bcrypt.minCost || parsed.cost > L.bcrypt.maxCost) {
        throw new HashProblem(`its bcrypt cost ${parsed.cost} is outside ${L.bcrypt.minCost}–${L.bcrypt.maxCost} (a cost over ${L.bcrypt.maxCost} would take seconds per login)`);
      }
      return;
    case 'argon2id':
    case 'argon2i': {
      const { memoryKiB, time, parallelism } = parsed;
      if (parallelism < 1 || parallelism > L.argon2.maxParallelism) throw new HashProblem(`its parallelism p=${parallelism} is outside 1–${L.argon2.maxParallelism}`);
      if (memoryKiB < 8 * parallelism) throw new HashProblem(`its memory m=${memoryKiB} KiB is below argon2's minimum of 8·p`);
      if (memoryKiB > L.argon2.maxMemoryKiB) throw new HashProblem(`its memory m=${memoryKiB} KiB is over ${L.argon2.maxMemoryKiB} KiB (64 MiB), more than a login may use`);
      if (time < 1 || time > L.argon2.maxTime) throw new HashProblem(`its passes t=${time} are outside 1–${L.argon2.maxTime}`);
      if (memoryKiB * time > L.argon2.maxMemoryTimesPasses) throw new HashProblem(`its memory × passes (${memoryKiB} KiB × ${time}) is over ${L.argon2.maxMemoryTimesPasses} KiB, seconds per login`);
      return;
    }
    case 'scrypt': {
      const { N, r, p } = parsed;
      if (r < 1 || r > 64) throw new HashProblem(`its block size r=${r} is outside 1–64`);
      if (p < 1 || p > L.scrypt.maxParallelism) throw new HashProblem(`its parallelism p=${p} is outside 1–${L.scrypt.maxParallelism}`);
      const memory = 128 * N * r;
      if (memory > L.scrypt.maxMemoryBytes) throw new HashProblem(`its memory 128·N·r = ${memory / 1048576} MiB is over 64 MiB, more than a login may use`);
      if (memory * p > L.scrypt.maxWorkBytes) throw new HashProblem(`its work 128·N·r·p = ${(memory * p) / 1048576} MiB is over 128 MiB, seconds per login`);
      checkLengths(parsed);
      return;
    }
    case 'pbkdf2-sha256':
    case 'pbkdf2-sha512': {
      const max = L.pbkdf2.maxRounds[parsed.scheme === 'pbkdf2-sha256' ? 'sha256' : 'sha512'];
      if (parsed.rounds < L.pbkdf2.minRounds) throw new HashProblem(`its ${parsed.rounds} rounds are below ${L.pbkdf2.minRounds}: too weak to keep even until the first login`);
      if (parsed.rounds > max) throw new HashProblem(`its ${parsed.rounds} rounds are over ${max}, seconds per login`);
      // Any output length: passlib keeps the digest's size, Keycloak derives 64 bytes even with SHA-256.
      checkLengths(parsed);
      return;
    }
  }
}

function checkLengths(parsed: { salt: Buffer; hash: Buffer }) {
  if (parsed.salt.length > 1024) throw new HashProblem('its salt is over 1024 bytes');
  if (parsed.hash.length < 16 || parsed.hash.length > 128) throw new HashProblem('its hash is not 16–128 bytes');
}

/**
 * Checks an imported hash: answers its scheme, or throws a HashProblem saying in words why it
 * is refused (format, or a parameter that is dangerous to verify).
 */
export function inspectImportedHash(stored: string): HashScheme {
  const parsed = parse(stored);
  assertSafe(parsed);
  return parsed.scheme;
}

/** True when this stored string is one of the imported (non-argon2) formats handled here. */
export const isImportedFormat = (stored: string): boolean => /^\$(2[aby]|scrypt|pbkdf2-sha(256|512))\$/.test(stored);

const scryptAsync = promisify(scrypt) as (password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/**
 * Verifies a password against an imported bcrypt, scrypt or PBKDF2 hash (argon2 goes through
 * @node-rs/argon2 in passwords.ts). Compares in constant time; a hash that no longer passes
 * the import checks (it cannot, unless the table was edited) verifies nothing.
 */
export async function verifyImportedHash(stored: string, password: string): Promise<boolean> {
  let parsed: Parsed;
  try {
    parsed = parse(stored);
    assertSafe(parsed);
  } catch {
    return false;
  }
  switch (parsed.scheme) {
    case 'bcrypt': {
      // Loaded on first use: only logins of imported bcrypt users pay for it (it ships beside the bundle).
      const { default: bcrypt } = await import('bcryptjs');
      return bcrypt.compare(password, stored);
    }
    case 'scrypt': {
      const derived = await scryptAsync(password, parsed.salt, parsed.hash.length, {
        N: parsed.N, r: parsed.r, p: parsed.p, maxmem: IMPORT_LIMITS.scrypt.maxMemoryBytes * 2,
      });
      return timingSafeEqual(derived, parsed.hash);
    }
    case 'pbkdf2-sha256':
    case 'pbkdf2-sha512': {
      const digest = parsed.scheme === 'pbkdf2-sha256' ? 'sha256' : 'sha512';
      const derived = await pbkdf2Async(password, parsed.salt, parsed.rounds, parsed.hash.length, digest);
      return timingSafeEqual(derived, parsed.hash);
    }
    default:
      return false;
  }
}
