import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AttributeValue, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDbLocal, ensureTable, freePort, startDynamoDb } from '../../infra/local/stack';
import { localTableOf } from '../../shared/data/table';

/** The environment the emulator's Java process really got, read back from the kernel. */
function environmentOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

const started: DynamoDbLocal[] = [];
const saved = { JDK_JAVA_OPTIONS: process.env.JDK_JAVA_OPTIONS, DDB_LOCAL_TELEMETRY: process.env.DDB_LOCAL_TELEMETRY };
afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.stop()));
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function start() {
  const emulator = await startDynamoDb({ port: await freePort() });
  started.push(emulator);
  return environmentOf(emulator.pid!);
}

describe('DynamoDB Local as the local stack starts it', () => {
  it('runs on the quick compiler and the serial collector, sends no telemetry, and leaves our own environment as it was', async () => {
    process.env.JDK_JAVA_OPTIONS = '-Dgatehouse.developer=1';
    delete process.env.DDB_LOCAL_TELEMETRY;
    const environment = await start();
    expect(environment.JDK_JAVA_OPTIONS).toBe('-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dgatehouse.developer=1');
    expect(environment.DDB_LOCAL_TELEMETRY).toBe('0');
    expect(process.env.JDK_JAVA_OPTIONS).toBe('-Dgatehouse.developer=1');
    expect(process.env.DDB_LOCAL_TELEMETRY).toBeUndefined();
  });

  it("keeps a developer's own telemetry choice", async () => {
    delete process.env.JDK_JAVA_OPTIONS;
    process.env.DDB_LOCAL_TELEMETRY = '1';
    const environment = await start();
    expect(environment.DDB_LOCAL_TELEMETRY).toBe('1');
    expect(environment.JDK_JAVA_OPTIONS).toBe('-XX:TieredStopAtLevel=1 -XX:+UseSerialGC');
    expect(process.env.JDK_JAVA_OPTIONS).toBeUndefined();
  });
});

describe('the local table (stream positions and queued messages)', () => {
  it('is made without a stream, and a kept data folder has its positions and queued messages moved into it, the rest left', async () => {
    const emulator = await startDynamoDb({ port: await freePort() });
    started.push(emulator);
    const client = new DynamoDBClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      await ensureTable(emulator.endpoint, 'kept');
      const { Table: local } = await client.send(new DescribeTableCommand({ TableName: localTableOf('kept') }));
      expect(local?.StreamSpecification?.StreamEnabled ?? false).toBe(false);

      // A data folder from before: no local table, its bookkeeping in the main table.
      await client.send(new DeleteTableCommand({ TableName: localTableOf('kept') }));
      const old: Array<Record<string, AttributeValue>> = [
        { pk: { S: 'STREAMPOS#local' }, sk: { S: 'shardId-1' }, entity: { S: 'streamPosition' }, sequenceNumber: { S: '000042' } },
        { pk: { S: 'LOCALQUEUE#emails' }, sk: { S: '2026-12-06T00:00:00.000Z#m1' }, entity: { S: 'localMessage' }, body: { S: '{"kind":"invitation"}' } },
        { pk: { S: 'ORG#o1' }, sk: { S: 'ORG' }, entity: { S: 'org' } },
      ];
      for (const Item of old) await client.send(new PutItemCommand({ TableName: 'kept', Item }));
      await ensureTable(emulator.endpoint, 'kept');

      const read = async (table: string, item: Record<string, AttributeValue>) =>
        (await client.send(new GetItemCommand({ TableName: table, Key: { pk: item.pk!, sk: item.sk! }, ConsistentRead: true }))).Item;
      expect(await read(localTableOf('kept'), old[0]!)).toEqual(old[0]);
      expect(await read(localTableOf('kept'), old[1]!)).toEqual(old[1]);
      expect(await read('kept', old[0]!)).toBeUndefined();
      expect(await read('kept', old[1]!)).toBeUndefined();
      expect(await read('kept', old[2]!)).toEqual(old[2]);
      expect(await read(localTableOf('kept'), old[2]!)).toBeUndefined();
    } finally {
      client.destroy();
    }
  });
});
