import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_CONFIG } from '../../infra/console/policy';
import { consoleServer } from '../../infra/local/console-server';
import { handlers } from '../../infra/local/handlers';
import { createApiServer } from '../../infra/local/http-adapter';

export interface ServedConsole {
  url: string;
  stop(): Promise<void>;
}

/**
 * Builds the console into a folder of the calling test file's own, so browser test files never
 * race each other over console/dist, and serves it with the real API on a free port.
 */
export async function serveOwnConsole(): Promise<ServedConsole> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-console-'));
  const { build } = await import('vite');
  await build({ configFile: CONSOLE_CONFIG, logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
  const server = createApiServer(handlers, { console: consoleServer(dir) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
