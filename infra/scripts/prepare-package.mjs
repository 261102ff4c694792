/**
 * npm's `prepare` hook. An install from a git URL runs only `prepare` (not `prepack`), and
 * dist/ is git-ignored, so this is what builds the package there. But npm also runs `prepare`
 * on this repository's own `npm install` / `npm ci`, where the build (15–25 s) would be wasted:
 * that case is skipped. npm sets `npm_config_local_prefix` to the project it is installing
 * for; it is this directory only when the install is this repository's own (in a git install,
 * npm first runs `npm install` inside the clone, which is skipped too, and then `prepare` on
 * behalf of the consumer, whose directory it names). `npm pack` builds through `prepack`.
 * Plain JavaScript so the check needs no devDependency (`npm ci --omit=dev` has no tsx).
 */
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = realpathSync(join(import.meta.dirname, '..', '..'));
const real = (path) => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};
const installingFor = process.env.npm_config_local_prefix;
if (installingFor && real(installingFor) === root) {
  console.log('prepare: this repository\'s own install, the package is built by `npm pack` (prepack)');
  process.exit(0);
}
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const built = spawnSync(process.execPath, [tsx, join(root, 'infra', 'scripts', 'build-package.ts')], { cwd: root, stdio: 'inherit' });
if (built.error) console.error(`prepare: ${built.error.message}`);
process.exit(built.status ?? 1);
