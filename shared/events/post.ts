import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Attempt } from '../data/events';
import { clock } from '../clock';
import { resolveAllowed } from './addresses';

/** A 2xx within this is a success (Standard Webhooks recommends 15–30 s). */
export const ATTEMPT_TIMEOUT_MS = 15_000;
const EXCERPT_BYTES = 1024;

/** `whsec_` + standard base64 of 32 random bytes (api/events.md "Sending"). */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The Standard Webhooks headers for one attempt, signed anew with its own timestamp; during a
 * rotation's overlap with both secrets, the new one's signature first.
 */
export function signedHeaders(eventId: string, body: string, secrets: string[], now = clock.now()): Record<string, string> {
  const seconds = Math.floor(now / 1000);
  const at = new Date(seconds * 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Gatehouse-Webhooks/1',
    'webhook-id': eventId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(eventId, at, body)).join(' '),
  };
}

export interface AttemptResult extends Attempt {
  /** Seconds a 429 or 503 asked us to wait (`Retry-After`). */
  retryAfterSeconds?: number;
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - clock.now()) / 1000));
}

/**
 * One POST of a delivery. The host is resolved and checked here, and the socket connects to
 * that checked address (`lookup` answers it), so DNS cannot swap in a private address between
 * the check and the connection. Redirects are failures, never followed.
 */
export async function postOnce(rawUrl: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
  const started = performance.now();
  const at = new Date(clock.now()).toISOString();
  const done = (fields: Partial<AttemptResult>): AttemptResult => ({
    at,
    responseStatus: null,
    durationMs: Math.round(performance.now() - started),
    error: null,
    responseExcerpt: '',
    ...fields,
  });
  const url = new URL(rawUrl);
  let target: { address: string; family: 4 | 6 } | undefined;
  try {
    target = await resolveAllowed(url);
  } catch {
    return done({ error: 'connection_failed' });
  }
  if (!target) return done({ error: 'address_not_allowed' });
  const pinned = target;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
        else callback(null, pinned.address, pinned.family);
      }) as never,
      timeout: ATTEMPT_TIMEOUT_MS,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve(done({
          responseStatus: status,
          error: status >= 300 && status < 400 ? 'redirect' : null,
          responseExcerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'),
          retryAfterSeconds: status === 429 || status === 503 ? retryAfter(res.headers['retry-after']) : undefined,
        }));
      });
      res.on('error', () => resolve(done({ responseStatus: status(res.statusCode), error: 'connection_failed' })));
    });
    const status = (value: number | undefined) => value ?? null;
    const deadline = setTimeout(() => req.destroy(new Error('timeout')), ATTEMPT_TIMEOUT_MS);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve(done({ error: error.message === 'timeout' ? 'timeout' : 'connection_failed' })));
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
