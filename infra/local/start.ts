/**
 * `npm start`: DynamoDB Local (data kept on disk in .data/dynamodb), the SES emulator, and on
 * 127.0.0.1:$PORT the console and the API on one origin, the API served by the same handlers
 * the Lambdas run. Ctrl-C stops it all.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildConsole } from '../console/build';
import { CONSOLE_DIR } from '../console/policy';
import { consoleServer } from './console-server';
import { ContextSettingError } from '../../shared/context-settings';
import { applyLocalEnvironment, ensureLocalClientSecretsFile } from './environment';
import { PortInUseError, assertPortFree, ensureTable, startDynamoDb, startSes } from './stack';

const numberFrom = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`${name} must be a port number (1–65535), not "${process.env[name]}".`);
    process.exit(2);
  }
  return value;
};

async function main() {
  const ports = { port: numberFrom('PORT', 3000), sesPort: numberFrom('SES_PORT', 8005), dynamoDbPort: numberFrom('DYNAMODB_PORT', 8000) };
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const dynamoDir = resolve(dataDir, 'dynamodb');
  mkdirSync(dynamoDir, { recursive: true });
  // Browsers refuse an IP address as a passkey's RP ID, so the console's own address is
  // localhost (api/passkeys.md); it is served on both loopback addresses localhost may mean.
  process.env.APP_URL ??= `http://localhost:${ports.port}`;
  try {
    applyLocalEnvironment(ports, { dataDir });
  } catch (error) {
    if (!(error instanceof ContextSettingError)) throw error;
    console.error(`Cannot start: ${error.message}`);
    process.exit(2);
  }

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    void stopAll().then(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));

  try {
    await assertPortFree(ports.port, 'PORT');
    const dynamo = await startDynamoDb({ port: ports.dynamoDbPort, dataDir: dynamoDir });
    stops.push(dynamo.stop);
    await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);
    const ses = await startSes({ port: ports.sesPort });
    stops.push(ses.stop);

    const clientSecrets = ensureLocalClientSecretsFile(dataDir);
    const { ensureLocalKeyFile } = await import('../../shared/auth/keys');
    await ensureLocalKeyFile(process.env.LOCAL_KEY_FILE!);

    // The stream consumer and the senders, the same code as the Lambdas (api/events.md "Local stack").
    const { startEventRunner } = await import('./event-runner');
    const events = await startEventRunner({ reader: 'local', startAt: 'trim_horizon', background: true });
    stops.push(events.stop);

    console.log('Building the console…');
    await buildConsole();
    const { createApiServer } = await import('./http-adapter');
    const { handlers } = await import('./handlers');
    const server = createApiServer(handlers, { console: consoleServer(CONSOLE_DIR) });
    await new Promise<void>((ready, fail) => {
      server.once('error', fail);
      server.listen(ports.port, '127.0.0.1', ready);
    });
    stops.push(() => new Promise((done) => server.close(() => done())));
    const ipv6 = createApiServer(handlers, { console: consoleServer(CONSOLE_DIR) });
    // A machine without IPv6 loopback still serves localhost on 127.0.0.1.
    if (await new Promise<boolean>((ready) => ipv6.once('error', () => ready(false)).listen(ports.port, '::1', () => ready(true)))) {
      stops.push(() => new Promise((done) => ipv6.close(() => done())));
    }
    const app = process.env.APP_URL!;

    console.log(
      [
        '',
        'Gatehouse is running.',
        `  Console         ${app}/   (sign up there, or log in; passkeys work on this address only)`,
        `  API             ${app}/v1   (try: curl http://127.0.0.1:${ports.port}/health)`,
        `  OpenAPI         ${app}/v1/openapi.json`,
        `  Email inbox     ${ses.endpoint}/   (JSON: ${ses.endpoint}/store)`,
        `  DynamoDB Local  ${dynamo.endpoint}   table "${process.env.TABLE_NAME}"`,
        `  Data folder     ${dataDir}`,
        `  Events (bus)    ${process.env.GATEHOUSE_EVENTS_FILE}   (webhooks and bulk emails are sent from this process)`,
        `  OIDC discovery  ${app}/.well-known/openid-configuration   (audience "${process.env.JWT_AUDIENCE}")`,
        ...Object.entries(clientSecrets).map(([id, secret]) => `  Client secret   ${id}: ${secret}   (${resolve(dataDir, 'client-secrets.json')})`),
        '',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    await stopAll();
    if (error instanceof PortInUseError || (error instanceof Error && /Java|DynamoDB Local/.test(error.message))) {
      console.error(`Cannot start: ${error.message}`);
    } else {
      console.error('Cannot start:', error);
    }
    process.exit(1);
  }
}

void main();
