import * as z from 'zod';
import { routes, type RouteDef } from './routes';
import { Problem } from './schemas';
import { COOKIE_PREFERENCE, REFRESH_COOKIE } from './session-cookie';

const schema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: schema(Problem) } },
});

/** What a browser session's answer carries when it asked with `Prefer`. */
const SESSION_COOKIE_HEADERS = {
  'Set-Cookie': {
    description: `With \`Prefer: ${COOKIE_PREFERENCE}\`: \`${REFRESH_COOKIE}=<refresh token>; Path=/; Max-Age=<session>; Secure; HttpOnly; SameSite=Strict\` (\`Max-Age=0\` when the session ends)`,
    schema: { type: 'string' },
  },
  'Preference-Applied': { description: `\`${COOKIE_PREFERENCE}\` when the cookie was used`, schema: { type: 'string' } },
};

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
    for (const [status, response] of Object.entries(route.responses)) {
      if (!response) continue;
      responses[status] =
        Number(status) >= 400
          ? problemResponse(response.description)
          : {
              description: response.description,
              ...(route.sessionCookie ? { headers: SESSION_COOKIE_HEADERS } : {}),
              ...(response.schema
                ? {
                    content: {
                      'application/json': { schema: schema(response.schema) },
                      ...Object.fromEntries((Number(status) === 200 ? route.produces ?? [] : []).map((type) => [type, { schema: { type: 'string' } }])),
                    },
                  }
                : {}),
            };
    }
    if (route.body) responses['400'] ??= problemResponse('`validation_failed` or `invalid_json`; `errors[]` names each field');
    if (route.auth === 'user') responses['401'] ??= problemResponse('`unauthorized`: missing, invalid, expired or revoked token');
    responses['429'] ??= problemResponse('`too_many_requests`');
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operation,
      summary: route.summary,
      tags: [route.group],
      ...(route.auth === 'user' ? { security: [{ bearer: [] }] } : route.auth === 'optional' ? { security: [{ bearer: [] }, {}] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: !route.body.safeParse({}).success, content: { 'application/json': { schema: schema(route.body) } } } }
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
        'the refresh token then lives only in an HttpOnly, Secure, SameSite=Strict cookie (`' + REFRESH_COOKIE + '`), never in a body a script can read.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API token' } },
    },
    paths,
  };
}
