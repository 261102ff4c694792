/**
 * `npm run invoices:import -- <file.json>`: imports invoices (a JSON array of
 * { org, number, periodStart, periodEnd, amountDue, currency, status }) into the running local
 * stack, or with --aws into the table named by TABLE_NAME with your AWS credentials.
 * Validates the whole file first; idempotent on invoice number.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyLocalEnvironment } from '../local/environment';
import { describeFailure } from './failure';

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--'));
if (!file) {
  console.error('usage: npm run invoices:import -- <file.json> [--aws]');
  process.exit(2);
}
if (!args.includes('--aws')) {
  applyLocalEnvironment(
    { port: Number(process.env.PORT ?? 3000), sesPort: Number(process.env.SES_PORT ?? 8005), dynamoDbPort: Number(process.env.DYNAMODB_PORT ?? 8000) },
    { dataDir: resolve(process.env.DATA_DIR ?? '.data') },
  );
}
const { importInvoices } = await import('../../shared/services/billing');

let records: unknown;
try {
  records = JSON.parse(readFileSync(resolve(file), 'utf8'));
} catch (error) {
  console.error(`Cannot read ${file}: ${error instanceof Error ? error.message : error}`);
  process.exit(2);
}
try {
  const report = await importInvoices(records);
  for (const error of report.errors) console.error(`record ${error.index}${error.number ? ` (${error.number})` : ''}: ${error.message}`);
  console.log(`created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, errors ${report.errors.length}`);
  process.exit(report.errors.length ? 1 : 0);
} catch (error) {
  console.error(`Import failed: ${describeFailure(error)}`);
  process.exit(1);
}
