import { AssetHashType, DockerImage, Duration, type ILocalBundling } from 'aws-cdk-lib';
import { Architecture, Code, Function, LoggingFormat, Runtime, type FunctionOptions } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Permission } from '../../shared/auth/permission-catalog';
import { BUNDLE, buildBundle } from './bundling';
import { limitsEnvironment } from '../limits';

const root = fileURLToPath(new URL('../..', import.meta.url));
const NATIVE_DEPS = join(root, 'infra', 'lambda-deps');

export interface HouseFunctionProps extends FunctionOptions {
  /** functions/<group>.ts */
  group: string;
  /** Functions that hash passwords ship the native argon2 module built for linux-arm64. */
  nativeArgon2?: boolean;
  logRetention?: RetentionDays;
  /**
   * The permission catalog, built into the bundle as `process.env.PERMISSIONS` rather than set
   * as an environment variable: Lambda allows 4 KB for all variables together, and a catalog of
   * 64 described permissions is larger than that.
   */
  permissions?: readonly Permission[];
}

/**
 * Bundles on the machine that synthesizes, with the same esbuild call `npm run bench`
 * measures (esbuild is a dependency of the project, so no container is ever needed).
 */
class LocalBundling implements ILocalBundling {
  constructor(
    private readonly group: string,
    private readonly nativeArgon2: boolean,
    private readonly permissions: readonly Permission[],
  ) {}

  tryBundle(outputDir: string): boolean {
    buildBundle(join(root, 'functions', `${this.group}.ts`), outputDir, {
      sourceMap: BUNDLE.sourceMap,
      define: { 'process.env.PERMISSIONS': JSON.stringify(JSON.stringify(this.permissions)) },
      // The common-password list is read from beside the bundle on first use.
      withDataFiles: this.nativeArgon2,
    });
    if (this.nativeArgon2) {
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(NATIVE_DEPS, file), join(outputDir, file));
      // npm picks the optional native package for the Lambda's platform, not the build machine's.
      execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
        cwd: outputDir,
        stdio: 'inherit',
        env: { ...process.env, npm_config_cpu: 'arm64', npm_config_os: 'linux', npm_config_libc: 'glibc' },
      });
    }
    return true;
  }
}

/**
 * The house Lambda: Node.js on arm64 (cheaper per GB-s), an ESM bundle minified by esbuild
 * with its lazily loaded modules in chunks beside it, JSON logs into a log group with a
 * retention. Source maps ship in the asset but are not enabled: `--enable-source-maps` reads
 * and parses the whole map at every cold start (about 20 ms here, for a 3 MB map); a stack
 * trace from the logs is mapped with the asset's `.map` file when it is needed.
 */
export class HouseFunction extends Function {
  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const { group, nativeArgon2, logRetention, environment, permissions, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention ?? RetentionDays.THREE_MONTHS });
    super(scope, id, {
      // The newest managed runtime (cdk-nag L1); the bundle targets node22 syntax, so it also runs where 22 is required.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(10),
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      ...rest,
      handler: 'index.handler',
      code: Code.fromAsset(root, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: new LocalBundling(group, nativeArgon2 ?? false, permissions ?? []),
          // Never used: local bundling always succeeds or throws.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
        },
      }),
      environment: {
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // Every function reads the same abuse limits; left out, a limit is AWS's strict default.
        ...limitsEnvironment(scope.node.tryGetContext('gatehouse:limits')),
        ...environment,
      },
    });
  }
}
