import { beforeAll, describe, expect, it } from 'vitest';
import { routes, type RouteDef } from '../../shared/http/routes';
import { SCIM_ERROR_SCHEMA } from '../../shared/scim/errors';
import { verifiedOrg } from '../support/factories';
import { useApi } from '../support/api';

/** For every route of the route table, hostile input gets a 4xx problem document, never a 5xx. */
const api = useApi();
let token: string;

beforeAll(async () => {
  token = (await verifiedOrg(api)).rootToken;
});

const JUNK_BODIES: Array<{ raw: string; type?: string }> = [
  { raw: 'not json' },
  { raw: '[]' },
  { raw: 'null' },
  { raw: '"a string"' },
  { raw: '12' },
  { raw: '{"__proto__":{"admin":true}}' },
  { raw: JSON.stringify({ name: { nested: true }, email: ['a'], role: 7, password: null, code: 123456, token: {}, login: '' }) },
  { raw: JSON.stringify({ name: 'x'.repeat(5000), org: 'y'.repeat(5000), login: 'z'.repeat(5000) }) },
  { raw: '{"a":1}', type: 'text/plain' },
  { raw: '\u0000\u0001' },
];
const FORM = 'application/x-www-form-urlencoded';
const JUNK_FORMS = [
  { raw: 'grant_type=%ZZ&token=%E0%A4%A&scope=%00', type: FORM },
  { raw: '&&&===&=&grant_type', type: FORM },
  { raw: 'grant_type=client_credentials&client_id=' + 'x'.repeat(300) + '&client_secret=ghp_' + 'A'.repeat(96), type: FORM },
  { raw: 'token=' + 'x'.repeat(70_000), type: FORM },
  { raw: 'token=a&token=b&grant_type=a&grant_type=b', type: `${FORM}; charset=utf-8` },
];
const ODD_IDS = ['%', '..', 'x'.repeat(300), '00000000-0000-0000-0000-000000000000', "' OR 1=1 --", '%E0%A4%A'];
const ODD_QUERIES = ['limit=-1', 'limit=1e9', 'cursor=%00', 'cursor=' + 'a'.repeat(3000), 'q=' + 'q'.repeat(300), 'role[]=admin', 'confirm='];

/**
 * Each route's errors in the format it speaks: problem+json, RFC 6749's `{ error }` for OAuth
 * routes, the page a browser is shown where OpenID Connect forbids redirecting to an
 * untrusted client (the authorization and logout requests), or RFC 7644 §3.12's SCIM error
 * (`application/scim+json`: `schemas`, `status` as a string, `scimType`, `detail`) on /scim/v2.
 */
function expectErrorFormat(route: (typeof routes)[number], answer: { status: number; headers: Headers; body: any; text: string }) {
  if ('errors' in route && route.errors === 'page') {
    expect(answer.headers.get('content-type'), answer.text).toContain('text/html');
  } else if ('errors' in route && route.errors === 'oauth') {
    expect(answer.headers.get('content-type'), answer.text).toContain('application/json');
    expect(typeof answer.body?.error, answer.text).toBe('string');
  } else if ('errors' in route && route.errors === 'scim') {
    expect(answer.headers.get('content-type'), answer.text).toContain('application/scim+json');
    expect(answer.body?.schemas, answer.text).toEqual([SCIM_ERROR_SCHEMA]);
    expect(answer.body?.status, answer.text).toBe(String(answer.status));
    expect(typeof answer.body?.detail, answer.text).toBe('string');
    if (answer.body?.scimType !== undefined) expect(typeof answer.body.scimType, answer.text).toBe('string');
  } else {
    expect(answer.headers.get('content-type'), answer.text).toContain('application/problem+json');
  }
}

/**
 * A path whose id does not decode, or is `..` (which the client resolves away), never reaches
 * the route: API Gateway (and the local adapter) answer it first, as problem+json.
 */
const offRoute = (path: string) => {
  if (path.split('/').includes('..')) return true;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
};

describe('hostile input', () => {
  for (const route of routes) {
    it(`${route.method} ${route.path} never answers 5xx`, async () => {
      const paths = route.path.includes('{') ? ODD_IDS.map((id) => route.path.replace(/\{\w+\}/g, id)) : [route.path];
      for (const path of paths) {
        const bodies = route.method === 'GET' ? [undefined] : (route as RouteDef).encoding === 'form' ? [...JUNK_BODIES, ...JUNK_FORMS] : JUNK_BODIES;
        for (const body of bodies) {
          const answer = await api.request(route.method, path, {
            token,
            raw: body?.raw,
            headers: body ? { 'content-type': body.type ?? 'application/json' } : {},
          });
          expect(answer.status, `${path} ${body?.raw.slice(0, 40)}: ${answer.text}`).toBeLessThan(500);
          if (answer.status >= 400 && !offRoute(path)) expectErrorFormat(route, answer);
        }
        for (const query of ODD_QUERIES) {
          const answer = await api.request(route.method, `${path}?${query}`, { token });
          expect(answer.status, `${path}?${query}: ${answer.text}`).toBeLessThan(500);
        }
      }
    });
  }
});
