/**
 * `npm run users:export -- [--org SLUG] [--format json|csv] [--out FILE] [--aws]`
 *
 * Writes every user of an organization (no secret) as JSON or CSV, read page by page from
 * the table by the same service function as `GET /v1/users/export`. The file can be imported
 * into another organization with `npm run users:import`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeFailure } from './failure';
import { asOwner, parseArgs, useEnvironment } from './users-cli';

const USAGE = 'usage: npm run users:export -- [--org SLUG] [--format json|csv] [--out FILE] [--aws]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), ['aws'], ['org', 'format', 'out']);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const aws = args.values.aws === true;
  const slug = typeof args.values.org === 'string' ? args.values.org : aws ? undefined : 'demo';
  const format = args.values.format ?? 'json';
  if (!slug || (format !== 'json' && format !== 'csv')) {
    console.error(USAGE);
    return 2;
  }
  useEnvironment(aws);
  const { exportUsers } = await import('../../shared/services/user-export');
  const exported = await exportUsers(await asOwner(slug), format);
  const text = exported.format === 'csv' ? exported.csv : `${JSON.stringify({ items: exported.items }, null, 2)}\n`;
  const out = typeof args.values.out === 'string' ? resolve(args.values.out) : undefined;
  if (out) {
    writeFileSync(out, text);
    console.error(`${exported.count} users written to ${out}`);
  } else process.stdout.write(text);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Export failed: ${describeFailure(error)}`);
    process.exit(1);
  },
);
