import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JWK } from 'jose';
import { config } from '../config';
import { randomSecret } from '../ids';

/**
 * Key material never sits in code, templates or the environment. On AWS each key is a
 * Secrets Manager secret generated at deploy time (`{ "seed": "...", "previous": [...] }`);
 * locally it is a file in the git-ignored data folder, created on first start. The Ed25519
 * signing key is derived from the seed, so a random string is all a secret needs to hold.
 */
interface SeedSecret {
  seed: string;
  /** Earlier seeds still published in the JWKS while their tokens may be alive. */
  previous?: string[];
}
interface LocalKeyFile {
  signing: SeedSecret;
  data: SeedSecret;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK & { kid: string; alg: 'EdDSA'; use: 'sig' };
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function signingKeyFromSeed(seed: string): SigningKey {
  const raw = Buffer.from(hkdfSync('sha256', seed, 'gatehouse', 'jwt-signing-ed25519-v1', 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256').update(jwk.x ?? '').digest('base64url').slice(0, 16);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}

function dataKeyFromSeed(seed: string): Buffer {
  return Buffer.from(hkdfSync('sha256', seed, 'gatehouse', 'data-encryption-aes256gcm-v1', 32));
}

/** Creates the local key file if it does not exist yet (local stack and tests only). */
export function ensureLocalKeyFile(path: string): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const file: LocalKeyFile = { signing: { seed: randomSecret(48) }, data: { seed: randomSecret(48) } };
  writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600 });
}

async function loadSecrets(): Promise<LocalKeyFile> {
  const { LOCAL_KEY_FILE, SIGNING_KEY_SECRET_ARN, DATA_KEY_SECRET_ARN, AWS_REGION } = config();
  if (LOCAL_KEY_FILE) {
    ensureLocalKeyFile(LOCAL_KEY_FILE);
    return JSON.parse(readFileSync(LOCAL_KEY_FILE, 'utf8')) as LocalKeyFile;
  }
  // Only deployed functions read Secrets Manager; the local stack never loads its client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: AWS_REGION });
  const read = async (arn: string) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return JSON.parse(SecretString ?? '{}') as SeedSecret;
  };
  const [signing, data] = await Promise.all([read(SIGNING_KEY_SECRET_ARN!), read(DATA_KEY_SECRET_ARN!)]);
  return { signing, data };
}

export interface KeyRing {
  current: SigningKey;
  all: SigningKey[];
  dataKey: Buffer;
}

let ring: Promise<KeyRing> | undefined;

/** Loaded once per container (one Secrets Manager call per cold start). */
export function keyRing(): Promise<KeyRing> {
  ring ??= loadSecrets().then((secrets) => {
    const current = signingKeyFromSeed(secrets.signing.seed);
    const previous = (secrets.signing.previous ?? []).map(signingKeyFromSeed);
    return { current, all: [current, ...previous], dataKey: dataKeyFromSeed(secrets.data.seed) };
  });
  ring.catch(() => {
    ring = undefined;
  });
  return ring;
}
