import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, freePort, startDynamoDb } from '../../infra/local/stack';

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
