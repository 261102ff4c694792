import { describe, expect, it } from 'vitest';
import { HashProblem, inspectImportedHash } from '../../shared/auth/imported-hashes';
import { needsRehash, verifyPassword } from '../../shared/auth/passwords';

/**
 * Published test vectors, written out by their authors, never produced by the code under test
 * (the integration tests add hashes made at test time by passlib and hashlib).
 */
const b64 = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex').toString('base64').replace(/=+$/, '');
const b64text = (text: string) => Buffer.from(text).toString('base64').replace(/=+$/, '');

const VECTORS: Array<{ source: string; hash: string; password: string }> = [
  // OpenBSD's bcrypt test vectors, as jBCrypt and bcryptjs ship them.
  { source: 'OpenBSD bcrypt vector', hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', password: 'U*U' },
  { source: 'OpenBSD bcrypt vector', hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK', password: 'U*U*' },
  // The phc-winner-argon2 README: `echo -n "password" | ./argon2 somesalt -t 2 -m 16 -p 4 -l 24`.
  { source: 'argon2 reference README', hash: '$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG', password: 'password' },
  // RFC 7914 section 12 (scrypt) and section 11 (PBKDF2-HMAC-SHA256).
  {
    source: 'RFC 7914 scrypt vector',
    hash: `$scrypt$ln=10,r=8,p=16$${b64text('NaCl')}$${b64(`fd ba be 1c 9d 34 72 00 78 56 e7 19 0d 01 e9 fe 7c 6a d7 cb c8 23 78 30 e7 73 76 63 4b 37 31 62
      2e af 30 d9 2e 22 a3 88 6f f1 09 27 9d 98 30 da c7 27 af b9 4a 83 ee 6d 83 60 cb df a2 cc 06 40`)}`,
    password: 'password',
  },
  {
    source: 'RFC 7914 scrypt vector',
    hash: `$scrypt$ln=14,r=8,p=1$${b64text('SodiumChloride')}$${b64(`70 23 bd cb 3a fd 73 48 46 1c 06 cd 81 fd 38 eb fd a8 fb ba 90 4f 8e 3e a9 b5 43 f6 54 5d a1 f2
      d5 43 29 55 61 3f 0f cf 62 d4 97 05 24 2a 9a f9 e6 1e 85 dc 0d 65 1e 40 df cf 01 7b 45 57 58 87`)}`,
    password: 'pleaseletmein',
  },
  {
    source: 'RFC 7914 PBKDF2-HMAC-SHA256 vector',
    hash: `$pbkdf2-sha256$i=80000,l=64$${b64text('NaCl')}$${b64(`4d dc d8 f6 0b 98 be 21 83 0c ee 5e f2 27 01 f9 64 1a 44 18 d0 4c 04 14 ae ff 08 87 6b 34 ab 56
      a1 d4 25 a1 22 58 33 54 9a db 84 1b 51 c9 b3 17 6a 27 2b de bb a1 d0 78 47 8f 62 b3 97 f3 3c 8d`)}`,
    password: 'Password',
  },
];

describe('imported password hashes', () => {
  for (const vector of VECTORS) {
    it(`verifies ${vector.source} ${vector.hash.slice(0, 24)}…, and nothing else`, async () => {
      expect(() => inspectImportedHash(vector.hash)).not.toThrow();
      expect(await verifyPassword(vector.hash, vector.password)).toBe(true);
      expect(await verifyPassword(vector.hash, `${vector.password}x`)).toBe(false);
      expect(await verifyPassword(vector.hash, '')).toBe(false);
      expect(needsRehash(vector.hash)).toBe(true);
    });
  }

  it('refuses malformed strings and dangerous parameters with a sentence', () => {
    const refused = (hash: string) => {
      try {
        inspectImportedHash(hash);
      } catch (error) {
        expect(error).toBeInstanceOf(HashProblem);
        return (error as Error).message;
      }
      throw new Error(`${hash} was accepted`);
    };
    expect(refused('$2b$15$' + 'C'.repeat(53))).toContain('bcrypt cost 15 is outside 4–14');
    expect(refused('$argon2id$v=19$m=131072,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG')).toContain('over 65536 KiB');
    expect(refused('$argon2id$v=18$m=1024,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub')).toContain('version');
    expect(refused(`$scrypt$ln=17,r=8,p=1$${b64text('salt')}$${b64text('0123456789abcdef')}`)).toContain('over 64 MiB');
    expect(refused(`$scrypt$ln=16,r=8,p=4$${b64text('salt')}$${b64text('0123456789abcdef')}`)).toContain('over 128 MiB');
    expect(refused(`$pbkdf2-sha512$999$${b64text('salt')}$${b64text('0123456789abcdef')}`)).toContain('below 1000');
    expect(refused(`$pbkdf2-sha512$1000001$${b64text('salt')}$${b64text('0123456789abcdef')}`)).toContain('over 1000000');
    expect(refused(`$pbkdf2-sha256$i=1000,x=1$${b64text('salt')}$${b64text('0123456789abcdef')}`)).toContain('may only be i and l');
    expect(refused(`$pbkdf2-sha256$i=1000,l=20$${b64text('salt')}$${b64text('0123456789abcdef')}`)).toContain('l does not match');
    expect(refused('$md5$whatever')).toContain('format is not one of');
    expect(refused('$scrypt$' + 'x'.repeat(600))).toContain('longer than 512');
  });

  it('verifies nothing against a stored string that does not pass the import checks', async () => {
    expect(await verifyPassword('$2b$31$' + 'C'.repeat(53), 'U*U')).toBe(false);
    expect(await verifyPassword('$pbkdf2-sha256$1$c2FsdA$MDEyMzQ1Njc4OWFiY2RlZg', 'x')).toBe(false);
  });
});
