import { createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { clock } from '../clock';
import { config } from '../config';
import { randomSecret } from '../ids';
import { LONGEST_SIGNED_TOKEN_SECONDS } from './tokens';

/**
 * Key material never sits in code, templates or the environment.
 *
 * - Signing keys are RSA-2048 (RS256: the one algorithm every AWS JWT authorizer and every
 *   OIDC library accepts). On AWS they live in a Secrets Manager secret under the stack's KMS
 *   key, written at deploy time by a small custom-resource Lambda (functions/key-provider.ts):
 *   the API functions can only read the secret, so a compromised function cannot swap the key,
 *   and no cold start pays for (or races over) generating one. Locally they live in
 *   `$DATA_DIR/keys.json` (mode 0600), created on first start.
 * - The data key (AES-256-GCM for TOTP secrets, HMAC pepper, cursor MACs) is derived from a
 *   random seed exactly as before, so everything sealed with it still opens.
 *
 * A key ring holds several signing keys so that rotation never breaks a consumer:
 * a new key is published at once but signs only after `SIGNS_AFTER_PUBLISHED_MS` (API
 * Gateway caches a JWKS for up to two hours), and a replaced key stays published until every
 * token it signed has expired (`retireAt`).
 */
export interface StoredSigningKey {
  kid: string;
  createdAt: string;
  /** When it leaves the JWKS; set when a newer key replaces it. */
  retireAt?: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

export interface SigningKeySecret {
  keys: StoredSigningKey[];
}

interface DataKeySecret {
  seed: string;
}

interface LocalKeyFile {
  signing: SigningKeySecret;
  data: DataKeySecret;
}

/** API Gateway caches keys for up to 2 h; our own ring refresh and JWKS cache add 10 min. */
export const SIGNS_AFTER_PUBLISHED_MS = (2 * 3600 + 10 * 60) * 1000;
/** A replaced key stays published this long after its last signature (clock skew, caches). */
export const RETIRE_MARGIN_MS = 10 * 60 * 1000;
/** Warm functions re-read the key secret this often, so a rotation reaches every container. */
export const RING_REFRESH_MS = 5 * 60 * 1000;

export interface PublishedKey {
  kid: string;
  createdAt: number;
  retireAt?: number;
  publicKey: KeyObject;
  publicJwk: { kty: 'RSA'; n: string; e: string; kid: string; alg: 'RS256'; use: 'sig' };
}

export interface SigningKey extends PublishedKey {
  privateKey: KeyObject;
}

/**
 * The public half of the key ring, as the key function publishes it for the functions that
 * only verify (an SSM parameter on AWS): they never hold a private key.
 */
export interface PublicKeyDocument {
  keys: Array<{ kid: string; createdAt: string; retireAt?: string; jwk: { kty: 'RSA'; n: string; e: string } }>;
}

export function publicKeyDocument(secret: SigningKeySecret): PublicKeyDocument {
  return {
    keys: secret.keys.map((stored) => {
      const { n, e } = createPublicKey(createPrivateKey(stored.privateKey)).export({ format: 'jwk' }) as { n: string; e: string };
      return { kid: stored.kid, createdAt: stored.createdAt, ...(stored.retireAt ? { retireAt: stored.retireAt } : {}), jwk: { kty: 'RSA', n, e } };
    }),
  };
}

function loadPublishedKey(entry: PublicKeyDocument['keys'][number]): PublishedKey {
  const publicKey = createPublicKey({ key: { kty: 'RSA', n: entry.jwk.n, e: entry.jwk.e }, format: 'jwk' });
  return {
    kid: entry.kid,
    createdAt: Date.parse(entry.createdAt),
    retireAt: entry.retireAt ? Date.parse(entry.retireAt) : undefined,
    publicKey,
    publicJwk: { kty: 'RSA', n: entry.jwk.n, e: entry.jwk.e, kid: entry.kid, alg: 'RS256', use: 'sig' },
  };
}

/** A fresh RSA-2048 key, stored form. The kid is its RFC 7638 thumbprint. */
export async function generateSigningKey(now = clock.now()): Promise<StoredSigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n, e } as JWK);
  return { kid, createdAt: new Date(now).toISOString(), privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

function loadSigningKey(stored: StoredSigningKey): SigningKey {
  const privateKey = createPrivateKey(stored.privateKey);
  if (privateKey.asymmetricKeyType !== 'rsa' || (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new Error(`signing key ${stored.kid} is not an RSA key of at least 2048 bits`);
  }
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return {
    kid: stored.kid,
    createdAt: Date.parse(stored.createdAt),
    retireAt: stored.retireAt ? Date.parse(stored.retireAt) : undefined,
    privateKey,
    publicKey,
    publicJwk: { kty: 'RSA', n, e, kid: stored.kid, alg: 'RS256', use: 'sig' },
  };
}

/** The keys in the JWKS at `now`: all but those whose retirement has come. */
export function publishedKeys<K extends { retireAt?: number }>(keys: readonly K[], now: number): K[] {
  return keys.filter((key) => key.retireAt === undefined || key.retireAt > now);
}

/**
 * The key that signs at `now`: the newest published key that has been published for
 * `SIGNS_AFTER_PUBLISHED_MS`; when none has (a fresh deployment, a lone key), the oldest
 * published key, so signing never stops.
 */
export function signingKeyAt<K extends { createdAt: number; retireAt?: number }>(keys: readonly K[], now: number): K {
  const published = publishedKeys(keys, now).sort((a, b) => a.createdAt - b.createdAt);
  const ready = published.filter((key) => key.createdAt + SIGNS_AFTER_PUBLISHED_MS <= now);
  const key = ready.at(-1) ?? published[0];
  if (!key) throw new Error('no published signing key');
  return key;
}

/**
 * Rotation: adds a new key and schedules the retirement of every key not yet scheduled, at
 * the moment the new key starts signing plus the longest lifetime of a token they signed.
 * Keys whose retirement has passed are dropped from the secret.
 */
export async function rotateSigningKeys(secret: SigningKeySecret, now = clock.now()): Promise<SigningKeySecret> {
  const fresh = await generateSigningKey(now);
  const retireAt = new Date(now + SIGNS_AFTER_PUBLISHED_MS + LONGEST_SIGNED_TOKEN_SECONDS * 1000 + RETIRE_MARGIN_MS).toISOString();
  const kept = secret.keys
    .filter((key) => !key.retireAt || Date.parse(key.retireAt) > now)
    .map((key) => (key.retireAt ? key : { ...key, retireAt }));
  return { keys: [...kept, fresh] };
}

function dataKeyFromSeed(seed: string): Buffer {
  return Buffer.from(hkdfSync('sha256', seed, 'gatehouse', 'data-encryption-aes256gcm-v1', 32));
}

function writePrivateFile(path: string, content: unknown): void {
  // Write beside, then rename: a reader never sees half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(content, null, 2), { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * Creates the local key file if it does not exist yet (local stack and tests only). A file of
 * the earlier Ed25519 format keeps its data seed and gets RSA signing keys.
 */
export async function ensureLocalKeyFile(path: string): Promise<void> {
  if (existsSync(path)) {
    const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalKeyFile> & { signing?: { seed?: string } };
    if (file.data?.seed && Array.isArray(file.signing?.keys) && file.signing.keys.length) return;
    if (!file.data?.seed) throw new Error(`${path} holds no data key seed; move it away to start with fresh keys`);
    writePrivateFile(path, { signing: { keys: [await generateSigningKey()] }, data: file.data });
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  const file: LocalKeyFile = { signing: { keys: [await generateSigningKey()] }, data: { seed: randomSecret(48) } };
  try {
    // `wx`: of two processes creating it at once, one wins and the other reads the winner's.
    writeFileSync(path, JSON.stringify(file, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** `npm run keys:rotate` on the local stack. */
export async function rotateLocalKeyFile(path: string, now = clock.now()): Promise<SigningKeySecret> {
  await ensureLocalKeyFile(path);
  const file = JSON.parse(readFileSync(path, 'utf8')) as LocalKeyFile;
  const signing = await rotateSigningKeys(file.signing, now);
  writePrivateFile(path, { ...file, signing });
  return signing;
}

interface LoadedSecrets {
  data: DataKeySecret;
  signing?: SigningKeySecret;
  published?: PublicKeyDocument;
}

async function loadSecrets(): Promise<LoadedSecrets> {
  const { LOCAL_KEY_FILE, SIGNING_KEY_SECRET_ARN, DATA_KEY_SECRET_ARN, PUBLIC_KEYS_PARAMETER, AWS_REGION } = config();
  if (LOCAL_KEY_FILE) {
    await ensureLocalKeyFile(LOCAL_KEY_FILE);
    return JSON.parse(readFileSync(LOCAL_KEY_FILE, 'utf8')) as LocalKeyFile;
  }
  if (!SIGNING_KEY_SECRET_ARN) {
    // A function that only verifies: the public keys from SSM, never the private ones.
    const [{ GetParameterCommand, SSMClient }, { GetSecretValueCommand, SecretsManagerClient }] = await Promise.all([
      import('@aws-sdk/client-ssm'),
      import('@aws-sdk/client-secrets-manager'),
    ]);
    const [parameter, data] = await Promise.all([
      new SSMClient({ region: AWS_REGION }).send(new GetParameterCommand({ Name: PUBLIC_KEYS_PARAMETER! })),
      new SecretsManagerClient({ region: AWS_REGION }).send(new GetSecretValueCommand({ SecretId: DATA_KEY_SECRET_ARN! })),
    ]);
    const published = JSON.parse(parameter.Parameter?.Value ?? '{}') as PublicKeyDocument;
    if (!Array.isArray(published.keys) || !published.keys.length) throw new Error('the public-key parameter holds no keys (was the key function deployed?)');
    return { published, data: JSON.parse(data.SecretString ?? '{}') as DataKeySecret };
  }
  // Only deployed functions read Secrets Manager; the local stack never loads its client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: AWS_REGION });
  const read = async <T>(arn: string) => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return JSON.parse(SecretString ?? '{}') as T;
  };
  const [signing, data] = await Promise.all([read<SigningKeySecret>(SIGNING_KEY_SECRET_ARN!), read<DataKeySecret>(DATA_KEY_SECRET_ARN!)]);
  if (!Array.isArray(signing.keys) || !signing.keys.length) throw new Error('the signing-key secret holds no keys (was the key provider deployed?)');
  return { signing, data };
}

export interface KeyRing {
  /** Every key of the secret, published or not. */
  keys: PublishedKey[];
  dataKey: Buffer;
  /** The key that signs now; throws in a function that holds only public keys. */
  signer(): SigningKey;
  /** The keys in the JWKS now; verification accepts exactly these. */
  published(): PublishedKey[];
}

let ring: { loadedAt: number; value: Promise<KeyRing> } | undefined;

function buildRing(secrets: LoadedSecrets): KeyRing {
  const signing = secrets.signing?.keys.map(loadSigningKey);
  const keys: PublishedKey[] = signing ?? secrets.published!.keys.map(loadPublishedKey);
  return {
    keys,
    dataKey: dataKeyFromSeed(secrets.data.seed),
    signer: () => {
      if (!signing) throw new Error('this function holds no private signing key (only auth and oauth sign)');
      return signingKeyAt(signing, clock.now());
    },
    published: () => publishedKeys(keys, clock.now()),
  };
}

/** Loaded once per container and refreshed every few minutes (one Secrets Manager read each time). */
export function keyRing(): Promise<KeyRing> {
  const now = clock.now();
  if (!ring || Math.abs(now - ring.loadedAt) > RING_REFRESH_MS) {
    const previous = ring;
    const value = loadSecrets().then(buildRing);
    const entry = { loadedAt: now, value };
    ring = entry;
    value.catch(() => {
      // A failed refresh keeps the ring it had; a failed first load is retried next request.
      if (ring === entry) ring = previous;
    });
    if (previous) return value.catch(() => previous.value);
  }
  return ring.value;
}

/** Tests and the rotation command: forget the cached ring so the next use reads the keys again. */
export function resetKeyRing(): void {
  ring = undefined;
}
