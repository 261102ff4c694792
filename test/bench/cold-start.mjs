// A fresh Node process loads one Lambda bundle and answers one request, as a cold Lambda
// would. Plain JavaScript, so no TypeScript loader adds to what is measured. Besides wall
// time it reports the process's own CPU time for the load and the answer, which a machine
// shared with other work slows far less than it slows the wall clock.
import { pathToFileURL } from 'node:url';

const [bundle, eventJson] = process.argv.slice(2);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const loaded = performance.now();
const result = await handler(JSON.parse(eventJson), { awsRequestId: 'cold', getRemainingTimeInMillis: () => 10_000 });
const answered = performance.now();
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  JSON.stringify({ status: result.statusCode, loadMs: loaded - started, answerMs: answered - loaded, cpuMs: (cpu.user + cpu.system) / 1000, sinceProcessStartMs: answered }),
);
