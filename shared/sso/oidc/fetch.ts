import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { resolveAllowed } from '../../events/addresses';

/**
 * Every request Gatehouse makes to an organization's OIDC IdP (discovery, JWKS, token,
 * userinfo) goes through here: the URLs are an admin's input, so each host is resolved and
 * checked by the webhooks' address rules (shared/events/addresses.ts: no private, loopback,
 * link-local or metadata address on AWS; loopback only on the local stack), and the socket
 * connects to the address that was checked, so DNS cannot swap in another one between the
 * check and the connection. Redirects are answered as they are (openid-client refuses them).
 */
const MAX_BYTES = 512 * 1024;
const TIMEOUT_MS = 10_000;

export class AddressRefused extends Error {
  constructor(readonly url: string) {
    super(`The identity provider's address ${new URL(url).host} is not allowed (private, loopback, link-local or not https).`);
  }
}

type Body = ArrayBuffer | null | ReadableStream | string | Uint8Array | undefined | URLSearchParams;

async function bytesOf(body: Body): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof ArrayBuffer || body instanceof Uint8Array) return Buffer.from(body as Uint8Array);
  return Buffer.from(await new Response(body).arrayBuffer());
}

export async function idpFetch(rawUrl: string, options: { method: string; headers: Record<string, string>; body?: Body; signal?: AbortSignal }): Promise<Response> {
  const url = new URL(rawUrl);
  const target = await resolveAllowed(url);
  if (!target) throw new AddressRefused(rawUrl);
  const body = await bytesOf(options.body);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const req = send(url, {
      method: options.method,
      headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      lookup: ((_host: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
        if (lookupOptions?.all) callback(null, [{ address: target.address, family: target.family }]);
        else callback(null, target.address, target.family);
      }) as never,
      timeout: TIMEOUT_MS,
      signal: options.signal,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) req.destroy(new Error('The identity provider answered more than 512 KiB.'));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const item of value) headers.append(name, item);
          else if (value !== undefined) headers.set(name, value);
        }
        const status = res.statusCode ?? 502;
        const payload = [204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
        resolve(new Response(payload, { status, statusText: res.statusMessage, headers }));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('The identity provider did not answer in time.')));
    req.on('error', reject);
    req.end(body);
  });
}
