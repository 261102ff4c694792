import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { signUpOrg } from '../support/factories';
import { useApi } from '../support/api';

/** What a request says about its bytes must be true: anything else is a clear 4xx problem. */
const api = useApi();

/** Sends exact bytes, as curl or a broken client could, and reads the status, headers and body. */
async function send(path: string, body: Uint8Array, headers: Record<string, string>) {
  const response = await fetch(`${api.url}${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

/** A raw HTTP/1.1 exchange, for what fetch refuses to send. */
function raw(request: string): Promise<string> {
  const { port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('strict input at the edge', () => {
  it('answers oversized headers with a 431 problem document carrying X-Request-Id', async () => {
    const answer = await raw(`GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(head).toMatch(/\r\nx-request-id: [0-9a-f-]{36}/i);
    expect(JSON.parse(body!)).toMatchObject({ status: 431, code: 'request_header_fields_too_large' });
  });

  it('answers malformed HTTP with a 400 problem document', async () => {
    const answer = await raw('GET /v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Name: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/x-request-id: /i);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toMatchObject({ status: 400, code: 'bad_request' });
  });

  it('refuses a Content-Encoding it does not decode with 415, on JSON and form routes', async () => {
    const org = await signUpOrg(api);
    const gzipped = gzipSync(Buffer.from(JSON.stringify({ org: org.slug, login: 'owner', password: org.root.password })));
    const login = await send('/v1/auth/login', gzipped, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(login.status).toBe(415);
    expect(login.headers.get('content-type')).toContain('application/problem+json');
    expect(login.body.code).toBe('unsupported_content_encoding');
    const form = await send('/oauth2/token', gzipSync('grant_type=client_credentials'), {
      'content-type': 'application/x-www-form-urlencoded',
      'content-encoding': 'gzip',
    });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.status).toBeLessThan(500);
    expect(form.body.error).toBe('invalid_request');
    // Identity is no encoding at all.
    const plain = await send('/v1/auth/login', json({ org: org.slug, login: 'owner', password: org.root.password }), {
      'content-type': 'application/json',
      'content-encoding': 'identity',
    });
    expect(plain.status).toBe(200);
  });

  it('refuses bytes that are not UTF-8 with 400, instead of reading them as replacement characters', async () => {
    const org = await signUpOrg(api);
    const start = new TextEncoder().encode(`{"org":"${org.slug}","login":"owner","password":"`);
    const bytes = Buffer.concat([start, Buffer.from([0xff, 0xfe, 0xc3]), new TextEncoder().encode('"}')]);
    const answer = await send('/v1/auth/login', bytes, { 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_utf8');
    const form = await send('/oauth2/revoke', Buffer.from([0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x3d, 0xff]), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
    expect(form.body.error).toBe('invalid_request');
  });

  it('refuses a charset other than UTF-8 with 415, and takes utf-8 however it is written', async () => {
    const org = await signUpOrg(api);
    const body = json({ org: org.slug, login: 'owner', password: org.root.password });
    for (const charset of ['iso-8859-1', 'utf-16', 'latin1', '']) {
      const answer = await send('/v1/auth/login', body, { 'content-type': `application/json; charset=${charset}` });
      expect(answer.status, charset).toBe(415);
      expect(answer.body.code).toBe('unsupported_charset');
    }
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'utf8']) {
      const answer = await send('/v1/auth/login', body, { 'content-type': `application/json; charset=${charset}` });
      expect(answer.status, charset).toBe(200);
    }
  });

  it('takes only the documented application/json, not other +json or text types', async () => {
    const org = await signUpOrg(api);
    const body = json({ org: org.slug, login: 'owner', password: org.root.password });
    for (const type of ['application/vnd.gatehouse+json', 'application/merge-patch+json', 'text/json', 'application/jsonx', 'text/plain']) {
      const answer = await send('/v1/auth/login', body, { 'content-type': type });
      expect(answer.status, type).toBe(415);
      expect(answer.body.code).toBe('unsupported_media_type');
    }
    expect((await send('/v1/auth/login', body, { 'content-type': 'Application/JSON' })).status).toBe(200);
  });
});
