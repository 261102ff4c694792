/**
 * `npx tsx test/bench/hot.ts`: the API process's CPU per request for the hot authenticated
 * reads only (GET /v1/me with an access token and with an API token, a list page of 50), in a
 * minute instead of the full benchmark's several. For comparing one change to the code before
 * it, several rounds in the same window; the full `npm run bench` stays the figure of record.
 *
 * Options: --requests N (1000 per operation and round)  --rounds N (3)
 *          --node-args "…"  flags for the API's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
 *          --callgrind dir  run the API under valgrind's callgrind, collecting only while an
 *          operation is measured (one dump per operation and round, instruction counts stable
 *          to well under 1%: for changes too small for the noisy CPU clock)
 *          --readable  an unminified bundle, so a profile names functions
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { applyLocalEnvironment } from '../../infra/local/environment';
import { ensureTable, freePort, startDynamoDb, startSes } from '../../infra/local/stack';
import { buildBenchServer } from './server-build';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    'node-args': { type: 'string', default: '' },
    callgrind: { type: 'string' },
    readable: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(args.requests);
const ROUNDS = Number(args.rounds);
const PASSWORD = 'benchmark member passphrase';
const log = (message: string) => process.stderr.write(`${message}\n`);

const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-hot-'));
const ports = { port: 0, sesPort: await freePort(), dynamoDbPort: await freePort() };
process.env.LOG_LEVEL = 'warn';
applyLocalEnvironment(ports, { dataDir, tableName: 'gatehouse-hot' });
const dynamo = await startDynamoDb({ port: ports.dynamoDbPort });
const ses = await startSes({ port: ports.sesPort });
let server: ChildProcess | undefined;
const cleanup = async () => {
  server?.kill();
  await ses.stop().catch(() => undefined);
  await dynamo.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void cleanup().then(() => process.exit(130)));

try {
  await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);
  const serverFile = await buildBenchServer({ minify: args.readable ? false : undefined });
  const nodeArgs = args['node-args'].split(' ').filter(Boolean);
  if (args.callgrind) mkdirSync(args.callgrind, { recursive: true });
  // fork() with valgrind as the executable keeps the IPC channel: the descriptor is inherited.
  const child = fork(serverFile, {
    env: { ...process.env, USAGE_HEADER: '1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv: args.callgrind
      ? ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(args.callgrind, 'callgrind.out.%p')}`, process.execPath, ...nodeArgs]
      : nodeArgs,
    ...(args.callgrind ? { execPath: 'valgrind' } : {}),
  });
  server = child;
  const port = await new Promise<number>((ready) => child.on('message', (message: { type: string; port?: number }) => message.type === 'ready' && ready(message.port!)));
  const baseUrl = `http://127.0.0.1:${port}`;

  const cpu = () =>
    new Promise<NodeJS.CpuUsage>((answer) => {
      const listener = (message: { type: string; cpu: NodeJS.CpuUsage }) => {
        if (message.type !== 'usage') return;
        child.off('message', listener);
        answer(message.cpu);
      };
      child.on('message', listener);
      child.send({ type: 'usage' });
    });

  const call = async (method: string, path: string, options: { body?: unknown; token?: string } = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  // An organization with 60 users, so the list page has its 50.
  const slug = `hot-${Date.now().toString(36)}`;
  const created = await call('POST', '/v1/orgs', { body: { orgName: 'Hot', slug, login: 'owner', name: 'Owner', email: `owner@${slug}.example.com`, password: PASSWORD } });
  if (created.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(created.body)}`);
  const orgId = created.body.org.id as string;
  const { db } = await import('../../shared/data/client');
  const { newUser, putUser } = await import('../../shared/data/users');
  const { newId } = await import('../../shared/ids');
  const at = new Date().toISOString();
  const items = Array.from({ length: 60 }, (_, index) =>
    putUser(newUser({ id: newId(), orgId, login: `user-${index}`, name: `User number ${index}`, email: `user-${index}@${slug}.example.com`, type: 'human', role: 'developer', status: 'pending', emailVerified: false, at }))
      .write.Put!.Item as Record<string, unknown>,
  );
  for (let index = 0; index < items.length; index += 25) {
    await db().send(new BatchWriteCommand({ RequestItems: { [process.env.TABLE_NAME!]: items.slice(index, index + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  const accessToken = (await call('POST', '/v1/auth/login', { body: { org: slug, login: 'owner', password: PASSWORD } })).body.accessToken as string;
  const apiToken = (await call('POST', '/v1/me/api-tokens', { token: accessToken, body: { name: 'hot' } })).body.token as string;

  const operations: Array<[string, () => ReturnType<typeof call>]> = [
    ['GET /v1/me', () => call('GET', '/v1/me', { token: accessToken })],
    ['API-token request', () => call('GET', '/v1/me', { token: apiToken })],
    ['list users (50)', () => call('GET', '/v1/users?limit=50', { token: accessToken })],
  ];
  const check = await operations[2]![1]();
  if (check.status !== 200 || check.body.items.length !== 50) throw new Error(`list page: ${check.status} ${JSON.stringify(check.body).slice(0, 200)}`);

  const callgrind = (flag: string) => args.callgrind && execFileSync('callgrind_control', [flag, String(child.pid)], { stdio: 'ignore' });
  const results: Record<string, number[]> = {};
  const system: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, step] of operations) {
      for (let index = 0; index < Math.min(200, REQUESTS); index += 1) await step(); // warm the JIT
      callgrind('--instr=on');
      const before = await cpu();
      for (let index = 0; index < REQUESTS; index += 1) {
        const answer = await step();
        if (answer.status !== 200) throw new Error(`${name}: ${answer.status}`);
      }
      const after = await cpu();
      callgrind('--instr=off');
      if (args.callgrind) execFileSync('callgrind_control', ['--dump', `${name} round ${round}`, String(child.pid)], { stdio: 'ignore' });
      (results[name] ??= []).push((after.user + after.system - before.user - before.system) / 1000 / REQUESTS);
      (system[name] ??= []).push((after.system - before.system) / 1000 / REQUESTS);
    }
    log(`  round ${round + 1}/${ROUNDS} done`);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(3);
  for (const [name, values] of Object.entries(results)) {
    log(`${name.padEnd(20)} CPU ms/request: median ${median(values)}  (${values.map((value) => value.toFixed(3)).join(' ')})  of which system ${median(system[name]!)}`);
  }
  child.send({ type: 'stop' });
  await new Promise((done) => child.once('exit', done));
  server = undefined;
} finally {
  await cleanup();
}
