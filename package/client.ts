import createClient, { type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

/**
 * `gatehouse/client`: a typed client of Gatehouse's HTTP API, from its OpenAPI document
 * (openapi-typescript types, openapi-fetch calls): a path, parameter or body field the API does
 * not have fails the caller's type check.
 *
 *   const gatehouse = createGatehouseClient({ baseUrl, headers: { authorization: `Bearer ${token}` } });
 *   const { data, error } = await gatehouse.GET('/v1/users', { params: { query: { role: 'admin' } } });
 */
export type { components, operations, paths };
export type GatehouseClient = ReturnType<typeof createClient<paths>>;

export function createGatehouseClient(options: ClientOptions & { baseUrl: string }): GatehouseClient {
  return createClient<paths>(options);
}
