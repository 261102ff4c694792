import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildBundle } from '../../infra/constructs/bundling';

const root = resolve(import.meta.dirname, '../..');

/**
 * The API is measured as it is deployed: bundled by esbuild with the Lambda settings and run
 * by plain Node, so no TypeScript loader sits in the measured CPU time. Returns the bundle.
 * `minify: false` keeps the names readable in a CPU profile.
 */
export async function buildBenchServer(options: { minify?: boolean; source?: string; name?: string } = {}): Promise<string> {
  const source = options.source ?? root;
  const serverDir = join(root, '.data', options.name ?? 'bench-server');
  buildBundle(join(source, 'test/bench/server.ts'), serverDir, { minify: options.minify, withDataFiles: true, root: source });
  return join(serverDir, 'index.mjs');
}

/**
 * The bench server as of another commit, for measuring a change against it side by side: the
 * commit's files (git archive: the work tree and its index are not touched) with this
 * checkout's node_modules.
 */
export async function buildBenchServerAt(ref: string, options: { minify?: boolean } = {}): Promise<string> {
  const source = join(root, '.data', 'bench-source');
  rmSync(source, { recursive: true, force: true });
  mkdirSync(source, { recursive: true });
  execSync(`git archive ${JSON.stringify(ref)} | tar -x -C ${JSON.stringify(source)}`, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(join(source, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(source, 'node_modules'));
  return buildBenchServer({ ...options, source, name: 'bench-server-baseline' });
}
