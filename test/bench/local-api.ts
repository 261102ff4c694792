import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyLocalEnvironment } from '../../infra/local/environment';
import { ensureTable, freePort, startDynamoDb, startSes } from '../../infra/local/stack';

export interface BenchApi {
  server: Server;
  /** The port the API listens on (127.0.0.1). */
  port: number;
  stop(): Promise<void>;
}

/**
 * A bench script's own local stack: DynamoDB Local and the SES emulator on free ports, a fresh
 * table, and the real handlers in this process answering with their usage header. The handlers
 * are imported only after the environment is set, as a Lambda reads it at cold start.
 */
export async function startBenchApi(name: string): Promise<BenchApi> {
  const dataDir = mkdtempSync(join(tmpdir(), `gatehouse-bench-${name}-`));
  const ports = { port: await freePort(), sesPort: await freePort(), dynamoDbPort: await freePort() };
  process.env.LOG_LEVEL = 'warn';
  process.env.USAGE_HEADER = '1';
  applyLocalEnvironment(ports, { dataDir, tableName: `gatehouse-bench-${name}` });
  const dynamo = await startDynamoDb({ port: ports.dynamoDbPort });
  const ses = await startSes({ port: ports.sesPort });
  await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);
  const { createApiServer } = await import('../../infra/local/http-adapter');
  const { handlers } = await import('../../infra/local/handlers');
  const server = createApiServer(handlers);
  await new Promise<void>((resolve) => server.listen(ports.port, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ses.stop();
      await dynamo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
