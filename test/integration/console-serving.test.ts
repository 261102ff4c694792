import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../infra/console/policy';
import { consoleServer } from '../../infra/local/console-server';
import { handlers } from '../../infra/local/handlers';
import { createApiServer } from '../../infra/local/http-adapter';

// A stand-in build of the console, so this file does not depend on the browser test's Vite build.
const root = mkdtempSync(join(tmpdir(), 'gatehouse-console-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
const server = createApiServer(handlers, { console: consoleServer(root) });
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Raw HTTP, so paths like /../ reach the server exactly as written. */
const get = (path: string, method = 'GET') =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('the console on the API’s origin (npm start)', () => {
  it('answers every page with index.html under the Content-Security-Policy, never cached stale', async () => {
    for (const path of ['/', '/login', '/users/123', '/activate']) {
      const answer = await get(path);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<title>console</title>');
      expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable files', async () => {
    const answer = await get('/assets/index-abc123.js');
    expect(answer.body).toBe('console.log(1)');
    expect(answer.headers['content-type']).toMatch(/^text\/javascript/);
    expect(answer.headers['cache-control']).toContain('immutable');
  });

  it('never serves a file outside the build, whatever the path', async () => {
    for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd']) {
      const answer = await get(path);
      expect(answer.body).not.toContain('root:');
    }
    expect((await get('/%E0%A4%A')).status).toBe(400);
  });

  it('leaves the API its paths, with problem+json for unknown ones', async () => {
    expect(JSON.parse((await get('/health')).body)).toEqual({ status: 'ok' });
    const missing = await get('/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
    expect((await get('/v1/users', 'GET')).status).toBe(401);
  });
});
