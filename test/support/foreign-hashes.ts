import { execFileSync } from 'node:child_process';

/**
 * Password hashes made by other implementations, never by the code under test: Debian's
 * python3-passlib (with python3-bcrypt and python3-argon2 as its backends) and Python's own
 * hashlib, run in a child process at test time. A missing module fails the test that asks:
 * `.ci/run` installs the packages.
 */
const SCRIPT = String.raw`
import base64, hashlib, json, os, sys
from passlib.hash import bcrypt, argon2, scrypt, pbkdf2_sha256, pbkdf2_sha512
from passlib.utils.binary import ab64_encode

passwords = json.loads(sys.argv[1])
b64 = lambda raw: base64.b64encode(raw).decode().rstrip('=')
def hashlib_scrypt_ab64(pw):
    salt = os.urandom(16)
    raw = hashlib.scrypt(pw.encode(), salt=salt, n=2**12, r=8, p=1, dklen=32)
    return '$scrypt$ln=12,r=8,p=1$%s$%s' % (ab64_encode(salt).decode(), ab64_encode(raw).decode())
def phc_pbkdf2(name, pw, rounds, dklen=None):
    salt = os.urandom(16)
    raw = hashlib.pbkdf2_hmac(name, pw.encode(), salt, rounds, dklen)
    return '$pbkdf2-%s$i=%d,l=%d$%s$%s' % (name, rounds, len(raw), b64(salt), b64(raw))
makers = {
    'bcrypt-2a': lambda pw: bcrypt.using(rounds=5, ident='2a').hash(pw),
    'bcrypt-2b': lambda pw: bcrypt.using(rounds=5, ident='2b').hash(pw),
    'bcrypt-2y': lambda pw: bcrypt.using(rounds=5, ident='2y').hash(pw),
    'argon2id': lambda pw: argon2.using(type='ID', memory_cost=4096, rounds=2, parallelism=2).hash(pw),
    'argon2i': lambda pw: argon2.using(type='I', memory_cost=4096, rounds=3, parallelism=1).hash(pw),
    'scrypt-passlib': lambda pw: scrypt.using(rounds=12, block_size=8, parallelism=1).hash(pw),
    'scrypt-ab64': hashlib_scrypt_ab64,
    'pbkdf2-sha256-passlib': lambda pw: pbkdf2_sha256.using(rounds=29000).hash(pw),
    'pbkdf2-sha512-passlib': lambda pw: pbkdf2_sha512.using(rounds=25000).hash(pw),
    'pbkdf2-sha256-phc': lambda pw: phc_pbkdf2('sha256', pw, 10000),
    'pbkdf2-sha512-phc': lambda pw: phc_pbkdf2('sha512', pw, 10000),
    # Keycloak's pbkdf2-sha256 derives 512 bits, as its export's credentialData says.
    'pbkdf2-sha256-keycloak': lambda pw: phc_pbkdf2('sha256', pw, 27500, 64),
}
print(json.dumps({ name: makers[name](pw) for name, pw in passwords.items() }))
`;

export type ForeignScheme =
  | 'bcrypt-2a' | 'bcrypt-2b' | 'bcrypt-2y' | 'argon2id' | 'argon2i' | 'scrypt-passlib' | 'scrypt-ab64'
  | 'pbkdf2-sha256-passlib' | 'pbkdf2-sha512-passlib' | 'pbkdf2-sha256-phc' | 'pbkdf2-sha512-phc' | 'pbkdf2-sha256-keycloak';

export const FOREIGN_SCHEMES: ForeignScheme[] = [
  'bcrypt-2a', 'bcrypt-2b', 'bcrypt-2y', 'argon2id', 'argon2i', 'scrypt-passlib', 'scrypt-ab64',
  'pbkdf2-sha256-passlib', 'pbkdf2-sha512-passlib', 'pbkdf2-sha256-phc', 'pbkdf2-sha512-phc', 'pbkdf2-sha256-keycloak',
];

/** Debian's interpreter, where apt's python3-passlib lives (not a pyenv or venv one). */
const PYTHON = '/usr/bin/python3';

export function foreignHashes(passwords: Partial<Record<ForeignScheme, string>>): Record<ForeignScheme, string> {
  const output = execFileSync(PYTHON, ['-c', SCRIPT, JSON.stringify(passwords)], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(output);
}
