/**
 * `npm run users:import -- FILE [--org SLUG] [--dry-run] [--send-invitations] [--report OUT] [--aws]`
 *
 * Imports users from a JSON or CSV file (columns: login, name, email, role, status,
 * emailVerified, origin, location, permissions, passwordHash, totpSecret; see README
 * "Migrating users") into an organization, as its owner, through the same service function
 * as `POST /v1/users/import`, in calls of at most 500 rows. Shows a progress bar and writes a
 * row-by-row report (default FILE.report.json). Exit code 1 when any row is invalid.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { describeFailure } from './failure';
import { asOwner, parseArgs, useEnvironment } from './users-cli';

const USAGE = 'usage: npm run users:import -- FILE [--org SLUG] [--dry-run] [--send-invitations] [--report OUT] [--aws]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), ['dry-run', 'send-invitations', 'aws'], ['org', 'report']);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [file] = args.positional;
  const aws = args.values.aws === true;
  const slug = typeof args.values.org === 'string' ? args.values.org : aws ? undefined : 'demo';
  if (!file || !slug) {
    console.error(aws && file ? `--org is required with --aws\n${USAGE}` : USAGE);
    return 2;
  }
  const dryRun = args.values['dry-run'] === true;
  const reportFile = resolve(typeof args.values.report === 'string' ? args.values.report : `${file}.report.json`);

  const { parseUsersFile, runImport, UsersFileError } = await import('../../shared/users-file');
  let rows;
  try {
    rows = parseUsersFile(readFileSync(resolve(file), 'utf8'), file);
  } catch (error) {
    console.error(error instanceof UsersFileError ? error.message : `Cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  if (rows.length === 0) {
    console.error(`${file} holds no users.`);
    return 2;
  }

  useEnvironment(aws);
  const { importUsers } = await import('../../shared/services/user-import');
  const ctx = await asOwner(slug);
  const bar = new SingleBar(
    { format: `${dryRun ? 'checking' : 'importing'} [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted} left`, noTTYOutput: true, notTTYSchedule: 200, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(rows.length, 0);
  const report = await runImport(
    file,
    rows,
    { dryRun },
    async (chunk) => (await importUsers(ctx, { users: chunk, dryRun, sendInvitations: args.values['send-invitations'] === true })).items,
    (done) => bar.update(done),
  ).finally(() => bar.stop());
  writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);

  for (const item of report.items.filter((entry) => entry.status === 'invalid').slice(0, 20)) {
    console.error(`row ${item.row}${item.login ? ` (${item.login})` : ''}: ${(item.errors ?? []).map((error) => `${error.path} ${error.message}`).join('; ')}`);
  }
  const { created, unchanged, invalid } = report.counts;
  console.log(`${dryRun ? 'dry run: would create' : 'created'} ${created}, unchanged ${unchanged}, invalid ${invalid}; report written to ${reportFile}`);
  return invalid ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`Import failed: ${describeFailure(error)}`);
    process.exit(1);
  },
);
