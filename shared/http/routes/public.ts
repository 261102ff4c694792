import { route } from '../route';
import { HealthQuery } from '../schemas';

/** The `public` function's routes: health, keys and the API description (functions/public.ts). */
export const publicRoutes = [
  route({
    method: 'GET', path: '/health', group: 'public', operation: 'health', auth: 'public',
    summary: 'Liveness check; with `?deep=1`, readiness: the table answers too', query: HealthQuery,
    responses: {
      200: { description: 'The service answers (with `deep=1`: and so does the table)', schema: 'Health' },
      503: { description: '`service_unavailable` (only with `deep=1`): the table does not answer; see `Retry-After`' },
    },
  }),
  route({
    method: 'GET', path: '/.well-known/jwks.json', group: 'public', operation: 'jwks', auth: 'public',
    summary: 'Public keys that verify access tokens', cacheSeconds: 300,
    responses: { 200: { description: 'JSON Web Key Set', schema: 'Jwks' } },
  }),
  route({
    method: 'GET', path: '/v1/openapi.json', group: 'public', operation: 'openapi', auth: 'public',
    summary: 'This API as an OpenAPI 3.1 document', cacheSeconds: 300,
    responses: { 200: { description: 'OpenAPI document', schema: 'OpenApiDocument' } },
  }),
] as const;
