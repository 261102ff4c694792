import { inject } from 'vitest';
import { applyLocalEnvironment } from '../../infra/local/environment';
import { logger } from '../../shared/log';

const stack = inject('localStack');
applyLocalEnvironment(
  { port: 3000, sesPort: stack.sesPort, dynamoDbPort: stack.dynamoDbPort },
  { dataDir: stack.dataDir, tableName: stack.tableName },
);
// Every log line of the run is kept in memory instead of printed, so tests can inspect them.
export const logLines: string[] = [];
logger.sink = (line) => {
  logLines.push(line);
};
