import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { config } from '../config';
import { safeEqual } from '../ids';
import type { RegisteredClient } from './client-registry';
import { InvalidClient, InvalidRequest } from './errors';

/**
 * The SaaS's registered applications (`cdk.json` context `gatehouse:clients`), checked the same
 * way at synth, at local start and at cold start. Public clients (browser and mobile apps) have
 * no secret; a confidential client's secret is generated inside the account at deploy time
 * (Secrets Manager) or locally into `$DATA_DIR/client-secrets.json`, and never appears in the
 * configuration, the template or the environment.
 */
export { parseClients, type RegisteredClient } from './client-registry';

/** The registered clients of this deployment (config's `OAUTH_CLIENTS`). */
export const registeredClients = (): readonly RegisteredClient[] => config().OAUTH_CLIENTS;
export const findClient = (id: string): RegisteredClient | undefined => registeredClients().find((client) => client.id === id);

/**
 * Local stack and tests: a secret for every confidential client that has none yet, kept in
 * `$DATA_DIR/client-secrets.json` (mode 0600) as `{ "<client id>": "<secret>" }`.
 */
export function ensureLocalClientSecrets(path: string, clients: readonly RegisteredClient[]): Record<string, string> {
  const current = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {};
  const missing = clients.filter((client) => client.type === 'confidential' && !current[client.id]);
  if (!missing.length) return current;
  const next = { ...current, ...Object.fromEntries(missing.map((client) => [client.id, randomBytes(32).toString('base64url')])) };
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(next, null, 2), { mode: 0o600 });
  renameSync(temporary, path);
  return next;
}

const secretHash = (secret: string) => createHash('sha256').update(`client-secret\0${secret}`).digest('base64url');

let secretHashes: Promise<Map<string, string>> | undefined;

/** Read once per container: only their hashes stay in memory. */
async function loadSecretHashes(): Promise<Map<string, string>> {
  const { CLIENT_SECRETS_FILE, AWS_REGION } = config();
  const confidential = registeredClients().filter((client) => client.type === 'confidential');
  if (CLIENT_SECRETS_FILE) {
    const secrets = existsSync(CLIENT_SECRETS_FILE) ? (JSON.parse(readFileSync(CLIENT_SECRETS_FILE, 'utf8')) as Record<string, string>) : {};
    return new Map(confidential.filter((client) => secrets[client.id]).map((client) => [client.id, secretHash(secrets[client.id]!)]));
  }
  const withSecret = confidential.filter((client) => client.secretArn);
  if (!withSecret.length) return new Map();
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: AWS_REGION });
  const entries = await Promise.all(
    withSecret.map(async (entry) => {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: entry.secretArn! }));
      return [entry.id, secretHash(SecretString ?? '')] as const;
    }),
  );
  return new Map(entries.filter(([, hash]) => hash));
}

function clientSecretHashes(): Promise<Map<string, string>> {
  secretHashes ??= loadSecretHashes();
  secretHashes.catch(() => {
    secretHashes = undefined;
  });
  return secretHashes;
}

/** Tests: forget the cached secrets. */
export function resetClientSecrets(): void {
  secretHashes = undefined;
}

/** How the client presented itself (RFC 6749 §2.3.1). */
export interface ClientCredentials {
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
  clientId?: string;
  clientSecret?: string;
}

/**
 * Client authentication from `Authorization: Basic` (id and secret form-urlencoded, then
 * Base64) or the body's `client_id`/`client_secret`. Using both methods at once is refused
 * (RFC 6749 §2.3: a client MUST NOT use more than one).
 */
export function clientCredentialsOf(authorization: string | undefined, body: { client_id?: string; client_secret?: string }): ClientCredentials {
  const basic = /^Basic ([A-Za-z0-9+/=]{1,2000})$/i.exec(authorization?.trim() ?? '');
  if (authorization && /^Basic\s/i.test(authorization.trim()) && !basic) throw new InvalidClient('The Basic credentials are malformed.');
  if (basic) {
    if (body.client_secret !== undefined) throw new InvalidRequest('Use one client authentication method: Basic or client_secret in the body, not both.');
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidClient('The Basic credentials are malformed.');
    const form = (value: string) => {
      try {
        return decodeURIComponent(value.replace(/\+/g, ' '));
      } catch {
        throw new InvalidClient('The Basic credentials are malformed.');
      }
    };
    const clientId = form(decoded.slice(0, colon));
    if (body.client_id !== undefined && body.client_id !== clientId) throw new InvalidRequest('client_id in the body differs from the Basic credentials.');
    return { method: 'client_secret_basic', clientId, clientSecret: form(decoded.slice(colon + 1)) };
  }
  if (body.client_secret !== undefined) return { method: 'client_secret_post', clientId: body.client_id, clientSecret: body.client_secret };
  return { method: 'none', clientId: body.client_id };
}

/**
 * A registered client, authenticated: a confidential one by its secret (compared as hashes,
 * in constant time), a public one by its id alone (`allowPublic`, issue 14's token grants).
 */
export async function authenticateRegisteredClient(credentials: ClientCredentials, options: { allowPublic?: boolean } = {}): Promise<RegisteredClient> {
  const refused = (description?: string) => new InvalidClient(description, credentials.method);
  const client = credentials.clientId === undefined ? undefined : findClient(credentials.clientId);
  if (!client) throw refused();
  if (client.type === 'public') {
    if (!options.allowPublic || credentials.method !== 'none') throw refused(options.allowPublic ? 'A public client sends only its client_id.' : 'Only confidential registered clients may use this endpoint.');
    return client;
  }
  if (credentials.method === 'none' || credentials.clientSecret === undefined) throw refused();
  const expected = (await clientSecretHashes()).get(client.id);
  if (!expected || !safeEqual(expected, secretHash(credentials.clientSecret))) throw refused();
  return client;
}
