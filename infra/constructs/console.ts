import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { DockerImage, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as EdgeFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { EDGE_SECRET_HEADER, ORIGIN_SECRET_HEADER, VIEWER_IP_HEADER } from '../../shared/http/edge';
import { API_PATH_PATTERNS, CONSOLE_CONFIG, CONSOLE_HEADERS } from '../console/policy';
import { houseLogGroup } from './house-function';

export interface ConsoleProps {
  api: HttpApi;
  /** Proves to the API that a request came through this distribution (see EDGE_SECRET). */
  edgeSecret: string;
  /** A custom domain: its names and an ACM certificate in us-east-1. */
  domain?: { names: string[]; certificate: ICertificate };
  /** The WAFv2 web ACL (CLOUDFRONT scope, us-east-1) in front of everything. */
  webAclId?: string;
  /** The value of the origin header sent to API Gateway (a dynamic reference to the origin secret). */
  originSecret?: string;
}

/**
 * The console and the API on one origin: CloudFront serves the console's files from a private
 * bucket (Origin Access Control) and sends the API's paths to API Gateway uncached, with
 * cookies, query strings and headers. Same origin means no CORS, and the refresh cookie stays
 * `SameSite=Strict` and `__Host-`. The console is built by Vite while the stack synthesises.
 */
export class Console extends Construct {
  readonly distribution: Distribution;
  readonly bucket: Bucket;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);

    const logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge(
      { id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself; logging it into itself would loop.' },
      { id: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', reason: 'This is the access-log bucket itself; logging it into itself would loop.' },
      { id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', reason: 'CloudFront standard logs cannot be delivered to a bucket encrypted with SSE-KMS; SSE-S3 encrypts them.' },
      { id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check', reason: 'CloudFront delivers its logs with ACLs and the bucket expires them; the audit trail that must not change is the table’s, backed up by AWS Backup.' },
      { id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check', reason: 'Nothing reacts to a new log file; they are read when investigating.' },
    );

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      // A deploy that went wrong can be rolled back to the files before it.
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge(
      { id: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check', reason: 'The console’s files are public static assets, served to every visitor; SSE-S3 encrypts them at rest.' },
      { id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check', reason: 'Every deploy replaces the console’s files; versioning keeps the previous ones for a rollback.' },
      { id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check', reason: 'Nothing reacts to a new console file; deploys invalidate CloudFront themselves.' },
    );

    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Gatehouse console: CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_HEADERS['content-security-policy'], override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: CONSOLE_HEADERS['permissions-policy'], override: true },
          { header: 'Cross-Origin-Opener-Policy', value: CONSOLE_HEADERS['cross-origin-opener-policy'], override: true },
        ],
      },
    });

    // Pages of the single-page app (/users/42, /activate) are all index.html; files keep their path.
    const pages = new EdgeFunction(this, 'Pages', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Serve index.html for console pages',
      code: FunctionCode.fromInline(
        'function handler(event) { var r = event.request; if (r.uri.indexOf(".") === -1) { r.uri = "/index.html"; } return r; }',
      ),
    });

    // API Gateway sees the edge server, not the person: pass the viewer's address along, with
    // the secret that makes the API believe it (a client's own copies are overwritten here).
    const viewer = new EdgeFunction(this, 'Viewer', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Tell the API who the viewer is',
      code: FunctionCode.fromInline(
        Fn.join('', [
          'function handler(event) { var r = event.request; ',
          `r.headers['${VIEWER_IP_HEADER}'] = { value: event.viewer.ip }; `,
          `r.headers['${EDGE_SECRET_HEADER}'] = { value: '`,
          props.edgeSecret,
          "' }; return r; }",
        ]),
      ),
    });
    const api = new HttpOrigin(Fn.select(2, Fn.split('/', props.api.apiEndpoint)), {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      // The functions answer 403 without it: API Gateway's URL is public, the WAF is here.
      customHeaders: props.originSecret ? { [ORIGIN_SECRET_HEADER]: props.originSecret } : undefined,
    });
    const apiBehavior = {
      origin: api,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Everything but Host, so API Gateway sees its own host name and the function sees the cookie.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      functionAssociations: [{ function: viewer, eventType: FunctionEventType.VIEWER_REQUEST }],
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Gatehouse console and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      webAclId: props.webAclId,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(props.domain
        ? { domainNames: props.domain.names, certificate: props.domain.certificate, minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: pages, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
    });
    this.url = `https://${props.domain?.names[0] ?? this.distribution.distributionDomainName}`;

    const files = Source.asset(dirname(CONSOLE_CONFIG), {
      exclude: ['dist', 'node_modules'],
      bundling: {
        // Always built locally with the repository's own Vite (tryBundle returns true or
        // throws), so this image is never pulled.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20'),
        local: {
          tryBundle(outputDir) {
            const result = spawnSync('npx', ['vite', 'build', '--config', CONSOLE_CONFIG, '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'warn'], {
              stdio: 'inherit',
            });
            if (result.status !== 0) throw new Error('vite build of the console failed');
            return true;
          },
        },
      },
    });
    // Hashed files first and kept across deploys (a page loaded before a deploy still finds
    // its script), then the pages, which are never cached stale, and an invalidation.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      sources: [files],
      include: ['assets/*'],
      exclude: ['*'],
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      memoryLimit: 512,
      logGroup: houseLogGroup(this, 'DeployLogs'),
    });
    const site = new BucketDeployment(this, 'DeploySite', {
      destinationBucket: this.bucket,
      sources: [files],
      exclude: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.fromString('no-cache')],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      logGroup: houseLogGroup(this, 'DeploySiteLogs'),
    });
    site.node.addDependency(assets);
    this.acknowledge(Boolean(props.domain), Boolean(props.webAclId));
  }

  private acknowledge(customDomain: boolean, waf: boolean): void {
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'The organizations signing in are worldwide; there is no country to exclude.' },
      ...(waf
        ? []
        : [{ id: 'AwsSolutions-CFR2', reason: 'Only a stack without a WAF (a unit test of the console alone) gets here; GatehouseStack always attaches its web ACL.' }]),
      ...(customDomain
        ? []
        : [{ id: 'AwsSolutions-CFR4', reason: 'The default *.cloudfront.net certificate cannot pin TLS 1.2; only the dev stage may run without gatehouse:domain; with it the minimum is TLSv1.2_2021.' }]),
    );
    // BucketDeployment's shared upload function lives at the stack's root, not under this construct.
    const stack = Stack.of(this);
    // cdk-nag names the account and region literally when the stack's environment is set.
    const named = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
    for (const child of stack.node.children.filter((node) => node.node.id.startsWith('Custom::CDKBucketDeployment'))) {
      Validations.of(child).acknowledge(
        { id: 'AwsSolutions-L1', reason: 'CDK’s BucketDeployment pins the Python runtime of its upload function; it runs only during deploys.' },
        {
          id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
          reason: 'CDK’s BucketDeployment grant: read the console asset from the CDK assets bucket, write it to the console bucket, nothing else.',
        },
        ...[
          'Action::s3:GetBucket*',
          'Action::s3:List*',
          'Action::s3:DeleteObject*',
          'Action::s3:Abort*',
          `Resource::arn:${named(stack.partition, '<AWS::Partition>')}:s3:::cdk-hnb659fds-assets-${named(stack.account, '<AWS::AccountId>')}-${named(stack.region, '<AWS::Region>')}/*`,
          `Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*`,
        ].map((target) => ({ id: `AwsSolutions-IAM5[${target}]`, reason: 'CDK’s BucketDeployment grant, limited to the assets bucket and the console bucket.' })),
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'CloudFront invalidations cannot be scoped to a distribution ARN by BucketDeployment; it only creates and reads invalidations.' },
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: 'Lets the deploy-time upload function write its own logs.',
        },
        { id: 'Serverless::Serverless-LambdaLatestVersion', reason: 'CDK’s BucketDeployment pins its upload function’s runtime; it runs only during deploys.' },
        { id: 'Serverless::Serverless-LambdaTracing', reason: 'CDK’s BucketDeployment upload function runs only during deploys, serving no request to trace.' },
        { id: 'Serverless::Serverless-LambdaDLQ', reason: 'CDK’s BucketDeployment upload function is invoked synchronously by CloudFormation, which reports its failure.' },
        { id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: 'CDK’s deploy-time upload function talks only to S3 and CloudFront’s public endpoints.' },
      );
    }
  }
}
