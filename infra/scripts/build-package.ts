/**
 * Builds what `npm pack` (through `prepack`) and an install from a git URL (through `prepare`,
 * see prepare-package.mjs) ship for other projects: the OpenAPI document, the client's types generated from it with openapi-typescript,
 * and the `gatehouse/cdk` and `gatehouse/client` entry points compiled to JavaScript with their
 * declarations, under dist/package (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../../shared/http/openapi';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'dist', 'package');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const document = openApiDocument();
writeFileSync(join(out, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
// Generated next to the client's source so tsc compiles both; git-ignored.
writeFileSync(join(root, 'package', 'schema.ts'), `/* Generated from the OpenAPI document by infra/scripts/build-package.ts: do not edit. */\n${astToString(await openapiTS(document as never))}`);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.package.json')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  console.error('build-package: tsc failed');
  process.exit(1);
}
console.log(`build-package: ${out}`);
