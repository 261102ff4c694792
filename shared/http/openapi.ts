import * as z from 'zod';
import * as responseSchemas from './responses';
import { routes, type RouteDef } from './routes';
import { COOKIE_PREFERENCE, REFRESH_COOKIE } from './session-cookie';
import { FORM_MEDIA_TYPE } from './form';

const { Problem, OAuthErrorBody } = responseSchemas;

/**
 * Schemas named with `.meta({ id })` (User, Tokens, ...) land once in `components.schemas`.
 * zod puts them in each schema's own `$defs` with `#/$defs/<id>` references, which an OpenAPI
 * document resolves from its root, where nothing is: every such reference is pointed at
 * `#/components/schemas/<id>` instead (the linter's no-unresolved-refs found this).
 */
const named: Record<string, unknown> = {};

/** Also hoists `$defs` found deeper (a schema embedded in another's `.meta`, as the import body does). */
function pointAtComponents(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(pointAtComponents);
  if (!node || typeof node !== 'object') return node;
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$defs' && value && typeof value === 'object') {
      for (const [id, definition] of Object.entries(value)) named[id] ??= pointAtComponents(definition);
    } else if (key === '$ref' && typeof value === 'string') entries.push([key, value.replace(/^#\/\$defs\//, '#/components/schemas/')]);
    else if (key !== '$schema') entries.push([key, pointAtComponents(value)]);
  }
  return Object.fromEntries(entries);
}

function schema(zodSchema: z.ZodType): Record<string, unknown> {
  return pointAtComponents(z.toJSONSchema(zodSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' })) as Record<string, unknown>;
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: schema(Problem) } },
});

/** RFC 6749 §5.2 errors of the OAuth routes, never cached. */
const NO_STORE_HEADERS = {
  'Cache-Control': { description: '`no-store`', schema: { type: 'string' } },
  Pragma: { description: '`no-cache`', schema: { type: 'string' } },
};
const oauthErrorResponse = (status: number, description: string) => ({
  description,
  headers: {
    ...NO_STORE_HEADERS,
    ...(status === 401 ? { 'WWW-Authenticate': { description: '`Basic realm="gatehouse"` when the client used Basic or no authentication', schema: { type: 'string' } } } : {}),
    ...(status === 429 ? { 'Retry-After': { description: 'Seconds until the client id is unlocked', schema: { type: 'integer' } } } : {}),
  },
  content: { 'application/json': { schema: schema(OAuthErrorBody) } },
});

/** What a browser session's answer carries when it asked with `Prefer`. */
const SESSION_COOKIE_HEADERS = {
  'Set-Cookie': {
    description: `With \`Prefer: ${COOKIE_PREFERENCE}\`: \`${REFRESH_COOKIE}=<refresh token>; Path=/; Max-Age=<session>; Secure; HttpOnly; SameSite=Strict\` (\`Max-Age=0\` when the session ends)`,
    schema: { type: 'string' },
  },
  'Preference-Applied': { description: `\`${COOKIE_PREFERENCE}\` when the cookie was used`, schema: { type: 'string' } },
};

/**
 * One query parameter per property of the route's zod query schema: the same schema the
 * pipeline validates with, so a generated client can page and filter exactly as the API accepts.
 */
function queryParameters(query: z.ZodType): Array<Record<string, unknown>> {
  const object = schema(query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    required: object.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: property,
  }));
}

const SCIM_MEDIA_TYPE = 'application/scim+json';

/** The OpenAPI 3.1 document, generated from the route table and its zod schemas. */
export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes as readonly RouteDef[]) {
    const parameters: Array<Record<string, unknown>> = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.query) parameters.push(...queryParameters(route.query));
    if (route.sessionCookie) {
      parameters.push({
        name: 'Prefer',
        in: 'header',
        required: false,
        schema: { type: 'string', enum: [COOKIE_PREFERENCE] },
        description:
          route.sessionCookie === 'issues'
            ? 'Browser sessions: the refresh token is set as the HttpOnly cookie `' + REFRESH_COOKIE + '` instead of appearing in the answer'
            : route.sessionCookie === 'reads'
              ? 'Browser sessions: without `refreshToken` in the body, the `' + REFRESH_COOKIE + '` cookie is used and rotated (cleared on 401)'
              : 'Browser sessions: without `refreshToken` in the body, the `' + REFRESH_COOKIE + '` cookie is used, and cleared',
      });
      if (route.sessionCookie !== 'issues') {
        parameters.push({ name: REFRESH_COOKIE, in: 'cookie', required: false, schema: { type: 'string' }, description: 'The browser session’s refresh token (read only with the `Prefer` header)' });
      }
    }
    const responses: Record<string, unknown> = {};
    const oauth = route.errors === 'oauth';
    const scim = route.errors === 'scim';
    const mediaType = scim ? SCIM_MEDIA_TYPE : 'application/json';
    const errorResponse = (status: number, description: string) =>
      oauth
        ? oauthErrorResponse(status, description)
        : scim
          ? { description, content: { [SCIM_MEDIA_TYPE]: { schema: schema(responseSchemas.ScimErrorBody) } } }
          : route.errors === 'page'
          ? { description, content: { 'text/html': { schema: { type: 'string' } } } }
          : problemResponse(description);
    for (const [status, response] of Object.entries(route.responses)) {
      if (!response) continue;
      responses[status] =
        Number(status) >= 400
          ? errorResponse(Number(status), response.description)
          : {
              description: response.description,
              ...(route.sessionCookie ? { headers: SESSION_COOKIE_HEADERS } : oauth ? { headers: NO_STORE_HEADERS } : {}),
              ...(response.schema
                ? {
                    content: {
                      [mediaType]: { schema: schema(responseSchemas[response.schema]) },
                      ...Object.fromEntries((Number(status) === 200 ? route.produces ?? [] : []).map((type) => [type, { schema: { type: 'string' } }])),
                    },
                  }
                : {}),
            };
    }
    if (route.body) responses['400'] ??= oauth ? errorResponse(400, '`invalid_request`') : scim ? errorResponse(400, '`invalidSyntax`, `invalidValue`, …') : problemResponse('`validation_failed` or `invalid_json`; `errors[]` names each field');
    if (route.auth === 'user') responses['401'] ??= errorResponse(401, '`unauthorized`: missing, invalid, expired or revoked token');
    if (route.auth === 'scim') responses['401'] ??= errorResponse(401, 'Missing, unknown or revoked SCIM token, or any other credential');
    responses['429'] ??= errorResponse(429, oauth ? 'Too many attempts; see `Retry-After`' : '`too_many_requests`');
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operation,
      summary: route.summary,
      tags: [route.group],
      ...(route.auth === 'user' ? { security: [{ bearer: [] }] } : route.auth === 'scim' ? { security: [{ scimBearer: [] }] } : route.auth === 'optional' ? { security: [{ bearer: [] }, {}] } : oauth ? { security: [{ clientBasic: [] }, {}] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: !route.body.safeParse({}).success,
              content: scim
                ? { [SCIM_MEDIA_TYPE]: { schema: schema(route.body) }, 'application/json': { schema: schema(route.body) } }
                : { [route.encoding === 'form' ? FORM_MEDIA_TYPE : 'application/json']: { schema: schema(route.body) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse',
      version: '1',
      description:
        'User management for a multi-tenant SaaS. Errors are RFC 9457 problem documents with a stable `code`. ' +
        'Single resources carry `version` and an `ETag`; `If-Match` with a stale version answers 412. ' +
        'Every answer carries `X-Request-Id`. Refresh tokens rotate on every use, and presenting a spent one ends its session. ' +
        'Browsers send `Prefer: ' + COOKIE_PREFERENCE + '` to the login, challenge, activation, refresh and logout routes: ' +
        'the refresh token then lives only in an HttpOnly, Secure, SameSite=Strict cookie (`' + REFRESH_COOKIE + '`), never in a body a script can read. ' +
        'The OAuth 2.0 routes (`/oauth2/*`) take `application/x-www-form-urlencoded` bodies and answer errors as RFC 6749 `{ error, error_description }`.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API token' },
        scimBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'SCIM token (gscim_…)', description: 'The organization directory’s SCIM token: valid only on /scim/v2, and the only credential /scim/v2 accepts' },
        clientBasic: {
          type: 'http',
          scheme: 'basic',
          description: 'OAuth client authentication (client_secret_basic); client_secret_post puts `client_id` and `client_secret` in the form instead. For client credentials: the user id and one of its API tokens.',
        },
      },
      schemas: Object.fromEntries(Object.entries(named).sort(([a], [b]) => a.localeCompare(b))),
    },
    paths,
  };
}
