import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { Permission } from '../../shared/auth/permission-catalog';
import { BUNDLE } from './bundling';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface HouseFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'bundling'> {
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
 * The house Lambda: Node.js on arm64 (cheaper per GB-s), ESM bundle minified by esbuild with
 * source maps, JSON logs into a log group with a retention, AWS SDK v3 taken from the runtime.
 */
export class HouseFunction extends NodejsFunction {
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
      entry: `${root}functions/${group}.ts`,
      projectRoot: root,
      depsLockFilePath: nativeArgon2 ? `${root}infra/lambda-deps/package-lock.json` : `${root}package-lock.json`,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: BUNDLE.minify,
        sourceMap: BUNDLE.sourceMap,
        target: BUNDLE.target,
        mainFields: [...BUNDLE.mainFields],
        externalModules: [...BUNDLE.external],
        banner: BUNDLE.banner,
        define: { 'process.env.PERMISSIONS': JSON.stringify(JSON.stringify(permissions ?? [])) },
        ...(nativeArgon2
          ? {
              nodeModules: [...BUNDLE.native],
              // The common-password list is read from beside the bundle on first use.
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [`cp "${inputDir}/${BUNDLE.dataFiles[0]}" "${outputDir}/"`],
              },
              // npm picks the optional native package for the Lambda's platform, not the build machine's.
              environment: { npm_config_cpu: 'arm64', npm_config_os: 'linux', npm_config_libc: 'glibc' },
            }
          : {}),
      },
    });
  }
}
