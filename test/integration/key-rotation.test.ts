import { hkdfSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { open, seal } from '../../shared/auth/crypto';
import {
  RETIRE_MARGIN_MS,
  SIGNS_AFTER_PUBLISHED_MS,
  keyRing,
  resetKeyRing,
  rotateLocalKeyFile,
  signingKeyAt,
} from '../../shared/auth/keys';
import { LIFETIMES } from '../../shared/auth/tokens';
import { clock } from '../../shared/clock';
import { resetConfig } from '../../shared/config';
import { useApi } from '../support/api';
import { loginAs, signUpOrg } from '../support/factories';

/**
 * This file owns its key file (its own fork, its own LOCAL_KEY_FILE), so rotating it never
 * disturbs the other test files sharing the run's key ring.
 */
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
const keyFile = join(dir, 'keys.json');
const sharedKeyFile = process.env.LOCAL_KEY_FILE;
const realNow = clock.now;
let base = realNow();
const at = (offsetMs: number) => {
  clock.now = () => base + offsetMs;
};

beforeAll(() => {
  process.env.LOCAL_KEY_FILE = keyFile;
  resetConfig();
  resetKeyRing();
});
afterEach(() => {
  clock.now = realNow;
});
afterAll(() => {
  process.env.LOCAL_KEY_FILE = sharedKeyFile;
  resetConfig();
  resetKeyRing();
});

const api = useApi();
const jwksNow = async () => (await api.request('GET', '/.well-known/jwks.json')).body as { keys: Array<Record<string, string>> };
const kidsNow = async () => (await jwksNow()).keys.map((key) => key.kid);

describe('signing keys', () => {
  it('a lone key signs at once; a rotated-in key is published 2 h+ before it signs; the old one stays until its tokens expired', async () => {
    base = realNow();
    at(0);
    const org = await signUpOrg(api);
    const first = await loginAs(api, org.slug, 'owner', org.root.password);
    const oldKid = decodeProtectedHeader(first.accessToken).kid!;
    expect(await kidsNow()).toEqual([oldKid]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    // Rotate: the new key is in the JWKS at once, but the old one keeps signing.
    const rotated = await rotateLocalKeyFile(keyFile, clock.now());
    const newKid = rotated.keys.at(-1)!.kid;
    resetKeyRing();
    expect(await kidsNow()).toEqual([oldKid, newKid]);
    at(SIGNS_AFTER_PUBLISHED_MS - 60_000);
    const stillOld = await loginAs(api, org.slug, 'owner', org.root.password);
    expect(decodeProtectedHeader(stillOld.accessToken).kid).toBe(oldKid);
    expect(SIGNS_AFTER_PUBLISHED_MS).toBeGreaterThanOrEqual(2 * 3600_000);

    // Two hours (and the margin) after publication, the new key signs; the old one is still published.
    at(SIGNS_AFTER_PUBLISHED_MS + 1000);
    const fresh = await loginAs(api, org.slug, 'owner', org.root.password);
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(newKid);
    const jwks = await jwksNow();
    expect(jwks.keys.map((key) => key.kid)).toEqual([oldKid, newKid]);

    // The last token the old key signed still verifies, offline and on the API, until it expires.
    at(SIGNS_AFTER_PUBLISHED_MS - 60_000 + (LIFETIMES.accessToken - 30) * 1000);
    await jwtVerify(stillOld.accessToken, createLocalJWKSet(await jwksNow() as never), { currentDate: new Date(clock.now()) });
    expect((await api.request('GET', '/v1/me', { token: stillOld.accessToken })).status).toBe(200);

    // After its last token expired (plus the margin), the old key leaves the JWKS and nothing it signed verifies.
    at(SIGNS_AFTER_PUBLISHED_MS + LIFETIMES.accessToken * 1000 + RETIRE_MARGIN_MS + 1000);
    expect(await kidsNow()).toEqual([newKid]);
    const retired = await api.request('GET', '/v1/me', { token: stillOld.accessToken });
    expect(retired.status).toBe(401);
    const current = await loginAs(api, org.slug, 'owner', org.root.password);
    expect((await api.request('GET', '/v1/me', { token: current.accessToken })).status).toBe(200);

    // A later rotation drops the retired key from the file itself.
    const again = await rotateLocalKeyFile(keyFile, clock.now());
    expect(again.keys.map((key) => key.kid)).not.toContain(oldKid);
  });

  it('withdraws a key at once: a token accepted a moment ago is refused on the next request', async () => {
    base = realNow();
    at(0);
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const kid = decodeProtectedHeader(accessToken).kid!;
    // Twice: the second answer comes from the token already verified once.
    expect((await api.request('GET', '/v1/me', { token: accessToken })).status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: accessToken })).status).toBe(200);

    // An emergency (a leaked key): rotate, then retire the old key now rather than after its tokens.
    await rotateLocalKeyFile(keyFile, clock.now());
    const file = JSON.parse(readFileSync(keyFile, 'utf8'));
    for (const key of file.signing.keys) if (key.kid === kid) key.retireAt = new Date(clock.now() - 1000).toISOString();
    writeFileSync(keyFile, JSON.stringify(file), { mode: 0o600 });
    resetKeyRing();

    expect(await kidsNow()).not.toContain(kid);
    expect((await api.request('GET', '/v1/me', { token: accessToken })).status).toBe(401);
    const again = await loginAs(api, org.slug, 'owner', org.root.password);
    expect((await api.request('GET', '/v1/me', { token: again.accessToken })).status).toBe(200);
  });

  it('picks the newest key published long enough, else the oldest (rotating twice quickly never signs with an unpublished key)', () => {
    const key = (name: string, createdAt: number, retireAt?: number) => ({ name, createdAt, retireAt });
    const keys = [key('a', 0), key('b', 1000), key('c', 2000)];
    expect(signingKeyAt(keys, 1500).name).toBe('a');
    expect(signingKeyAt(keys, 1000 + SIGNS_AFTER_PUBLISHED_MS).name).toBe('b');
    expect(signingKeyAt(keys, 2000 + SIGNS_AFTER_PUBLISHED_MS).name).toBe('c');
    expect(signingKeyAt([key('a', 0, 500), key('b', 100)], 600).name).toBe('b');
  });

  it('turns an Ed25519-era key file into RSA keys while keeping the data key, so sealed secrets still open', async () => {
    const legacy = join(dir, 'legacy.json');
    const seed = 'a-data-seed-from-an-earlier-version-of-gatehouse-0123456789';
    writeFileSync(legacy, JSON.stringify({ signing: { seed: 'old-ed25519-seed' }, data: { seed } }), { mode: 0o600 });
    const expected = Buffer.from(hkdfSync('sha256', seed, 'gatehouse', 'data-encryption-aes256gcm-v1', 32));

    process.env.LOCAL_KEY_FILE = legacy;
    resetConfig();
    resetKeyRing();
    try {
      const ring = await keyRing();
      expect(ring.dataKey.equals(expected)).toBe(true);
      expect(ring.signer().publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
      expect(Buffer.from(ring.signer().publicJwk.n, 'base64url').length).toBeGreaterThanOrEqual(256);
      const sealed = await seal('JBSWY3DPEHPK3PXP', 'user-1');
      expect(await open(sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
      const file = JSON.parse(readFileSync(legacy, 'utf8'));
      expect(file.data.seed).toBe(seed);
      expect(file.signing.keys).toHaveLength(1);
      expect(statSync(legacy).mode & 0o777).toBe(0o600);
    } finally {
      process.env.LOCAL_KEY_FILE = keyFile;
      resetConfig();
      resetKeyRing();
    }
  });
});
