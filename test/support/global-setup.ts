import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureTable, freePort, startDynamoDb, startSes } from '../../infra/local/stack';
import { ensureLocalKeyFile } from '../../shared/auth/keys';
import { ensureLocalClientSecrets } from '../../shared/oauth/clients';
import { localClients } from '../../infra/local/environment';

declare module 'vitest' {
  export interface ProvidedContext {
    localStack: { dynamoDbPort: number; sesPort: number; dataDir: string; tableName: string };
  }
}

/**
 * One real DynamoDB Local (in memory) and one SES emulator for the whole run, on free ports
 * so a developer's own `npm start` can keep running. Stopped in teardown, and on signals,
 * so no Java process outlives the tests, even when they fail.
 */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  // Created once here, so the test files running side by side share one key ring.
  await ensureLocalKeyFile(join(dataDir, 'keys.json'));
  // The registered clients of cdk.json, with their local secrets, as `npm start` makes them.
  ensureLocalClientSecrets(join(dataDir, 'client-secrets.json'), localClients());
  const dynamoDbPort = await freePort();
  const sesPort = await freePort();
  const dynamo = await startDynamoDb({ port: dynamoDbPort });
  const stopDynamo = () => void dynamo.stop();
  process.once('SIGINT', stopDynamo);
  process.once('SIGTERM', stopDynamo);
  process.once('exit', stopDynamo);
  const ses = await startSes({ port: sesPort });
  const tableName = 'gatehouse-test';
  await ensureTable(dynamo.endpoint, tableName);
  project.provide('localStack', { dynamoDbPort, sesPort, dataDir, tableName });

  return async () => {
    await ses.stop();
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
