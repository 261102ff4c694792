import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openapi';

/**
 * The OpenAPI document as real tools see it: Redocly's linter (recommended rules), and a client
 * generated with openapi-typescript whose calls type-check. Generated files go to a fresh folder
 * under node_modules/.cache (so `openapi-fetch` resolves) and are removed afterwards: nothing
 * generated is committed, so nothing can go stale when routes are added.
 */
const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cache = join(root, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const work = mkdtempSync(join(cache, 'gatehouse-openapi-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const document = openApiDocument('http://127.0.0.1:3000');

describe('the OpenAPI document', () => {
  it('passes Redocly lint with the recommended rules, without errors or warnings', async () => {
    const file = join(work, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const cli = join(root, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const args = [cli, 'lint', file, '--config', join(root, 'test', 'openapi', 'redocly.yaml'), '--format=json', '--max-problems=1000'];
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    // Lint exits 1 on errors; the JSON report is on stdout either way.
    const { stdout } = await run(process.execPath, args, { env, timeout: 60_000 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { problems: Array<{ ruleId: string; message: string; location: Array<{ pointer?: string }> }> };
    expect(report.problems.map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`)).toEqual([]);
  }, 60_000);

  it('declares the query parameters the API validates', () => {
    const listUsers = (document.paths['/v1/users'] as any).get.parameters.filter((parameter: { in: string }) => parameter.in === 'query');
    expect(listUsers.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'role', 'status', 'q']));
    expect(listUsers.find((parameter: { name: string }) => parameter.name === 'limit').schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    const remove = (document.paths['/v1/users/{id}'] as any).delete.parameters;
    expect(remove).toContainEqual(expect.objectContaining({ name: 'confirm', in: 'query', required: true }));
    const audit = (document.paths['/v1/audit-events'] as any).get.parameters.map((parameter: { name: string }) => parameter.name);
    expect(audit).toEqual(expect.arrayContaining(['limit', 'cursor', 'action', 'actor', 'target']));
  });

  it('generates an openapi-typescript client whose paging, filtering and confirm calls type-check', async () => {
    writeFileSync(join(work, 'schema.ts'), astToString(await openapiTS(document as never)));
    copyFileSync(join(root, 'test', 'openapi', 'client-calls.ts'), join(work, 'client-calls.ts'));
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2023', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2023', 'DOM'], strict: true, noEmit: true, skipLibCheck: true },
        files: ['client-calls.ts', 'schema.ts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', join(work, 'tsconfig.json')], { timeout: 60_000 }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  }, 60_000);
});
