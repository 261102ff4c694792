import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { afterEach, describe, expect, it } from 'vitest';
import { configFrom } from '../../infra/app';
import { localCatalogJson } from '../../infra/local/environment';
import { parseCatalog } from '../../shared/auth/permission-catalog';
import { ContextSettingError } from '../../shared/context-settings';
import { config, resetConfig } from '../../shared/config';

const ok = { name: 'settings:read', description: 'Read system settings', module: 'settings', defaultFor: ['developer'] };

/** The one-line problems a bad catalog is refused with. */
function problemsOf(value: unknown): string[] {
  try {
    parseCatalog(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ContextSettingError);
    return (error as ContextSettingError).problems;
  }
  throw new Error('the catalog was accepted');
}

describe('the permission catalog', () => {
  it('accepts the repo’s demo catalog and fills the optional fields', () => {
    expect(parseCatalog([ok])).toEqual([{ ...ok, dangerous: false }]);
    expect(parseCatalog([{ name: 'a:b', description: 'x', module: 'a' }])).toEqual([{ name: 'a:b', description: 'x', module: 'a', dangerous: false, defaultFor: [] }]);
    expect(JSON.parse(localCatalogJson()).map((entry: { name: string }) => entry.name)).toEqual(['settings:read', 'settings:write', 'flows:edit', 'logs:read', 'devices:control']);
  });

  it('names the entry and the field of every mistake', () => {
    expect(problemsOf([ok, { ...ok, name: 'Settings:Write' }])).toEqual([expect.stringMatching(/^gatehouse:permissions\[1\] "Settings:Write" name: must be `module:action` in lower case/)]);
    expect(problemsOf([{ ...ok, name: 'settings' }])[0]).toMatch(/^gatehouse:permissions\[0\] "settings" name: /);
    expect(problemsOf([{ ...ok, name: `settings:${'x'.repeat(32)}` }])[0]).toMatch(/\[0\] "settings:x+" name: must be at most 40 characters/);
    expect(problemsOf([ok, ok])).toEqual(['gatehouse:permissions[1] "settings:read" name: `settings:read` is declared twice']);
    expect(problemsOf([{ ...ok, defaultFor: ['developer', 'owner'] }])[0]).toMatch(/^gatehouse:permissions\[0\] "settings:read" defaultFor\.1: must list only `admin` or `developer`/);
    expect(problemsOf([{ ...ok, defaultFor: ['root'] }])[0]).toMatch(/defaultFor\.0: .*root holds every permission/);
    expect(problemsOf([{ ...ok, dangerous: 'yes' }])[0]).toMatch(/\[0\] "settings:read" dangerous: /);
    expect(problemsOf([{ ...ok, description: '' }])[0]).toMatch(/\[0\] "settings:read" description: must not be empty/);
    expect(problemsOf([{ ...ok, colour: 'red' }])[0]).toMatch(/\[0\] "settings:read": unknown field\(s\) colour/);
    expect(problemsOf([{ description: 'no name', module: 'x' }])[0]).toMatch(/^gatehouse:permissions\[0\] name: /);
    expect(problemsOf({ name: 'not a list' })[0]).toMatch(/^gatehouse:permissions: /);
  });

  it('holds at most 64 permissions', () => {
    const entries = (count: number) => Array.from({ length: count }, (_, index) => ({ ...ok, name: `module${index}:read` }));
    expect(parseCatalog(entries(64))).toHaveLength(64);
    expect(problemsOf(entries(65))).toEqual(['gatehouse:permissions: must declare at most 64 permissions']);
  });

  it('keeps the names short enough together for a token holding them all to stay under 4 KB', () => {
    const named = (length: number) => Array.from({ length: 64 }, (_, index) => ({ ...ok, name: `m${String(index).padStart(2, '0')}:${'a'.repeat(length - 4)}` }));
    expect(parseCatalog(named(31))).toHaveLength(64);
    expect(problemsOf(named(40))).toEqual([expect.stringMatching(/^gatehouse:permissions: the names take 2623 characters together in a token's scope; at most 2048/)]);
  });

  it('is checked at synth, from CDK context', () => {
    const app = new App({ context: { 'gatehouse:senderEmail': 'no-reply@example.com', 'gatehouse:permissions': [ok, { ...ok, name: 'bad name' }] } });
    expect(() => configFrom(app)).toThrow(/gatehouse:permissions\[1\] "bad name" name: /);
    const good = new App({ context: { 'gatehouse:senderEmail': 'no-reply@example.com', 'gatehouse:permissions': [ok] } });
    expect(configFrom(good).permissions).toEqual([{ ...ok, dangerous: false }]);
  });

  it('makes `cdk synth` print what is wrong, without a stack trace', async () => {
    const context = { 'gatehouse:senderEmail': 'no-reply@example.com', 'gatehouse:permissions': [{ ...ok, defaultFor: ['root'] }] };
    const run = promisify(execFile)('npx', ['tsx', 'infra/app.ts'], { env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-cdk-')) } });
    const failure = await run.then(() => undefined, (error: { code: number; stderr: string }) => error);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('Invalid cdk.json context gatehouse:permissions:');
    expect(failure?.stderr).toContain('gatehouse:permissions[0] "settings:read" defaultFor.0:');
    expect(failure?.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('is checked at local start, from cdk.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-catalog-'));
    const file = join(dir, 'cdk.json');
    writeFileSync(file, JSON.stringify({ context: { 'gatehouse:permissions': [ok, { ...ok, name: 'flows:edit', module: 'Flows' }] } }));
    expect(() => localCatalogJson(file)).toThrow(/gatehouse:permissions\[1\] "flows:edit" module: /);
    writeFileSync(file, JSON.stringify({ context: {} }));
    expect(localCatalogJson(file)).toBe('[]');
  });
});

describe('the PERMISSIONS environment variable', () => {
  const saved = process.env.PERMISSIONS;
  afterEach(() => {
    process.env.PERMISSIONS = saved;
    resetConfig();
  });

  it('is validated by config() like the catalog itself', () => {
    process.env.PERMISSIONS = JSON.stringify([{ ...ok, name: 'x' }]);
    resetConfig();
    expect(() => config()).toThrow(/PERMISSIONS\[0\] "x" name: /);
    process.env.PERMISSIONS = 'not json';
    resetConfig();
    expect(() => config()).toThrow(/must be a JSON array\n  → at PERMISSIONS/);
    process.env.PERMISSIONS = JSON.stringify([ok]);
    resetConfig();
    expect(config().PERMISSIONS.map((entry) => entry.name)).toEqual(['settings:read']);
  });
});
