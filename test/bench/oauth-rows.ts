/**
 * The benchmark's OAuth rows: the client-credentials exchange, introspection and the
 * authorization-code exchange. Each row is added only when its routes are in the route table,
 * so the benchmark runs before an endpoint lands and measures it once it does; the report
 * names the rows it left out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type RouteDef, routes } from '../../shared/http/routes';

export interface BenchAnswer {
  status: number;
  body: any;
  ms: number;
  usage: { reads: number; writes: number; rcu: number; wcu: number };
  headers: Headers;
}
export type BenchCall = (
  method: string,
  path: string,
  options?: { body?: unknown; token?: string; form?: Record<string, string>; headers?: Record<string, string> },
) => Promise<BenchAnswer>;
export interface BenchOperation {
  name: string;
  setup?: () => Promise<void>;
  step: (index: number, worker: number) => Promise<BenchAnswer>;
}

const has = (method: string, path: string) => (routes as readonly RouteDef[]).some((route) => route.method === method && route.path === path);
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** The registered clients of cdk.json the rows use (a public app with PKCE, a confidential server). */
const PUBLIC_CLIENT = { id: 'demo-web', redirectUri: 'http://127.0.0.1:8976/callback' };
const CONFIDENTIAL_CLIENT = 'demo-service';

export const OAUTH_ROWS = {
  clientCredentials: 'OAuth client creds',
  introspection: 'OAuth introspect',
  codeExchange: 'OAuth auth code',
} as const;

export function oauthOperations(deps: {
  call: BenchCall;
  orgSlug: string;
  rootToken: () => Promise<string>;
  clientSecret: (clientId: string) => string | undefined;
  requests: number;
}): { operations: BenchOperation[]; skipped: string[] } {
  const { call } = deps;
  const operations: BenchOperation[] = [];
  const skipped: string[] = [];

  if (has('POST', '/oauth2/token')) {
    // Client id = a service account's user id, secret = one of its API tokens (API.md).
    let service: { id: string; token: string } | undefined;
    operations.push({
      name: OAUTH_ROWS.clientCredentials,
      setup: async () => {
        if (service) return;
        const created = await call('POST', '/v1/users', { token: await deps.rootToken(), body: { type: 'service', login: 'bench-service', name: 'Bench service', role: 'developer' } });
        if (created.status !== 201) throw new Error(`service account: ${created.status} ${JSON.stringify(created.body)}`);
        service = { id: created.body.user.id, token: created.body.apiToken.token };
      },
      step: () => call('POST', '/oauth2/token', { form: { grant_type: 'client_credentials' }, headers: { authorization: basic(service!.id, service!.token) } }),
    });
  } else skipped.push(`${OAUTH_ROWS.clientCredentials} (no POST /oauth2/token yet)`);

  const secret = deps.clientSecret(CONFIDENTIAL_CLIENT);
  if (has('POST', '/oauth2/introspect') && secret) {
    let token = '';
    operations.push({
      name: OAUTH_ROWS.introspection,
      setup: async () => void (token = await deps.rootToken()),
      step: () => call('POST', '/oauth2/introspect', { form: { token }, headers: { authorization: basic(CONFIDENTIAL_CLIENT, secret) } }),
    });
  } else skipped.push(`${OAUTH_ROWS.introspection} (${secret ? 'no POST /oauth2/introspect yet' : `no local secret for ${CONFIDENTIAL_CLIENT}`})`);

  if (has('GET', '/oauth2/authorize') && has('POST', '/oauth2/authorize/complete') && has('POST', '/oauth2/token')) {
    // Only the exchange is measured: the codes are made beforehand (authorize, then the
    // console's completion with the signed-in owner), one per measured request.
    const codes: Array<{ code: string; verifier: string }> = [];
    operations.push({
      name: OAUTH_ROWS.codeExchange,
      setup: async () => {
        codes.length = 0;
        const token = await deps.rootToken();
        for (let index = 0; index < deps.requests; index += 1) {
          const verifier = randomBytes(32).toString('base64url');
          const query = new URLSearchParams({
            response_type: 'code', client_id: PUBLIC_CLIENT.id, redirect_uri: PUBLIC_CLIENT.redirectUri, scope: 'openid', state: `s${index}`, nonce: `n${index}`,
            code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', org: deps.orgSlug,
          });
          const authorize = await call('GET', `/oauth2/authorize?${query}`);
          const handle = new URL(authorize.headers.get('location') ?? '', 'http://x').searchParams.get('request');
          if (!handle) throw new Error(`authorize answered ${authorize.status} without a request handle`);
          const completed = await call('POST', '/oauth2/authorize/complete', { token, body: { request: handle } });
          const code = completed.body?.redirectTo ? new URL(completed.body.redirectTo).searchParams.get('code') : null;
          if (!code) throw new Error(`authorize/complete answered ${completed.status} without a code`);
          codes.push({ code, verifier });
        }
      },
      step: (index) =>
        call('POST', '/oauth2/token', {
          form: { grant_type: 'authorization_code', code: codes[index]!.code, redirect_uri: PUBLIC_CLIENT.redirectUri, code_verifier: codes[index]!.verifier, client_id: PUBLIC_CLIENT.id },
        }),
    });
  } else skipped.push(`${OAUTH_ROWS.codeExchange} (no GET /oauth2/authorize and POST /oauth2/authorize/complete yet)`);

  return { operations, skipped };
}
