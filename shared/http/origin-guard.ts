import { clock } from '../clock';
import { config } from '../config';
import { safeEqual } from '../ids';
import { ORIGIN_SECRET_HEADER } from './edge';

interface OriginSecret {
  current: string;
  previous?: string;
}

/** How long a warm function trusts the secret it read, and how often a mismatch may re-read it. */
export const ORIGIN_SECRET_REFRESH_MS = 5 * 60_000;
export const ORIGIN_SECRET_RELOAD_ON_MISMATCH_MS = 10_000;

let cached: { loadedAt: number; value: Promise<OriginSecret> } | undefined;

async function readSecret(arn: string): Promise<OriginSecret> {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const { SecretString } = await new SecretsManagerClient({ region: config().AWS_REGION }).send(new GetSecretValueCommand({ SecretId: arn }));
  const parsed = JSON.parse(SecretString ?? '{}') as Partial<OriginSecret>;
  if (typeof parsed.current !== 'string' || parsed.current.length < 16) throw new Error('the origin secret holds no current value');
  return { current: parsed.current, previous: typeof parsed.previous === 'string' && parsed.previous.length >= 16 ? parsed.previous : undefined };
}

function load(arn: string, now: number): Promise<OriginSecret> {
  const value = readSecret(arn);
  const entry = { loadedAt: now, value };
  const before = cached;
  cached = entry;
  value.catch(() => {
    if (cached === entry) cached = before;
  });
  return before ? value.catch(() => before.value) : value;
}

const matches = (secret: OriginSecret, sent: string) =>
  safeEqual(sent, secret.current) || (secret.previous !== undefined && safeEqual(sent, secret.previous));

/**
 * True when the request came through our CloudFront distribution: it carries the origin secret,
 * current or previous (rotation writes the new value before CloudFront sends it, so both hold
 * for a while). A mismatch re-reads the secret once in a while, so a rotation that happened
 * since this container read it is honoured at once. Locally (no ORIGIN_SECRET_ARN) every
 * request passes.
 */
export async function cameThroughEdge(headers: Record<string, string | undefined>): Promise<boolean> {
  const arn = config().ORIGIN_SECRET_ARN;
  if (!arn) return true;
  const sent = headers[ORIGIN_SECRET_HEADER];
  if (!sent) return false;
  const now = clock.now();
  if (!cached || Math.abs(now - cached.loadedAt) > ORIGIN_SECRET_REFRESH_MS) await load(arn, now);
  if (matches(await cached!.value, sent)) return true;
  if (Math.abs(now - cached!.loadedAt) < ORIGIN_SECRET_RELOAD_ON_MISMATCH_MS) return false;
  return matches(await load(arn, now), sent);
}
