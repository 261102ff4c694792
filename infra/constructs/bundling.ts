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
  /** Installed next to the bundle for linux-arm64 (infra/lambda-deps), never bundled. */
  native: ['@node-rs/argon2'],
  /** Data files that ship beside the bundles of functions that check passwords. */
  dataFiles: ['shared/auth/common-passwords.txt.br'],
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
} as const;
