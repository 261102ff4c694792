import { Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { GatehouseConfig } from './config';

/** What each WAF rate rule (`gatehouse:wafRateLimits`, requests per 5 minutes per address) covers. */
export const WAF_RATE_RULES: Record<keyof GatehouseConfig['wafRateLimits'], { paths: string[]; prefix?: boolean; method?: string } | undefined> = {
  // Sign-in: password, second-factor code, passkey and SSO answers.
  login: { paths: ['/v1/auth/login', '/v1/auth/challenge', '/v1/auth/passkey', '/v1/auth/sso'], prefix: true },
  token: { paths: ['/oauth2/token'] },
  forgot: { paths: ['/v1/auth/password/forgot', '/v1/auth/password/reset'] },
  signup: { paths: ['/v1/orgs'], method: 'POST' },
  authorize: { paths: ['/oauth2/authorize'], prefix: true },
  all: undefined,
};

const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

function pathMatch(path: string, prefix: boolean): CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: prefix ? 'STARTS_WITH' : 'EXACTLY',
      searchString: path,
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  };
}

function scopeDown(rule: NonNullable<(typeof WAF_RATE_RULES)[keyof typeof WAF_RATE_RULES]>): CfnWebACL.StatementProperty {
  const paths = rule.paths.map((path) => pathMatch(path, rule.prefix ?? false));
  const byPath = paths.length === 1 ? paths[0]! : { orStatement: { statements: paths } };
  if (!rule.method) return byPath;
  const method: CfnWebACL.StatementProperty = {
    byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: rule.method, textTransformations: [{ priority: 0, type: 'NONE' }] },
  };
  return { andStatement: { statements: [byPath, method] } };
}

/**
 * The WAFv2 web ACL in front of CloudFront (scope CLOUDFRONT, so it must live in us-east-1):
 * AWS's IP-reputation, common and known-bad-inputs groups, then a per-address rate rule for
 * each abused route. Bodies up to the API's own limits pass (the common group's 8 KB body rule
 * only counts: user imports send up to 1 MB, and the functions bound every body themselves).
 */
export class EdgeProtection extends Construct {
  readonly webAcl: CfnWebACL;
  /** CloudFront's certificate for `gatehouse:domain`, when the stack makes it (a hosted zone). */
  readonly certificate?: ICertificate;

  constructor(scope: Construct, id: string, props: { config: GatehouseConfig }) {
    super(scope, id);
    const { config } = props;
    const prefix = `Gatehouse-${config.stage}`;
    const managed = (name: string, priority: number, excluded: string[] = []): CfnWebACL.RuleProperty => ({
      name: `aws-${name}`,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ruleActionOverrides: excluded.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: visibility(`${prefix}-${name}`),
    });
    const rules: CfnWebACL.RuleProperty[] = [
      managed('AWSManagedRulesAmazonIpReputationList', 0),
      ...(config.wafAnonymousIp ? [managed('AWSManagedRulesAnonymousIpList', 1)] : []),
      managed('AWSManagedRulesCommonRuleSet', 2, ['SizeRestrictions_BODY']),
      managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
    ];
    let priority = 10;
    for (const [name, limit] of Object.entries(config.wafRateLimits) as Array<[keyof typeof WAF_RATE_RULES, number]>) {
      const covers = WAF_RATE_RULES[name];
      rules.push({
        name: `rate-${name}`,
        priority: priority++,
        action: { block: { customResponse: { responseCode: 429 } } },
        statement: {
          rateBasedStatement: {
            limit,
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
            ...(covers ? { scopeDownStatement: scopeDown(covers) } : {}),
          },
        },
        visibilityConfig: visibility(`${prefix}-rate-${name}`),
      });
    }
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: prefix,
      description: `Gatehouse ${config.stage}: managed rules and per-address rate limits in front of CloudFront`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules,
      visibilityConfig: visibility(prefix),
    });

    if (config.domain && config.hostedZoneId && config.hostedZoneName && !config.certificateArn) {
      this.certificate = new Certificate(this, 'Certificate', {
        domainName: config.domain,
        validation: CertificateValidation.fromDns(HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: config.hostedZoneId, zoneName: config.hostedZoneName })),
      });
    }
  }
}

/**
 * `Gatehouse-<stage>-edge` in us-east-1, for stacks in any other region: CloudFront reads its
 * web ACL and certificate only there. The main stack reads them by cross-region reference.
 */
export class GatehouseEdgeStack extends Stack {
  readonly protection: EdgeProtection;

  constructor(scope: Construct, id: string, props: StackProps & { config: GatehouseConfig }) {
    super(scope, id, { ...props, crossRegionReferences: true });
    this.protection = new EdgeProtection(this, 'Edge', { config: props.config });
  }
}
