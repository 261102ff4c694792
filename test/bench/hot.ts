/**
 * `npx tsx test/bench/hot.ts`: the API process's CPU per request for the hot authenticated
 * reads only (GET /v1/me with an access token and with an API token, a list page of 50), in a
 * minute instead of the full benchmark's several. For comparing one change to the code before
 * it, several rounds in the same window; the full `npm run bench` stays the figure of record.
 *
 * Options: --requests N (1000 per operation and turn)  --rounds N (3 turns per server)
 *          --warm-up N (300 requests per operation and server before the first turn)
 *          --baseline REF  also run the API as of that commit, side by side on the same tables,
 *          the two taking turns each round (on a noisy machine, the comparison that holds)
 *          --node-args "…"  flags for the API's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
 *          --callgrind dir  run the API under valgrind's callgrind, collecting only while an
 *          operation is measured (one dump per operation and round, instruction counts stable
 *          to well under 1%: for changes too small for the noisy CPU clock)
 *          --readable  an unminified bundle, so a profile names functions
 *          --ops me,token,list  only these operations (a profile of one of them)
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { applyLocalEnvironment } from '../../infra/local/environment';
import { ensureTable, freePort, startDynamoDb, startSes } from '../../infra/local/stack';
import { buildBenchServer, buildBenchServerAt } from './server-build';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    'warm-up': { type: 'string', default: '300' },
    'node-args': { type: 'string', default: '' },
    callgrind: { type: 'string' },
    readable: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    ops: { type: 'string' },
  },
});
const REQUESTS = Number(args.requests);
const ROUNDS = Number(args.rounds);
const WARM_UP = Number(args['warm-up']);
const PASSWORD = 'benchmark member passphrase';
const log = (message: string) => process.stderr.write(`${message}\n`);

const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-hot-'));
const ports = { port: 0, sesPort: await freePort(), dynamoDbPort: await freePort() };
process.env.LOG_LEVEL = 'warn';
applyLocalEnvironment(ports, { dataDir, tableName: 'gatehouse-hot' });
const dynamo = await startDynamoDb({ port: ports.dynamoDbPort });
const ses = await startSes({ port: ports.sesPort });
const servers: ChildProcess[] = [];
const cleanup = async () => {
  for (const server of servers) if (server.exitCode === null) server.kill();
  await ses.stop().catch(() => undefined);
  await dynamo.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void cleanup().then(() => process.exit(130)));

try {
  await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);
  const minify = args.readable ? false : undefined;
  const bundles: Array<[string, string]> = [['current', await buildBenchServer({ minify })]];
  if (args.baseline) bundles.unshift([args.baseline, await buildBenchServerAt(args.baseline, { minify })]);
  const nodeArgs = args['node-args'].split(' ').filter(Boolean);
  if (args.callgrind) mkdirSync(args.callgrind, { recursive: true });

  const start = async (file: string) => {
    // fork() with valgrind as the executable keeps the IPC channel: the descriptor is inherited.
    const child = fork(file, {
      env: { ...process.env, USAGE_HEADER: '1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: args.callgrind
        ? [
            '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(args.callgrind, 'callgrind.out.%p')}`,
            // Per thread: the main thread's count is the request work; V8's compiler and GC helper
            // threads (which valgrind runs one at a time, and which compile far into the run) are apart.
            '--separate-threads=yes',
            process.execPath, ...nodeArgs,
          ]
        : nodeArgs,
      ...(args.callgrind ? { execPath: 'valgrind' } : {}),
    });
    servers.push(child);
    const port = await new Promise<number>((ready) => child.on('message', (message: { type: string; port?: number }) => message.type === 'ready' && ready(message.port!)));
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
    return { child, baseUrl: `http://127.0.0.1:${port}`, cpu };
  };
  const apis = await Promise.all(bundles.map(async ([label, file]) => ({ label, ...(await start(file)) })));
  let baseUrl = apis[0]!.baseUrl;

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

  const list = () => call('GET', '/v1/users?limit=50', { token: accessToken });
  const check = await list();
  if (check.status !== 200 || check.body.items.length !== 50) throw new Error(`list page: ${check.status} ${JSON.stringify(check.body).slice(0, 200)}`);
  const chosen = args.ops?.split(',');
  const operations = ([
    ['me', 'GET /v1/me', () => call('GET', '/v1/me', { token: accessToken })],
    ['token', 'API-token request', () => call('GET', '/v1/me', { token: apiToken })],
    ['list', 'list users (50)', list],
  ] as const)
    .filter(([key]) => !chosen || chosen.includes(key))
    .map(([, name, step]): [string, () => ReturnType<typeof call>] => [name, step]);

  // Operation by operation: all servers warmed, then turns of one batch each, so that a change in
  // the machine's load falls on both sides alike.
  const results: Record<string, { cpu: number[]; system: number[] }> = {};
  for (const [name, step] of operations) {
    for (const api of apis) {
      baseUrl = api.baseUrl;
      for (let index = 0; index < WARM_UP; index += 1) await step();
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const api of apis) {
        baseUrl = api.baseUrl;
        const callgrind = (...flags: string[]) => args.callgrind && execFileSync('callgrind_control', [...flags, String(api.child.pid)], { stdio: 'ignore' });
        callgrind('--instr=on');
        const before = await api.cpu();
        for (let index = 0; index < REQUESTS; index += 1) {
          const answer = await step();
          if (answer.status !== 200) throw new Error(`${name}: ${answer.status}`);
        }
        const after = await api.cpu();
        callgrind('--instr=off');
        callgrind('--dump', `${api.label} ${name} round ${round}`);
        const result = (results[`${name} [${api.label}]`] ??= { cpu: [], system: [] });
        result.cpu.push((after.user + after.system - before.user - before.system) / 1000 / REQUESTS);
        result.system.push((after.system - before.system) / 1000 / REQUESTS);
      }
    }
    log(`  ${name} done`);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  for (const [name] of operations) {
    for (const api of apis) {
      const key = `${name} [${api.label}]`;
      const { cpu, system } = results[key]!;
      log(`${key.padEnd(36)} CPU ms/request: mean ${mean(cpu).toFixed(3)}  median ${median(cpu).toFixed(3)}  min ${Math.min(...cpu).toFixed(3)}  system ${mean(system).toFixed(3)}`);
    }
    if (apis.length === 2) {
      const [base, current] = apis.map((api) => results[`${name} [${api.label}]`]!.cpu) as [number[], number[]];
      const ratios = current.map((value, index) => value / base[index]!);
      log(`${''.padEnd(36)} current / baseline: of the means ${(mean(current) / mean(base)).toFixed(3)}, per turn median ${median(ratios).toFixed(3)}`);
    }
  }
  for (const api of apis) {
    api.child.send({ type: 'stop' });
    await new Promise((done) => api.child.once('exit', done));
  }
} finally {
  await cleanup();
}
