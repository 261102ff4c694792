import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../infra/constructs/bundling';

/**
 * Lambda runs Node 24; this machine runs 20. Each bundle, built as deployed, is loaded and
 * invoked by a Node 24 binary from the npm registry's `node` package (`npx -p node@24`).
 * The bundles sit inside the repository so their native dependencies resolve from node_modules.
 */
const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const out = join(root, 'node_modules', '.cache', 'gatehouse-node24');
const ROUTE_GROUPS = ['public', 'auth', 'me', 'users', 'org', 'oauth', 'oidc'] as const;
const OTHERS = ['billing-import', 'key-provider', 'email-events', 'origin-secret'] as const;

const event = (routeKey: string) => {
  const [method, path] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'user-agent': 'node24-test' },
    requestContext: { requestId: `node24-${method}`, routeKey, stage: '$default', timeEpoch: Date.now(), http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'node24-test' } },
    isBase64Encoded: false,
  };
};

async function onNode24(bundle: string, payload: unknown): Promise<{ version: string; result: any }> {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(out, bundle, 'index.mjs')).href)});
    const result = ${payload === undefined ? 'typeof handler' : `await handler(${JSON.stringify(payload)}, { awsRequestId: 'node24' })`};
    process.stdout.write('\\n@@' + JSON.stringify({ version: process.version, result }));`;
  const { stdout } = await run('npx', ['--yes', '-p', 'node@24', 'node', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    timeout: 240_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout.slice(stdout.lastIndexOf('@@') + 2));
}

beforeAll(() => {
  mkdirSync(out, { recursive: true });
  for (const group of [...ROUTE_GROUPS, ...OTHERS]) {
    buildBundle(join(root, 'functions', `${group}.ts`), join(out, group), { withDataFiles: ['auth', 'me', 'users'].includes(group) });
  }
}, 300_000);

describe('the bundles on Lambda’s Node major (24)', () => {
  it('answers the health check from the public bundle against DynamoDB Local', async () => {
    const { version, result } = await onNode24('public', event('GET /health'));
    expect(version).toMatch(/^v24\./);
    expect(result.statusCode).toBe(200);
  }, 300_000);

  it.each(ROUTE_GROUPS.filter((group) => group !== 'public'))('runs the %s bundle’s pipeline (an unknown route is a problem+json 404)', async (group) => {
    const { version, result } = await onNode24(group, event('GET /no-such-route'));
    expect(version).toMatch(/^v24\./);
    expect(result.statusCode).toBe(404);
    expect(result.headers['content-type']).toMatch(/application\/problem\+json/);
  }, 300_000);

  it('loads the other bundles, and the email-events one ignores an event that is not SES’s', async () => {
    for (const group of ['billing-import', 'key-provider', 'origin-secret']) expect((await onNode24(group, undefined)).result).toBe('function');
    expect((await onNode24('email-events', { source: 'elsewhere' })).result).toEqual({ recipients: 0, usersMarked: 0 });
  }, 300_000);
});
