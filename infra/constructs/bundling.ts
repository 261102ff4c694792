/**
 * How every Lambda bundle is built, shared by the CDK construct and the benchmark so the
 * bundle measured is the bundle deployed.
 */
export const BUNDLE = {
  format: 'esm',
  minify: true,
  sourceMap: true,
  target: 'node22',
  mainFields: ['module', 'main'],
  /** The AWS SDK v3 comes with the Lambda runtime. */
  external: ['@aws-sdk/*'],
  /**
   * Installed next to the bundle (infra/lambda-deps), never bundled: argon2's native module for
   * linux-arm64, and bcryptjs, which is loaded only when an imported bcrypt hash is checked.
   */
  native: ['@node-rs/argon2', 'bcryptjs'],
  /** Data files that ship beside the bundles of functions that check passwords. */
  dataFiles: ['shared/auth/common-passwords.txt.br'],
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
} as const;
