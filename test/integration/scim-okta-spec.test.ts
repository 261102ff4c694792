import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useApi } from '../support/api';
import { scim, scimOrg, scimUser } from '../support/scim';

/**
 * Okta's published "Okta SCIM 2.0 SPEC Test" (test/scim/README.md names its source), replayed
 * request by request as Runscope would: variables filled in, each assertion evaluated,
 * variables extracted, pauses skipped (nothing here waits on time).
 */
interface Assertion { comparison: string; source: string; value: string | null; property?: string }
interface Step {
  step_type: 'request' | 'pause';
  note?: string;
  method?: string;
  url?: string;
  body?: string;
  headers?: Record<string, string[]>;
  assertions?: Assertion[];
  variables?: Array<{ source: string; name: string; property: string }>;
}
const spec = JSON.parse(readFileSync(new URL('../scim/okta-scim-20-spec-test.json', import.meta.url), 'utf8')) as { name: string; steps: Step[] };

/** Runscope's property syntax: `Resources[0].name.familyName`. */
function read(json: unknown, property: string): unknown {
  return property.split('.').flatMap((part) => {
    const match = /^([^[]+)((?:\[\d+\])*)$/.exec(part)!;
    return [match[1]!, ...[...match[2]!.matchAll(/\[(\d+)\]/g)].map((index) => Number(index[1]))];
  }).reduce<unknown>((value, key) => (value === undefined || value === null ? undefined : (value as Record<string | number, unknown>)[key]), json);
}

function check(assertion: Assertion, status: number, json: unknown): string | undefined {
  const actual = assertion.source === 'response_status' ? status : read(json, assertion.property!);
  const ok = (() => {
    switch (assertion.comparison) {
      case 'equal_number': return Number(actual) === Number(assertion.value);
      case 'equal': return String(actual) === assertion.value;
      case 'not_empty': return actual !== undefined && actual !== null && actual !== '' && !(Array.isArray(actual) && actual.length === 0);
      case 'has_value': return Array.isArray(actual) && actual.includes(assertion.value);
      case 'contains': return Array.isArray(actual) ? actual.includes(assertion.value) : String(actual).includes(String(assertion.value));
      case 'is_a_number': return typeof actual === 'number';
      default: throw new Error(`unknown comparison ${assertion.comparison}`);
    }
  })();
  return ok ? undefined : `${assertion.comparison} ${assertion.property ?? assertion.source}: expected ${assertion.value}, got ${JSON.stringify(actual)}`;
}

describe(spec.name, () => {
  const api = useApi();

  it('passes all 11 of its requests, in order', async () => {
    const org = await scimOrg(api);
    // The first request reads Resources[0]: the research note says to seed one user first.
    const seeded = await scim(api, org.scimToken)('POST', '/Users', scimUser(`seed.${randomBytes(3).toString('hex')}@example.com`));
    expect(seeded.status).toBe(201);
    const suffix = randomBytes(4).toString('hex');
    const vars: Record<string, string> = {
      SCIMBaseURL: `${api.url}/scim/v2`,
      auth: `Bearer ${org.scimToken}`,
      InvalidUserEmail: `abcdefgh${suffix}@example.com`,
      UserIdThatDoesNotExist: randomUUID(),
      randomEmail: `Runscope${suffix}Okta@atko.com`,
      randomUsername: `Runscope${suffix}Okta@atko.com`,
      randomUsernameCaps: `RUNSCOPE${suffix.toUpperCase()}OKTA@ATKO.COM`,
      randomGivenName: `Given${suffix}`,
      randomFamilyName: `Family${suffix}`,
    };
    const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`no variable ${name}`);
      return vars[name]!;
    });
    const requests = spec.steps.filter((step) => step.step_type === 'request');
    expect(requests).toHaveLength(11);
    for (const step of requests) {
      const headers = Object.fromEntries(Object.entries(step.headers ?? {}).map(([name, [value]]) => [name, fill(value!)]));
      const url = new URL(fill(step.url!));
      const answer = await fetch(url, { method: step.method, headers, body: step.body === undefined ? undefined : fill(step.body) });
      const text = await answer.text();
      const json = text ? JSON.parse(text) : undefined;
      const failures = (step.assertions ?? []).map((assertion) => check({ ...assertion, value: assertion.value === null ? null : fill(assertion.value) }, answer.status, json)).filter(Boolean);
      expect(failures, `${step.note}: ${text}`).toEqual([]);
      if (text) expect(answer.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      for (const variable of step.variables ?? []) vars[variable.name] = String(read(json, variable.property));
    }
  });
});
