import { copyFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { buildSync, type Metafile } from 'esbuild';

/**
 * How every Lambda bundle is built, shared by the CDK construct and the benchmark so the
 * bundle measured is the bundle deployed.
 */

/**
 * The credential providers the SDK's default chain imports lazily, only when the environment
 * holds no credentials. On Lambda it always does (the role's keys), so these never load; if one
 * ever did, the runtime's own SDK has it. Leaving them out keeps the bundle to what runs.
 */
const LAZY_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
] as const;

/** The other way to ship the SDK, measured beside the shipped one by `npm run bench`. */
export const SDK_FROM_RUNTIME = ['@aws-sdk/*'] as const;

export const BUNDLE = {
  format: 'esm',
  minify: true,
  sourceMap: true,
  target: 'node22',
  mainFields: ['module', 'main'],
  /**
   * The AWS SDK v3 is bundled (tree-shaken, minified) rather than taken from the Lambda
   * runtime: `npm run bench` loads each function both ways in fresh processes, and the
   * runtime's SDK, read from hundreds of CommonJS files, took two to three times as long to
   * load as the same code in the one bundled file. The bundles grow by the SDK's size.
   */
  external: [...LAZY_CREDENTIAL_PROVIDERS] as string[],
  /**
   * Installed next to the bundle (infra/lambda-deps), never bundled: argon2's native module for
   * linux-arm64, and bcryptjs, which is loaded only when an imported bcrypt hash is checked.
   */
  native: ['@node-rs/argon2', 'bcryptjs'],
  /** Data files that ship beside the bundles of functions that check passwords. */
  dataFiles: ['shared/auth/common-passwords.txt.br'],
  /**
   * `require` for the CommonJS packages bundled into ESM; the import is renamed so that it can
   * never clash with a module's own `createRequire` (esbuild does not rename around a banner).
   */
  banner: "import { createRequire as __bannerCreateRequire } from 'module';const require = __bannerCreateRequire(import.meta.url);",
} as const;

export interface BundleOptions {
  /** The AWS SDK's packages to leave out (the benchmark's runtime-SDK variant); default BUNDLE.external. */
  external?: readonly string[];
  minify?: boolean;
  sourceMap?: boolean;
  /** Constants compiled in (`process.env.PERMISSIONS`). */
  define?: Record<string, string>;
  /** Also copy BUNDLE.dataFiles beside the bundle (for functions that check passwords). */
  withDataFiles?: boolean;
  /** The checkout the data files come from (the benchmark's baseline build); default this one. */
  root?: string;
}

const projectRoot = resolve(import.meta.dirname, '../..');

/**
 * Builds one Lambda bundle into `outdir`: `index.mjs`, plus one chunk per module the code
 * imports only when it needs it (the SES and Secrets Manager clients, the QR-code encoder).
 * Left in the one file, such code is still parsed at every cold start: the SES client alone
 * cost a function 14 ms of load without ever being called. Used by the CDK construct and by
 * `npm run bench`, so the bundle measured is the bundle deployed. Answers esbuild's metafile
 * (which input went into which output, and how the outputs import each other).
 */
export function buildBundle(entry: string, outdir: string, options: BundleOptions = {}): Metafile {
  rmSync(outdir, { recursive: true, force: true });
  const { metafile } = buildSync({
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: BUNDLE.format,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    minify: options.minify ?? BUNDLE.minify,
    sourcemap: options.sourceMap ?? false,
    target: BUNDLE.target,
    mainFields: [...BUNDLE.mainFields],
    external: [...(options.external ?? BUNDLE.external), ...BUNDLE.native],
    banner: { js: BUNDLE.banner },
    define: options.define,
    logLevel: 'error',
    metafile: true,
  });
  if (options.withDataFiles) {
    for (const file of BUNDLE.dataFiles) copyFileSync(join(options.root ?? projectRoot, file), join(outdir, basename(file)));
  }
  return metafile;
}
