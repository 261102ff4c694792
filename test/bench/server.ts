/**
 * The API under measurement, in its own Node process so its CPU time is its own: the
 * benchmark asks for process.cpuUsage() over IPC before and after each batch.
 */
import type { AddressInfo } from 'node:net';
import { createApiServer } from '../../infra/local/http-adapter';
import { handlers } from '../../infra/local/handlers';

const server = createApiServer(handlers);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'usage') process.send?.({ type: 'usage', cpu: process.cpuUsage(), memory: process.memoryUsage() });
  if (message.type === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
