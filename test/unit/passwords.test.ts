import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brotliDecompressSync } from 'node:zlib';
import { LIST_PATH, commonPasswords, renderList } from '../../infra/scripts/build-password-list';
import { DUMMY_HASH, HASH_PARAMS, checkPassword, hashPassword, needsRehash, verifyPassword } from '../../shared/auth/passwords';

describe('the common-password list', () => {
  it('is generated from the installed @zxcvbn-ts/language-common (run infra/scripts/build-password-list.ts)', () => {
    const shipped = brotliDecompressSync(readFileSync(LIST_PATH)).toString('utf8');
    expect(shipped).toBe(brotliDecompressSync(renderList(commonPasswords())).toString('utf8'));
  });

  it('holds at least 10,000 passwords', () => {
    expect(brotliDecompressSync(readFileSync(LIST_PATH)).toString('utf8').split('\n').length).toBeGreaterThanOrEqual(10_000);
  });
});

describe('password policy', () => {
  it('accepts a long passphrase and refuses context words case-insensitively', () => {
    expect(() => checkPassword('violet staple horse mountain', { login: 'alice', email: 'alice@example.com', orgSlug: 'acme' })).not.toThrow();
    expect(() => checkPassword('I am ALICE and I like it', { login: 'alice' })).toThrow(/login/);
    expect(() => checkPassword('acme-corporation-rules!', { orgSlug: 'acme-corporation' })).toThrow(/organization/);
    expect(() => checkPassword('write to alice.b@example.com', { email: 'Alice.B@example.com' })).toThrow(/email/);
  });

  it('NFKC-normalises before hashing, so compatibility forms of the same password match', async () => {
    const stored = await hashPassword('ｆｕｌｌｗｉｄｔｈ passphrase 1');
    expect(await verifyPassword(stored, 'fullwidth passphrase 1')).toBe(true);
    expect(await verifyPassword(stored, 'fullwidth passphrase 2')).toBe(false);
  });

  it('stores argon2id with its parameters, so they can be raised later', async () => {
    const stored = await hashPassword('some long passphrase here');
    expect(stored).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${HASH_PARAMS.memoryCost},t=${HASH_PARAMS.timeCost},p=1\\$`));
    expect(needsRehash(stored)).toBe(false);
    expect(needsRehash('$argon2id$v=19$m=4096,t=1,p=1$abc$def')).toBe(true);
    expect(needsRehash('$2b$10$bcrypt-style')).toBe(true);
  });

  it('does the same work and answers false when there is no account', async () => {
    // The dummy is checked with today's parameters: were they raised, it would cost less than a real check.
    expect(needsRehash(DUMMY_HASH)).toBe(false);
    expect(DUMMY_HASH).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${HASH_PARAMS.memoryCost},t=${HASH_PARAMS.timeCost},p=${HASH_PARAMS.parallelism}\\$`));
    expect(await verifyPassword(undefined, 'anything at all here')).toBe(false);
  });
});
