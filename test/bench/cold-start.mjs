// A fresh Node process loads one Lambda bundle and answers one request, as a cold Lambda
// would. Plain JavaScript, so no TypeScript loader adds to what is measured.
import { pathToFileURL } from 'node:url';

const [bundle, eventJson] = process.argv.slice(2);
const started = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const loaded = performance.now();
const result = await handler(JSON.parse(eventJson), { awsRequestId: 'cold', getRemainingTimeInMillis: () => 10_000 });
const answered = performance.now();
process.stdout.write(JSON.stringify({ status: result.statusCode, loadMs: loaded - started, answerMs: answered - loaded, sinceProcessStartMs: answered }));
