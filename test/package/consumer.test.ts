import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Gatehouse as a SaaS team meets it: `npm pack`, the tarball installed into a scratch project
 * of their own, a CDK app there that puts `gatehouseJwtAuthorizer` on two APIs and synthesizes,
 * and calls of the typed client that must type-check (and wrong ones that must not). What the
 * consumer already has (aws-cdk-lib, constructs, typescript: Gatehouse's optional peers) is
 * linked from this repository's node_modules after the install; the package's own dependencies
 * come from npm's cache, so it works offline where the cache is warm.
 */
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'gatehouse-consumer-'));
const consumer = join(work, 'consumer');
const run = (command: string, args: string[], cwd: string) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', CDK_DISABLE_VERSION_CHECK: '1' } });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
};

beforeAll(() => {
  const packed = run('npm', ['pack', '--pack-destination', work, '--silent'], root);
  expect(packed.status, packed.output).toBe(0);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  mkdirSync(join(consumer, 'src'), { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'acme-saas',
      private: true,
      type: 'module',
      dependencies: { gatehouse: `file:${join(work, tarball!)}` },
    }),
  );
  const flags = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
  let installed = run('npm', ['install', '--offline', ...flags], consumer);
  // A cold npm cache: the registry, if there is one.
  if (installed.status !== 0 && /ENOTCACHED/.test(installed.output)) installed = run('npm', ['install', '--prefer-offline', ...flags], consumer);
  expect(installed.status, installed.output).toBe(0);
  // What the SaaS's project has of its own (npm links file: folders, but trips over links to peers).
  for (const name of ['aws-cdk-lib', 'constructs', 'typescript']) {
    if (!existsSync(join(consumer, 'node_modules', name))) symlinkSync(join(root, 'node_modules', name), join(consumer, 'node_modules', name), 'dir');
  }
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package a SaaS depends on', () => {
  it('ships only what a consumer imports: the built entry points, their types and the OpenAPI document', () => {
    const installed = join(consumer, 'node_modules', 'gatehouse');
    for (const file of ['dist/package/package/cdk.js', 'dist/package/package/cdk.d.ts', 'dist/package/package/client.js', 'dist/package/package/client.d.ts', 'dist/package/openapi.json']) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'shared'))).toBe(false);
    expect(existsSync(join(installed, 'infra', 'stack.ts'))).toBe(false);
  });

  it('synthesizes a consumer stack with the authorizer on two APIs: each API its own authorizer, no cdk-nag in the app', () => {
    writeFileSync(
      join(consumer, 'src', 'app.mjs'),
      `
import { App, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { gatehouseJwtAuthorizer } from 'gatehouse/cdk';

const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'AcmeSaas');
const gatehouse = gatehouseJwtAuthorizer('Gatehouse', { issuer: 'https://auth.acme.example', audience: 'gatehouse' });
for (const name of ['Products', 'Billing']) {
  const api = new HttpApi(stack, name + 'Api');
  for (const [path, scope] of [['/settings', 'settings:write'], ['/flows', 'flows:edit']]) {
    api.addRoutes({ path, methods: [HttpMethod.PUT], integration: new HttpUrlIntegration(name + path, 'https://backend.example.com' + path), authorizer: gatehouse, authorizationScopes: [scope] });
  }
}
const assembly = app.synth();
console.log(JSON.stringify(assembly.getStackByName('AcmeSaas').template));
`,
    );
    const outdir = join(work, 'cdk.out');
    const template = JSON.parse(execFileSync(process.execPath, [join(consumer, 'src', 'app.mjs'), outdir], { cwd: consumer, encoding: 'utf8' })) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const of = (type: string) => Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
    const authorizers = of('AWS::ApiGatewayV2::Authorizer');
    const apis = of('AWS::ApiGatewayV2::Api').map(([id]) => id);
    expect(apis).toHaveLength(2);
    expect(authorizers).toHaveLength(2);
    // One authorizer per API, and every route points at the authorizer of its own API.
    expect(new Set(authorizers.map(([, resource]) => JSON.stringify(resource.Properties.ApiId)))).toEqual(new Set(apis.map((id) => JSON.stringify({ Ref: id }))));
    for (const [, authorizer] of authorizers) {
      expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://auth.acme.example', Audience: ['gatehouse'] } });
    }
    const routes = of('AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(4);
    for (const [, route] of routes) {
      const authorizer = authorizers.find(([id]) => JSON.stringify(route.Properties.AuthorizerId) === JSON.stringify({ Ref: id }));
      expect(authorizer, JSON.stringify(route.Properties)).toBeDefined();
      expect(authorizer![1].Properties.ApiId).toEqual(route.Properties.ApiId);
      expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizationScopes: [expect.stringMatching(/^(settings:write|flows:edit)$/)] });
    }
    // Gatehouse's own cdk-nag checks stay in Gatehouse: none ran in, or was installed for, this app.
    const report = join(outdir, 'validation-report.json');
    const plugins = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ pluginName: string }> }).pluginReports.map((plugin) => plugin.pluginName) : [];
    expect(plugins.filter((name) => /nag|AwsSolutions/i.test(name))).toEqual([]);
    expect(existsSync(join(consumer, 'node_modules', 'cdk-nag'))).toBe(false);
  }, 120_000);

  it('type-checks calls of the typed client, and refuses calls the API does not have', () => {
    writeFileSync(
      join(consumer, 'src', 'calls.ts'),
      `
import { createGatehouseClient, type components } from 'gatehouse/client';

const gatehouse = createGatehouseClient({ baseUrl: 'https://auth.acme.example', headers: { authorization: 'Bearer token' } });

export async function calls() {
  const users = await gatehouse.GET('/v1/users', { params: { query: { role: 'admin', limit: 20 } } });
  users.data?.items[0]?.login satisfies string | undefined;
  const invited = await gatehouse.POST('/v1/users', { body: { login: 'dana', name: 'Dana', email: 'dana@acme.example', role: 'developer' } });
  if (invited.error) invited.error.code satisfies string;
  const me: components['schemas']['User'] | undefined = (await gatehouse.GET('/v1/me')).data;
  await gatehouse.GET('/v1/audit-events', { params: { query: { action: 'user.invited' } } });
  return me;
}

export async function mistakes() {
  // @ts-expect-error the API has no such path
  await gatehouse.GET('/v1/no-such-thing');
  // @ts-expect-error 'owner' is not a role the list filters by
  await gatehouse.GET('/v1/users', { params: { query: { role: 'owner' } } });
  // @ts-expect-error an invitation needs a login
  await gatehouse.POST('/v1/users', { body: { name: 'Dana', email: 'dana@acme.example', role: 'developer' } });
}
`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2022', 'DOM'] }, include: ['src/calls.ts'] }),
    );
    const checked = run(process.execPath, [join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], consumer);
    expect(checked.output.trim()).toBe('');
    expect(checked.status).toBe(0);
  }, 120_000);
});
