/**
 * Calls a client author writes against the generated OpenAPI document. The test generates
 * `./schema.ts` from the live document with openapi-typescript, next to a copy of this file,
 * and type-checks both: a query parameter, body field or path the document lacks fails here.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });

export async function calls(token: string) {
  const headers = { authorization: `Bearer ${token}` };
  const login = await client.POST('/v1/auth/login', { body: { org: 'acme', login: 'alice', password: 'a long passphrase here' } });
  if (login.error) login.error.code satisfies string;

  const page = await client.GET('/v1/users', { headers, params: { query: { limit: 20, role: 'admin', status: 'active', q: 'al' } } });
  const next = page.data?.nextCursor;
  if (next) await client.GET('/v1/users', { headers, params: { query: { cursor: next } } });
  page.data?.items[0]?.login satisfies string | undefined;

  await client.GET('/v1/audit-events', { headers, params: { query: { action: 'user.invited', actor: 'u1', target: 'u2', limit: 5 } } });
  await client.GET('/v1/billing/invoices', { headers, params: { query: { limit: 100 } } });
  await client.DELETE('/v1/users/{id}', { headers, params: { path: { id: 'u1' }, query: { confirm: 'alice' } } });
  const ready = await client.GET('/health', { params: { query: { deep: '1' } } });
  ready.data?.status satisfies 'ok' | undefined;

  // @ts-expect-error `role` is one of the documented values
  await client.GET('/v1/users', { headers, params: { query: { role: 'owner' } } });
  // @ts-expect-error `confirm` is required to delete
  await client.DELETE('/v1/users/{id}', { headers, params: { path: { id: 'u1' } } });
  // @ts-expect-error `limit` is a number
  await client.GET('/v1/users', { headers, params: { query: { limit: 'ten' } } });
}
