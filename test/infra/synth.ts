import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuiltApp } from '../../infra/app';

/** cdk.json's context (the dev defaults and the pinned feature flags), as the CLI would give it. */
export const cdkJsonContext = (): Record<string, unknown> => JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

/** A production stage's context: the smallest one synth accepts outside dev. */
export const PROD_CONTEXT = {
  'gatehouse:stage': 'prod',
  'gatehouse:domain': 'id.acme-corp.io',
  'gatehouse:hostedZoneId': 'Z0123456789ABCDEFGHIJ',
  'gatehouse:hostedZoneName': 'acme-corp.io',
  'gatehouse:emailDomain': 'acme-corp.io',
  'gatehouse:alarmEmail': 'ops@acme-corp.io',
  'gatehouse:clients': [
    { id: 'web', name: 'Web app', type: 'public', redirectUris: ['https://app.acme-corp.io/callback'] },
    { id: 'reports', name: 'Reports server', type: 'confidential' },
  ],
  'gatehouse:permissions': [{ name: 'reports:read', description: 'Read reports', module: 'reports', defaultFor: ['admin'] }],
} as const;

export interface Synthesized extends BuiltApp {
  template: Template;
  edgeTemplate?: Template;
  outdir: string;
}

/**
 * Synthesizes Gatehouse with cdk.json's context under `context`, without bundling (the template
 * is what is checked), running the policy packs as `cdk synth` does: a finding throws.
 */
export function synth(
  context: Record<string, unknown> = {},
  region = 'eu-central-1',
  options: { policyChecks?: boolean; beside?: (app: App, built: BuiltApp) => void } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-cdk-'));
  const app = new App({ outdir, context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] } });
  const built = buildApp(app, { env: { account: '123456789012', region }, policyChecks: options.policyChecks });
  options.beside?.(app, built);
  app.synth();
  return {
    ...built,
    outdir,
    template: Template.fromStack(built.stack),
    edgeTemplate: built.edge ? Template.fromStack(built.edge) : undefined,
  };
}
