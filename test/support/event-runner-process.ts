export {};
/**
 * The local event runner in a process of its own, so a test can kill it (SIGKILL) mid-burst
 * and start it again. Reads the environment the test passes (the local stack's variables and
 * EVENT_READER); prints "ready" once its first stream poll is done.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startEventRunner } = await import('../../infra/local/event-runner');
const runner = await startEventRunner({ reader: process.env.EVENT_READER ?? 'killable', startAt: 'latest', background: false });
await runner.pollStream();
process.stdout.write('ready\n');
for (;;) {
  let busy = 0;
  try {
    busy = (await runner.pollStream()) + (await runner.pumpQueues());
  } catch (error) {
    process.stderr.write(`event runner round failed: ${String(error)}\n`);
  }
  if (!busy) await new Promise((resolve) => setTimeout(resolve, 100));
}
