import { describe, expect, it } from 'vitest';
import { routes, type RouteDef } from '../../shared/http/routes';
import { SCIM_ERROR_SCHEMA } from '../../shared/scim/errors';
import { addMember, verifiedOrg } from '../support/factories';
import { useApi } from '../support/api';

/**
 * A seeded fuzz generated from the OpenAPI document the API serves: every operation, with
 * bodies, query and path parameters built from their schemas, mostly valid and then broken
 * field by field, under every kind of caller. Whatever comes in, nothing answers 5xx, and
 * every 4xx is a problem document (RFC 6749 JSON on the routes the table marks
 * `errors: 'oauth'`, RFC 7644 §3.12 SCIM errors as application/scim+json on those it marks
 * `errors: 'scim'`; redirects and HTML pages are what some OAuth routes answer).
 *
 *   FUZZ_REQUESTS=20000 FUZZ_SEED=7 npx vitest run test/integration/fuzz.test.ts
 *
 * (FUZZ_REPORT=1 prints the statuses each operation answered, to see how deep it got.)
 *
 * It reads only the document, so routes added later are fuzzed without touching this file.
 */
const api = useApi();
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CONCURRENCY = 6;

type Schema = Record<string, any>;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof prng>;

const HOSTILE_STRINGS = [
  '', ' ', '  padded  ', 'x'.repeat(300), 'y'.repeat(5000), '\u0000', 'a\u0007b', '\ud800', '😀'.repeat(40), 'Ａｌｉｃｅ', 'e\u0301',
  '../../etc/passwd', '%00', '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x}', '__proto__', 'constructor',
  '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', 'ZZ', 'A', '12', 'fr', '\u202eevil', 'ORG#x', 'LOGIN#a#b',
];
const HOSTILE_VALUES: unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, [], [null], {}, { nested: { deeper: [1, 'two'] } },
  ['a', 'b'], Array.from({ length: 200 }, (_, index) => index),
];
const HOSTILE_IDS = ['%', '..', '.', 'x'.repeat(300), '00000000-0000-0000-0000-000000000000', "'%20OR%201=1", '%E0%A4%A', '%F0%9F%98%80', '%00', 'USER%23x', '~', '-'];

/** Values that pass validation by property name, so requests also get past the schema. */
function validByName(name: string, random: Random, known: Known): unknown {
  const n = random.int(0, 1e9).toString(36);
  switch (name) {
    case 'login': case 'confirm': return random.chance(0.3) ? known.developerLogin : `fuzz-${n}`;
    case 'email': case 'billingEmail': return `fuzz-${n}@example.com`;
    case 'slug': return `fuzz-${n}`;
    case 'org': return random.chance(0.5) ? known.slug : `fuzz-${n}`;
    case 'password': case 'newPassword': case 'currentPassword': return `fuzz passphrase ${n} ${random.int(1000, 9999)}`;
    case 'country': return random.pick(['FR', 'DE', 'US', 'JP', 'XX']);
    case 'last4': return '4242';
    case 'code': return random.pick(['123456', '000000', 'abcd-efgh-jkmn', '12345']);
    case 'userId': case 'id': case 'client_id': return random.pick([known.rootId, known.developerId, '7f0c1d6e-0000-4000-8000-000000000000']);
    case 'token': case 'session': case 'refreshToken': case 'refresh_token': case 'code_verifier':
      return Array.from({ length: 43 }, () => random.pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'])).join('');
    case 'permissions': case 'scopes': return [random.pick(['settings:read', 'flows:edit', 'logs:read', 'nope:nope'])];
    case 'scope': return random.pick(['settings:read', 'openid profile', 'flows:edit logs:read']);
    case 'grant_type': return random.pick(['client_credentials', 'authorization_code', 'refresh_token', 'password']);
    case 'redirect_uri': return random.pick(['http://127.0.0.1:8976/callback', 'https://evil.example/cb']);
    default: return undefined;
  }
}

interface Known {
  slug: string;
  rootId: string;
  developerId: string;
  developerLogin: string;
}

class Generator {
  constructor(private readonly random: Random, private readonly components: Record<string, Schema>, private readonly known: Known) {}

  private resolve(schema: Schema): Schema {
    let current = schema;
    for (let depth = 0; current.$ref && depth < 10; depth += 1) current = this.components[String(current.$ref).split('/').pop()!] ?? {};
    return current;
  }

  /** A value for the schema; `mutate` is the chance that any one node is replaced by something hostile. */
  value(input: Schema, name: string, mutate: number, depth = 0): unknown {
    const random = this.random;
    if (depth > 0 && random.chance(mutate)) return random.chance(0.5) ? random.pick(HOSTILE_STRINGS) : random.pick(HOSTILE_VALUES);
    const schema = this.resolve(input);
    const choices = schema.oneOf ?? schema.anyOf;
    if (choices) return this.value(random.pick(choices as Schema[]), name, mutate, depth);
    if ('const' in schema) return schema.const;
    if (schema.enum) return random.pick(schema.enum as unknown[]);
    const type = Array.isArray(schema.type) ? random.pick(schema.type as string[]) : schema.type;
    const byName = validByName(name, random, this.known);
    if (byName !== undefined && (type === undefined || typeof byName === type || (type === 'array' && Array.isArray(byName)))) return byName;
    switch (type) {
      case 'object': {
        const object: Record<string, unknown> = {};
        const required = new Set<string>(schema.required ?? []);
        for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
          if (required.has(key) ? !random.chance(mutate / 2) : random.chance(0.5)) object[key] = this.value(property, key, mutate, depth + 1);
        }
        if (random.chance(mutate / 2)) object[random.pick(['extra', 'role', 'orgId', 'isAdmin', '__proto__'])] = random.pick(HOSTILE_VALUES);
        return object;
      }
      case 'array': {
        const length = random.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 5));
        return Array.from({ length }, () => this.value(schema.items ?? {}, name, mutate, depth + 1));
      }
      case 'integer': case 'number': {
        const min = schema.minimum ?? 0;
        const max = schema.maximum ?? min + 1000;
        return random.int(min, Math.min(max, min + 10_000));
      }
      case 'boolean': return random.chance(0.5);
      case 'null': return null;
      case 'string': {
        const min = schema.minLength ?? 1;
        const length = random.int(min, Math.max(min, Math.min(schema.maxLength ?? 20, 24)));
        return Array.from({ length }, () => random.pick([...'abcdefghijklmnopqrstuvwxyz0123456789 -'])).join('').replace(/^ | $/g, 'a');
      }
      default: return random.pick(HOSTILE_STRINGS);
    }
  }
}

interface Operation {
  method: string;
  path: string;
  route: RouteDef | undefined;
  parameters: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  body?: { mediaType: string; schema: Schema };
}

function operationsOf(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const table = new Map((routes as readonly RouteDef[]).map((route) => [`${route.method} ${route.path}`, route]));
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const content = operation.requestBody?.content as Record<string, { schema: Schema }> | undefined;
      const mediaType = content ? Object.keys(content)[0]! : undefined;
      return {
        method: method.toUpperCase(),
        path,
        route: table.get(`${method.toUpperCase()} ${path}`),
        parameters: operation.parameters ?? [],
        ...(mediaType ? { body: { mediaType, schema: content![mediaType]!.schema } } : {}),
      };
    }),
  );
}

function encodeBody(value: unknown, mediaType: string): string {
  if (!mediaType.includes('x-www-form-urlencoded')) return JSON.stringify(value);
  const form = new URLSearchParams();
  for (const [key, item] of Object.entries(value && typeof value === 'object' ? value : { value })) {
    form.append(key, typeof item === 'string' ? item : JSON.stringify(item));
  }
  return form.toString();
}

interface Probe {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function buildProbe(operation: Operation, generator: Generator, random: Random, known: Known, tokens: string[]): Probe {
  const mutate = random.pick([0, 0.05, 0.2, 0.5]);
  let path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    random.chance(0.6) ? encodeURIComponent(String(validByName(name, random, known) ?? known.rootId)) : random.pick(HOSTILE_IDS),
  );
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path') continue;
    if (!parameter.required && random.chance(0.5)) continue;
    const raw = generator.value(parameter.schema ?? {}, parameter.name, mutate, 1);
    const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
    if (parameter.in === 'query') {
      query.append(parameter.name, value);
      if (random.chance(0.05)) query.append(parameter.name, value);
    } else if (parameter.in === 'header' && /^[\x20-\x7e]*$/.test(value)) headers[parameter.name] = value;
    else if (parameter.in === 'cookie' && /^[\x21-\x7e]*$/.test(value)) headers.cookie = `${parameter.name}=${value}`;
  }
  if (random.chance(0.05)) query.append(random.pick(['limit', 'cursor', 'unknown', 'deep']), random.pick(HOSTILE_STRINGS));
  const search = query.toString();
  if (search) path += `?${search}`;

  const caller = random.next();
  if (caller < 0.55) headers.authorization = `Bearer ${tokens[0]}`;
  else if (caller < 0.7) headers.authorization = `Bearer ${tokens[1]}`;
  else if (caller < 0.8) headers.authorization = random.pick(['Bearer', 'Bearer x.y.z', 'Basic Zm9vOmJhcg==', `Bearer ${'a'.repeat(5000)}`, 'bearer  spaced']);
  if (random.chance(0.1)) headers['if-match'] = random.pick(['"0"', '"1"', '*', 'W/"2"', 'nonsense', '"99999999999999999999"']);
  if (random.chance(0.05)) headers.prefer = 'refresh-token=cookie';

  let body: string | undefined;
  if (operation.method !== 'GET') {
    const shape = random.next();
    if (operation.body && shape < 0.8) {
      body = encodeBody(generator.value(operation.body.schema, '(body)', mutate), operation.body.mediaType);
      headers['content-type'] = random.chance(0.95) ? operation.body.mediaType : random.pick(['text/plain', 'application/json; charset=latin1', 'application/xml']);
    } else if (shape < 0.9) {
      body = random.pick(['not json', '[]', 'null', '{"a":', '{}', '"string"', '12', 'a=1&a=2', '{"__proto__":{"x":1}}', 'z'.repeat(70 * 1024)]);
      headers['content-type'] = random.pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain']);
    }
  }
  return { method: operation.method, url: `${api.url}${path}`, headers, body };
}

/**
 * A path that does not decode never reaches its route: API Gateway (and the local adapter)
 * answer it first, as problem+json, whatever format the route speaks (as bad-input.test.ts says).
 */
function decodes(url: string): boolean {
  try {
    decodeURIComponent(new URL(url).pathname);
    return true;
  } catch {
    return false;
  }
}

/** What a 4xx (or any answer) must look like on this route; an empty list means it is fine. */
function problemsWith(operation: Operation, status: number, headers: Headers, text: string, reachesRoute = true): string[] {
  const found: string[] = [];
  if (status >= 500) found.push(`answered ${status}`);
  if (!headers.get('x-request-id')) found.push('no X-Request-Id');
  const type = headers.get('content-type') ?? '';
  if (status < 400 || status >= 500) return found;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return [...found, `a ${status} whose body is not JSON: ${text.slice(0, 80)}`];
  }
  if (operation.route?.errors === 'oauth') {
    if (!type.startsWith('application/json')) found.push(`OAuth error as ${type}`);
    if (typeof body?.error !== 'string' || !/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/.test(body.error)) found.push('OAuth error without an `error` code');
    if (body?.error_description !== undefined && typeof body.error_description !== 'string') found.push('error_description is not a string');
    return found;
  }
  if (operation.route?.errors === 'scim' && reachesRoute) {
    if (!type.startsWith('application/scim+json')) found.push(`SCIM error as ${type}`);
    if (!Array.isArray(body?.schemas) || body.schemas.length !== 1 || body.schemas[0] !== SCIM_ERROR_SCHEMA) found.push('SCIM error without the Error schema');
    if (body?.status !== String(status)) found.push(`SCIM status ${JSON.stringify(body?.status)} for ${status}`);
    if (typeof body?.detail !== 'string') found.push('SCIM error without detail');
    if (body?.scimType !== undefined && typeof body.scimType !== 'string') found.push('scimType is not a string');
    return found;
  }
  if (!type.startsWith('application/problem+json')) found.push(`a ${status} as ${type}`);
  if (body?.status !== status) found.push(`problem status ${body?.status} for ${status}`);
  for (const field of ['type', 'title', 'code', 'detail']) if (typeof body?.[field] !== 'string') found.push(`problem without ${field}`);
  return found;
}

describe('fuzz generated from the OpenAPI document', () => {
  it(`answers ${REQUESTS} seeded requests (seed ${SEED}) with no 5xx and a well-formed error on every 4xx`, async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const known: Known = { slug: org.slug, rootId: org.root.id, developerId: developer.id, developerLogin: developer.login };
    const document = (await api.request('GET', '/v1/openapi.json')).body;
    const operations = operationsOf(document);
    expect(operations.length).toBe(routes.length);
    const random = prng(SEED);
    const generator = new Generator(random, document.components?.schemas ?? {}, known);
    const tokens = [org.rootToken, developer.accessToken];

    const failures: string[] = [];
    const seen = new Map<string, Set<number>>();
    const spent = new Map<string, number>();
    let sent = 0;
    // Every operation first (in turn), then at random.
    const next = () => (sent < REQUESTS ? operations[sent < operations.length * 4 ? sent % operations.length : random.int(0, operations.length - 1)] : undefined);
    const worker = async () => {
      for (let operation = next(); operation; operation = next()) {
        sent += 1;
        const probe = buildProbe(operation, generator, random, known, tokens);
        const started = performance.now();
        const response = await fetch(probe.url, { method: probe.method, headers: probe.headers, body: probe.body, redirect: 'manual' });
        const text = await response.text();
        const key = `${operation.method} ${operation.path}`;
        spent.set(key, (spent.get(key) ?? 0) + performance.now() - started);
        if (!seen.has(key)) seen.set(key, new Set());
        seen.get(key)!.add(response.status);
        const isPage = [302, 303].includes(response.status) || (response.headers.get('content-type') ?? '').startsWith('text/html');
        const found = isPage && response.status < 500 ? [] : problemsWith(operation, response.status, response.headers, text, decodes(probe.url));
        if (found.length && failures.length < 20) {
          failures.push(`${probe.method} ${probe.url.slice(api.url.length, api.url.length + 200)} ${JSON.stringify(probe.headers).slice(0, 200)} ${probe.body?.slice(0, 200) ?? ''} → ${found.join('; ')}: ${text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    if (process.env.FUZZ_REPORT) {
      for (const [key, statuses] of [...seen].sort()) process.stdout.write(`${key}: ${[...statuses].sort().join(' ')} (${Math.round(spent.get(key) ?? 0)} ms)\n`);
    }
    expect(failures).toEqual([]);
    expect([...seen.keys()].sort()).toEqual(operations.map((operation) => `${operation.method} ${operation.path}`).sort());
  }, 180_000);
});
