import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { verifiedOrg } from '../support/factories';
import { foreignHashes } from '../support/foreign-hashes';

const api = useApi();
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-users-cli-'));

/** Runs an npm script's command as a user would, against this run's DynamoDB Local. */
function run(script: 'users-import' | 'users-export', args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // process.env already names this run's table, endpoints and key file (test/support/setup.ts).
    const child = spawn(process.execPath, ['--import', 'tsx', `infra/scripts/${script}.ts`, ...args], { env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const csvLine = (cells: string[]) => cells.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',');

describe('npm run users:import and users:export', () => {
  it('imports 2,000 rows in one run with a progress bar, and the same file again reports all unchanged', async () => {
    const org = await verifiedOrg(api);
    const hash = foreignHashes({ 'bcrypt-2b': 'shared old passphrase' })['bcrypt-2b'];
    const header = 'login,name,email,role,status,emailVerified,origin,location,permissions,passwordHash,totpSecret';
    const lines = Array.from({ length: 2000 }, (_, index) =>
      csvLine([`bulk-${index}`, `Bulk, User ${index}`, `bulk-${index}@${org.slug}.example.com`, index % 10 === 0 ? 'admin' : 'developer', '', index % 2 ? 'true' : '', 'LDAP', '', '', index % 3 === 0 ? hash : '', '']),
    );
    const file = join(dir, 'bulk.csv');
    writeFileSync(file, `${header}\r\n${lines.join('\r\n')}\r\n`);

    const first = await run('users-import', [file, '--org', org.slug]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/importing \[[█░]+\] \d+% \| \d+\/2000 rows/);
    expect(first.stderr).toContain('100% | 2000/2000 rows');
    expect(first.stdout).toContain('created 2000, unchanged 0, invalid 0');
    const report = JSON.parse(readFileSync(`${file}.report.json`, 'utf8'));
    expect(report.counts).toEqual({ created: 2000, unchanged: 0, invalid: 0 });
    expect(report.items.map((item: { row: number }) => item.row)).toEqual(Array.from({ length: 2000 }, (_, index) => index + 1));
    expect(report.items[1999]).toMatchObject({ row: 2000, login: 'bulk-1999', status: 'created' });

    const again = await run('users-import', [file, '--org', org.slug, '--report', join(dir, 'again.json')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('created 0, unchanged 2000, invalid 0');
    expect(JSON.parse(readFileSync(join(dir, 'again.json'), 'utf8')).counts).toEqual({ created: 0, unchanged: 2000, invalid: 0 });

    const exported = await run('users-export', ['--org', org.slug, '--format', 'csv', '--out', join(dir, 'export.csv')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain('2001 users written');
    const text = readFileSync(join(dir, 'export.csv'), 'utf8');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(2002);
    expect(text).toContain('"Bulk, User 7"');
    expect(text).not.toContain('$2b$');
  }, 240_000);

  it('reports the broken rows of a file in a dry run first, then imports the good ones', async () => {
    const org = await verifiedOrg(api);
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify([
      { login: 'fine-1', name: 'Fine One', email: `fine-1@${org.slug}.example.com`, role: 'developer' },
      { login: 'x', name: 'Too Short', email: `x@${org.slug}.example.com`, role: 'developer' },
      { login: 'fine-2', name: 'Fine Two', email: 'not an email', role: 'admin' },
      { login: 'fine-3', name: 'Fine Three', email: `fine-3@${org.slug}.example.com`, role: 'admin', passwordHash: '$2b$31$' + 'a'.repeat(53) },
      { login: 'fine-4', name: 'Fine Four', email: `fine-4@${org.slug}.example.com`, role: 'developer', status: 'active', emailVerified: true },
    ]));

    const dry = await run('users-import', [file, '--org', org.slug, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain('checking [');
    expect(dry.stderr).toContain('row 2 (x): login 3–128 characters');
    expect(dry.stderr).toContain('row 3 (fine-2): email must be one email address');
    expect(dry.stderr).toContain('row 4 (fine-3): passwordHash is refused: its bcrypt cost 31 is outside 4–14');
    expect(dry.stdout).toContain('dry run: would create 2, unchanged 0, invalid 3');
    const dryReport = JSON.parse(readFileSync(`${file}.report.json`, 'utf8'));
    expect(dryReport).toMatchObject({ dryRun: true, counts: { created: 2, unchanged: 0, invalid: 3 } });
    expect((await api.request('GET', '/v1/users?q=fine', { token: org.rootToken })).body.items).toEqual([]);

    const real = await run('users-import', [file, '--org', org.slug]);
    expect(real.code).toBe(1);
    expect(real.stdout).toContain('created 2, unchanged 0, invalid 3');
    const users = (await api.request('GET', '/v1/users?q=fine', { token: org.rootToken })).body.items;
    expect(users.map((user: { login: string; status: string }) => `${user.login}:${user.status}`)).toEqual(['fine-1:pending', 'fine-4:active']);

    const usage = await run('users-import', []);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run users:import -- FILE');
    const missing = await run('users-import', [join(dir, 'nope.csv'), '--org', org.slug]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read');
  }, 120_000);
});
