import { AssetHashType, Aws, type CfnResource, DockerImage, Duration, type ILocalBundling, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function, LoggingFormat, Runtime, Tracing, type FunctionOptions } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { onlyServiceGrants } from './kms';
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
  /**
   * Why failed asynchronous invocations need no Lambda dead-letter queue here (cdk-nag
   * Serverless-LambdaDLQ); the default is for functions only ever invoked synchronously.
   */
  dlqReason?: string;
}

/** What every log group of a stack shares: its retention and the KMS key that encrypts it. */
export interface LogDefaults {
  retention: RetentionDays;
  key: IKey;
}

const logDefaults = new WeakMap<Stack, LogDefaults>();

/**
 * The stack's log key (made on first use, kept when the stack goes: the logs outlive it) and
 * retention. CloudWatch Logs encrypts with the key only if the key policy lets the logs service
 * of this account and region use it, for log groups of this account.
 */
export function logDefaultsOf(scope: Construct, retention?: RetentionDays): LogDefaults {
  const stack = Stack.of(scope);
  let defaults = logDefaults.get(stack);
  if (!defaults) {
    const key = new Key(stack, 'LogsKey', { enableKeyRotation: true, description: 'Encrypts Gatehouse log groups', removalPolicy: RemovalPolicy.RETAIN });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
      }),
    );
    onlyServiceGrants(key);
    defaults = { key, retention: retention ?? RetentionDays.ONE_YEAR };
    logDefaults.set(stack, defaults);
  }
  return defaults;
}

/** A log group with the stack's retention and key, kept when the stack goes. */
export function houseLogGroup(scope: Construct, id: string, retention?: RetentionDays): LogGroup {
  const defaults = logDefaultsOf(scope);
  return new LogGroup(scope, id, { retention: retention ?? defaults.retention, encryptionKey: defaults.key, removalPolicy: RemovalPolicy.RETAIN });
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
    const { group, nativeArgon2, logRetention, environment, permissions, dlqReason, ...rest } = props;
    const logGroup = houseLogGroup(scope, `${id}Logs`, logRetention);
    // Its own role, writing only its own log group (AWSLambdaBasicExecutionRole would allow every log group).
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Gatehouse ${group} function` });
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`] }));
    super(scope, id, {
      // The newest managed runtime (cdk-nag L1); the bundle targets node22 syntax, so it also runs where 22 is required.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(10),
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      role,
      // X-Ray: where a slow request spent its time (DynamoDB, SES, Secrets Manager calls).
      tracing: Tracing.ACTIVE,
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
    const logGroupId = Stack.of(this).getLogicalId(logGroup.node.defaultChild as CfnResource);
    Validations.of(role).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:log-stream:*]`, reason: 'The function writes log streams of its own log group only; stream names are made by Lambda.' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray’s PutTraceSegments and PutTelemetryRecords (active tracing) take no resource; nothing else in this role is on *.' },
    );
    Validations.of(this).acknowledge(
      {
        id: 'Serverless::Serverless-LambdaDLQ',
        reason: dlqReason ?? 'Only ever invoked synchronously (API Gateway, CloudFormation or an IAM caller), which receives the error; a dead-letter queue for asynchronous invocations would never receive anything.',
      },
      {
        id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        reason: 'Gatehouse functions call only AWS service endpoints (DynamoDB, SES, Secrets Manager, SSM) over TLS with IAM; a VPC would add NAT or endpoint cost and cold-start time without narrowing what they can reach.',
      },
    );
  }
}
