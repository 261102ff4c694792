import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE } from '../../infra/constructs/bundling';

const root = resolve(import.meta.dirname, '../..');

/**
 * The API is measured as it is deployed: bundled by esbuild with the Lambda settings and run
 * by plain Node, so no TypeScript loader sits in the measured CPU time. Returns the bundle.
 * `minify: false` keeps the names readable in a CPU profile.
 */
export async function buildBenchServer(options: { minify?: boolean } = {}): Promise<string> {
  const serverDir = join(root, '.data', 'bench-server');
  mkdirSync(serverDir, { recursive: true });
  await build({
    entryPoints: [join(import.meta.dirname, 'server.ts')], outfile: join(serverDir, 'server.mjs'), bundle: true, platform: 'node',
    format: BUNDLE.format, minify: options.minify ?? BUNDLE.minify, target: BUNDLE.target, mainFields: [...BUNDLE.mainFields],
    external: [...BUNDLE.external, ...BUNDLE.native], banner: { js: BUNDLE.banner }, logLevel: 'error',
  });
  for (const file of BUNDLE.dataFiles) copyFileSync(join(root, file), join(serverDir, basename(file)));
  return join(serverDir, 'server.mjs');
}
