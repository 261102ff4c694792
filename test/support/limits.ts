import { request } from 'node:http';
import { resetConfig } from '../../shared/config';

/** The strict values api/production.md gives for tests of the limits ("Local stack", last column). */
export const STRICT_LIMITS: Record<string, string> = {
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_LOGIN: '5',
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_DEVICE: '5',
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP_PER_ORG: '10',
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: '80',
  GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: '25',
  GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR: '200',
  GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: '3',
  TRUST_PROXY: '0',
};

/**
 * Runs `fn` with these limits in the environment, then puts back what was there: the handlers
 * run in this process, so the configuration they read is this test's alone.
 */
export async function withLimits<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  resetConfig();
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetConfig();
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * Requests to the API from one loopback address of 127.0.0.0/8 (Linux answers on all of
 * them): the server sees a real socket address of the test's choosing, so each test owns its
 * address counters and no header is needed to pretend, which is what the limits must ignore.
 */
export function clientAt(baseUrl: () => string, localAddress: string) {
  return (method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; token?: string } = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const url = new URL(`${baseUrl()}${path}`);
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      const headers: Record<string, string> = { ...options.headers };
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const outgoing = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => {
            const answerHeaders = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              for (const item of [value ?? []].flat()) answerHeaders.append(name, item);
            }
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: incoming.statusCode ?? 0, headers: answerHeaders, body: parsed });
          });
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
}

/** The device cookie a reply set, as a Cookie header value (`name=value`), if any. */
export const deviceCookieFrom = (reply: Reply): string | undefined =>
  reply.headers.getSetCookie().find((cookie) => cookie.startsWith('__Host-gatehouse-device='))?.split(';')[0];
