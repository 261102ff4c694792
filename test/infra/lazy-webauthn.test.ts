import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../infra/constructs/bundling';

/**
 * @simplewebauthn/server (with its CBOR, ASN.1 and X.509 parsers) is loaded only when a passkey
 * ceremony runs (shared/auth/webauthn.ts imports it with import()). Every function that can reach
 * passkey code is built as deployed, and esbuild's metafile says which chunks a cold start loads:
 * index.mjs and whatever it imports statically, transitively. The library must be in none of them,
 * and still in the bundle, in a chunk reached only through import().
 */
const root = new URL('../..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'gatehouse-lazy-webauthn-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const LIBRARY = /node_modules\/@simplewebauthn\/server\//;

function graph(metafile: Metafile) {
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs')));
  const entry = Object.keys(outputs).find((file) => /(^|\/)index\.mjs$/.test(file))!;
  const atStart = new Set<string>();
  const visit = (file: string) => {
    if (atStart.has(file)) return;
    atStart.add(file);
    for (const target of outputs[file]!.imports) if (target.kind === 'import-statement' && !target.external) visit(target.path);
  };
  visit(entry);
  const holding = (files: string[]) => files.filter((file) => Object.keys(outputs[file]!.inputs).some((input) => LIBRARY.test(input)));
  return { atStart: holding([...atStart]), onDemand: holding(Object.keys(outputs).filter((file) => !atStart.has(file))) };
}

describe('@simplewebauthn/server loads only when a passkey is checked', () => {
  it.each(['auth', 'me', 'users', 'passkeys'])('is in no chunk the %s function loads at cold start, only in one it imports on demand', (group) => {
    const metafile = buildBundle(join(root, 'functions', `${group}.ts`), join(out, group));
    const { atStart, onDemand } = graph(metafile);
    expect(atStart).toEqual([]);
    expect(onDemand).toHaveLength(1);
  }, 120_000);
});
