import { App, type Environment, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport, type Stack, Token, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, ServerlessChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ContextSettingError } from '../shared/context-settings';
import { readConfig, type GatehouseConfig } from './config';
import { GatehouseEdgeStack } from './edge';
import { GatehouseStack } from './stack';

/** Reads the app's context (cdk.json, stages/<stage>.json, -c) into a validated configuration. */
export function configFrom(app: App): GatehouseConfig {
  return readConfig((key) => app.node.tryGetContext(key));
}

/**
 * A rule pack run over Gatehouse's own stacks only: cdk-nag walks the whole app otherwise, so a
 * product stack in the same CDK app would be judged by Gatehouse's rules and acknowledgements.
 */
class Scoped implements IPolicyValidationPlugin {
  readonly name: string;
  constructor(
    private readonly pack: NagPack,
    private readonly scopes: () => IConstruct[],
  ) {
    this.name = pack.name;
  }

  validate(): PolicyValidationPluginReport {
    const reports = this.scopes().map((scope) => this.pack.validateScope(scope));
    return { success: reports.every((report) => report.success), violations: reports.flatMap((report) => report.violations) };
  }
}

/** cfn-guard's Control Tower rules over Gatehouse's templates only. */
class ScopedGuard implements IPolicyValidationPlugin {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];
  constructor(
    private readonly guard: CfnGuardValidator,
    private readonly stacks: () => Stack[],
  ) {
    this.name = guard.name;
    this.version = guard.version;
    this.ruleIds = guard.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const ours = new Set(this.stacks().map((stack) => stack.templateFile));
    const mine = (path: string) => ours.has(path.split('/').pop()!);
    return this.guard.validate({
      ...context,
      templatePaths: context.templatePaths.filter(mine),
      stackTemplates: context.stackTemplates.filter((each) => mine(each.templatePath)),
    } as never) as PolicyValidationPluginReport;
  }
}

/**
 * Control Tower rules that cannot hold for what Gatehouse is, each with its reason. cfn-guard
 * findings cannot be acknowledged per resource, so these are switched off by id, here, once.
 */
export const GUARD_RULES_OFF: Record<string, string> = {};

export interface BuiltApp {
  app: App;
  stack: GatehouseStack;
  edge?: GatehouseEdgeStack;
  config: GatehouseConfig;
}

/**
 * Gatehouse-<stage> (and, outside us-east-1, Gatehouse-<stage>-edge there), with cdk-nag's
 * AwsSolutions and Serverless packs and cfn-guard's Control Tower rules run at synth.
 */
export function buildApp(app: App = new App(), options: { env?: Environment; policyChecks?: boolean } = {}): BuiltApp {
  const config = configFrom(app);
  const env = options.env ?? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  if (!env.region || Token.isUnresolved(env.region)) {
    throw new ContextSettingError(['the stack needs a region (AWS_REGION / your profile’s region): CloudFront’s web ACL lives in us-east-1, the stack may not'], 'region');
  }
  const name = `Gatehouse-${config.stage}`;
  const edge =
    env.region === 'us-east-1'
      ? undefined
      : new GatehouseEdgeStack(app, `${name}-edge`, { config, env: { account: env.account, region: 'us-east-1' }, description: `Gatehouse ${config.stage}: CloudFront's web ACL and certificate (us-east-1)` });
  const stack = new GatehouseStack(app, name, { config, env, edge: edge?.protection, description: `Gatehouse ${config.stage}: multi-tenant user management` });
  if (edge) {
    stack.addDependency(edge);
    edge.tags.setTag('service', 'gatehouse');
    edge.tags.setTag('stage', config.stage);
  }
  if (options.policyChecks !== false) {
    const stacks = () => (edge ? [edge, stack] : [stack]);
    Validations.of(app).addPlugins(
      new Scoped(new AwsSolutionsChecks(), stacks),
      new Scoped(new ServerlessChecks(), stacks),
      new ScopedGuard(new CfnGuardValidator({ disabledRules: Object.keys(GUARD_RULES_OFF) }), stacks),
    );
  }
  return { app, stack, edge, config };
}

if (process.argv[1]?.endsWith('app.ts')) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // A mistake in cdk.json is the user's to fix: say which entry and field, not where in our code.
    if (!(error instanceof ContextSettingError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
