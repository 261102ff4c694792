import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { isIP } from 'node:net';
import { config } from '../config';
import type { AuthedContext, Principal, RequestContext, ScimContext, ScimPrincipal } from '../context';
import { newUsage } from '../data/client';
import { Problem, badRequest, forbidden, notFound, unauthorized, validationFailed } from '../errors';
import { safeEqual } from '../ids';
import { logger } from '../log';
import { withinScope } from '../request-scope';
import { authenticate } from '../services/authenticate';
import { CORS } from './cors';
import { EDGE_SECRET_HEADER, VIEWER_IP_HEADER } from './edge';
import { deviceCookieOf, deviceSetCookie } from './device-cookie';
import { COOKIE_PREFERENCE, clearRefreshCookie, prefersCookie, refreshCookieOf, setRefreshCookie } from './session-cookie';
import { type RouteDef, routeKey } from './route';
import { toOAuthError } from '../oauth/errors';
import { SCIM_CONTENT_TYPE, scimUnauthorized, toScimError } from '../scim/errors';
import { scimFallback } from '../scim/fallback';
import { admitScim, authenticateScimToken } from '../services/scim-auth';
import { parseFormBody } from './form';
import { htmlPage } from './html-page';
import { cameThroughEdge } from './origin-guard';

export const MAX_BODY_BYTES = 64 * 1024;

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Reply {
  status: number;
  body?: unknown;
  /** A page for a person's browser instead of JSON (the OpenID Connect error pages). */
  html?: string;
  headers?: Record<string, string>;
  cookies?: string[];
}

export interface HandlerRequest<R extends RouteDef> {
  body: Infer<R['body']>;
  query: Infer<R['query']>;
  params: Record<string, string>;
  /** The query string as sent, for routes that must see repeated or exactly-encoded parameters. */
  rawQuery: string;
  /** The version named by `If-Match`, when the client sent one. */
  ifMatch?: number;
  /** The raw `Authorization` header (OAuth client authentication reads `Basic` from it). */
  authorization?: string;
  /** The raw `Accept-Language` header, for the public pages' language negotiation. */
  acceptLanguage?: string;
  /** The request's cookies as one `Cookie` header (the SSO flow cookie). */
  cookie?: string;
  ctx: R['auth'] extends 'user'
    ? AuthedContext
    : R['auth'] extends 'optional'
      ? RequestContext & { principal?: Principal }
      : R['auth'] extends 'scim'
        ? ScimContext
        : RequestContext;
}

/** One implementation per operation of a group's route table, each typed by its own route. */
export type Implementations<Table extends readonly RouteDef[]> = {
  [Op in Table[number]['operation']]: (request: HandlerRequest<Extract<Table[number], { operation: Op }>>) => Promise<Reply>;
};

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

interface State {
  route: RouteDef;
  ctx: RequestContext;
  body?: unknown;
  query?: unknown;
  ifMatch?: number;
  principal?: Principal;
  scim?: ScimPrincipal;
  /** The browser asked for its refresh token in the HttpOnly cookie (session routes only). */
  cookieSession?: boolean;
}
const states = new WeakMap<Event, State>();
/** The problem code each failed request answered, for its access-log line. */
const problemCodes = new WeakMap<Event, string>();

const dotted = (parts: unknown[]) => parts.filter((part) => part !== undefined && part !== '').map(String).join('.') || '(body)';

/** One entry per offending field, with its dotted path (`address.country`). */
const zodErrors = (error: z.ZodError, prefix?: string) =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: dotted([prefix, ...issue.path, key]), message: 'is not a known field' }))
      : [{ path: dotted([prefix, ...issue.path]), message: issue.message }],
  );

/** A field that names a language we do not have is its own error (api/branding.md); others are validation_failed. */
function invalidBody(error: z.ZodError, prefix?: string): Problem {
  const locale = error.issues.find((issue) => issue.code === 'custom' && (issue.params as { problem?: string } | undefined)?.problem === 'unsupported_locale');
  if (locale) return new Problem(400, 'unsupported_locale', 'Languages are en, de, fr, es, pt-BR and ja.', zodErrors(error, prefix));
  return validationFailed(zodErrors(error, prefix));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text, for every route whatever its media type: what the request says about its
 * bytes must be true, or it is refused rather than decoded by guesswork. No Content-Encoding
 * is decoded (415), a charset other than UTF-8 is refused (415), and bytes that are not
 * UTF-8 are a 400 instead of silently becoming U+FFFD.
 */
function bodyText(event: Event, limit: number): string {
  if (!event.body) return '';
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length === 0) return '';
  if (bytes.length > limit) throw new Problem(413, 'payload_too_large', `The body must be at most ${limit} bytes.`);
  const encoding = event.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new Problem(415, 'unsupported_content_encoding', 'Send the body without Content-Encoding: the API decodes none.');
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(event.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new Problem(415, 'unsupported_charset', 'Send the body in UTF-8 (charset=utf-8, or no charset).');
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw badRequest('invalid_utf8', 'The body is not valid UTF-8.');
  }
}

/** The one JSON media type the document declares; `application/*+json` types are not documented, so not taken. */
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
/** SCIM clients send either (RFC 7644 §3.1; Okta POSTs application/json). */
const SCIM_MEDIA_TYPE = /^application\/(scim\+)?json\s*(;|$)/i;

function parseBody(route: RouteDef, raw: string, contentType = ''): unknown {
  const empty = raw.trim() === '';
  if (!empty && !(route.errors === 'scim' ? SCIM_MEDIA_TYPE : JSON_MEDIA_TYPE).test(contentType)) {
    throw new Problem(415, 'unsupported_media_type', route.errors === 'scim' ? 'Send the body as application/scim+json or application/json.' : 'Send the body as application/json.');
  }
  let parsed: unknown = {};
  if (!empty) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw badRequest('invalid_json', 'The body is not valid JSON.');
    }
  }
  if (!route.body) {
    // Bodyless routes accept nothing or an empty object.
    if (!(parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.keys(parsed).length === 0)) {
      throw validationFailed([{ path: '(body)', message: 'this request takes no body' }]);
    }
    return undefined;
  }
  const result = route.body.safeParse(parsed);
  if (empty && !result.success) throw validationFailed([{ path: '(body)', message: 'a JSON body is required' }]);
  if (!result.success) throw invalidBody(result.error);
  return result.data;
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match) throw validationFailed([{ path: 'If-Match', message: 'must be an ETag such as "3"' }]);
  return Number(match[1]);
}

/**
 * The address the request came from: API Gateway's peer, or, for requests that came through
 * our CloudFront distribution (proved by the edge secret), the viewer address it reports.
 * X-Forwarded-For is client-controlled and never believed.
 */
function clientIp(event: Event): string {
  const secret = config().EDGE_SECRET;
  const viewer = event.headers[VIEWER_IP_HEADER];
  if (secret && viewer && isIP(viewer) && safeEqual(event.headers[EDGE_SECRET_HEADER] ?? '', secret)) return viewer;
  return event.requestContext.http.sourceIp;
}

const bearer = (event: Event): string | undefined => {
  const match = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(event.headers.authorization ?? '');
  return match?.[1];
};

/** before: find the route, build the request context, parse and validate, authenticate. */
const prepare = (table: Map<string, RouteDef>): middy.MiddlewareObj<Event, Result> => ({
  before: async (request) => {
    const event = request.event;
    // On AWS, before anything else: API Gateway's own URL is public, and only CloudFront runs the WAF.
    if (!(await cameThroughEdge(event.headers))) throw forbidden('Use the deployment’s own address.');
    const route = table.get(event.routeKey);
    if (!route) {
      // Under /scim/v2 even an unknown path or method answers in SCIM's own format.
      const scim = scimFallback(event.requestContext?.http?.method ?? 'GET', event.rawPath ?? '');
      if (scim) throw scim;
      throw notFound('No such route.');
    }
    const ctx: RequestContext = {
      requestId: event.requestContext.requestId,
      ip: clientIp(event),
      userAgent: event.headers['user-agent']?.slice(0, 256),
      device: { presented: deviceCookieOf(event) },
    };
    const state: State = { route, ctx };
    states.set(event, state);
    const raw = bodyText(event, route.maxBodyBytes ?? MAX_BODY_BYTES);
    const contentType = event.headers['content-type'];
    state.body = route.encoding === 'form' ? parseFormBody(route.body, raw, contentType) : parseBody(route, raw, contentType);
    if (route.sessionCookie && prefersCookie(event.headers)) {
      state.cookieSession = true;
      ctx.browserSession = true;
      const body = state.body as { refreshToken?: string };
      if (route.sessionCookie !== 'issues' && body.refreshToken === undefined) body.refreshToken = refreshCookieOf(event);
    }
    if (route.query) {
      const result = route.query.safeParse(event.queryStringParameters ?? {});
      if (!result.success) throw invalidBody(result.error, 'query');
      state.query = result.data;
    }
    state.ifMatch = parseIfMatch(event.headers['if-match']);
    if (route.auth === 'user') {
      const token = bearer(event);
      if (!token) throw unauthorized();
      state.principal = await authenticate(token);
    } else if (route.auth === 'scim') {
      // Only a SCIM token: an access token, API token, Basic or any other scheme is a 401.
      const token = bearer(event);
      state.scim = token ? await authenticateScimToken(token) : undefined;
      if (!state.scim) throw scimUnauthorized();
      await admitScim(state.scim, ctx.ip);
    } else if (route.auth === 'optional') {
      const token = bearer(event);
      if (token) state.principal = await authenticate(token);
      else if (event.headers.authorization) throw unauthorized();
    }
  },
});

/** Moves a refresh token from the answer into the HttpOnly cookie; a logout clears the cookie. */
function toCookieSession(reply: Reply, route: RouteDef): Reply {
  const body = reply.body as { refreshToken?: unknown } | undefined;
  const headers = { ...reply.headers, 'preference-applied': COOKIE_PREFERENCE };
  if (body && typeof body.refreshToken === 'string') {
    const { refreshToken, ...rest } = body;
    return { ...reply, body: rest, headers, cookies: [...(reply.cookies ?? []), setRefreshCookie(refreshToken)] };
  }
  if (route.sessionCookie === 'ends') return { ...reply, headers, cookies: [...(reply.cookies ?? []), clearRefreshCookie()] };
  return reply;
}

function respond(reply: Reply, route: RouteDef | undefined): Result {
  const headers: Record<string, string> = {
    'cache-control': route?.cacheSeconds ? `public, max-age=${route.cacheSeconds}` : 'no-store',
    // RFC 6749 §5.1: token answers are never cached, also by HTTP/1.0 caches.
    ...(route?.errors === 'oauth' ? { pragma: 'no-cache' } : {}),
    ...Object.fromEntries(Object.entries(reply.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value])),
  };
  const cookies = reply.cookies?.length ? { cookies: reply.cookies } : {};
  if (reply.html !== undefined) {
    headers['content-type'] = 'text/html; charset=utf-8';
    return { statusCode: reply.status, headers, body: reply.html, ...cookies };
  }
  if (reply.body === undefined) return { statusCode: reply.status, headers, body: '', ...cookies };
  // Bytes (an organization's logo) name their own content type and travel base64-encoded.
  if (Buffer.isBuffer(reply.body)) return { statusCode: reply.status, headers, body: reply.body.toString('base64'), isBase64Encoded: true, ...cookies };
  // A text answer (the CSV export) names its own content type and goes out as it is.
  if (typeof reply.body === 'string' && headers['content-type'] && !/json/.test(headers['content-type'])) {
    return { statusCode: reply.status, headers, body: reply.body, ...cookies };
  }
  headers['content-type'] ??= route?.errors === 'scim' ? SCIM_CONTENT_TYPE : 'application/json; charset=utf-8';
  return { statusCode: reply.status, headers, body: JSON.stringify(reply.body), ...cookies };
}

/** The one place errors become answers: problem+json for Problems, a bare 500 for the rest. */
const problems = (): middy.MiddlewareObj<Event, Result> => ({
  onError: async (request) => {
    const error = request.error;
    const state = states.get(request.event);
    if (state?.route.errors === 'scim' || (!state && scimFallback('GET', request.event.rawPath ?? ''))) {
      const scimError = toScimError(error);
      if (scimError.status >= 500 && scimError.status !== 503) logger.error('unhandled error', { error });
      problemCodes.set(request.event, scimError.scimType ?? `scim_${scimError.status}`);
      request.response = {
        statusCode: scimError.status,
        headers: {
          'content-type': SCIM_CONTENT_TYPE,
          'cache-control': 'no-store',
          ...Object.fromEntries(Object.entries(scimError.headers).map(([key, value]) => [key.toLowerCase(), value])),
        },
        body: JSON.stringify(scimError.toJSON()),
      };
      return;
    }
    if (state?.route.errors === 'oauth') {
      const oauthError = toOAuthError(error);
      if (oauthError.status >= 500) logger.error('unhandled error', { error });
      problemCodes.set(request.event, oauthError.error);
      request.response = {
        statusCode: oauthError.status,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          pragma: 'no-cache',
          ...Object.fromEntries(Object.entries(oauthError.headers).map(([key, value]) => [key.toLowerCase(), value])),
        },
        body: JSON.stringify(oauthError.toJSON()),
      };
      return;
    }
    const problem =
      error instanceof Problem
        ? error
        : new Problem(500, 'internal_error', 'Something went wrong on our side; the request id identifies it.');
    if (!(error instanceof Problem)) logger.error('unhandled error', { error });
    problemCodes.set(request.event, problem.code);
    if (state?.route.errors === 'page') {
      request.response = respond(htmlPage(problem.status, problem.title, problem.detail), state.route);
      return;
    }
    // A refused cookie session is over: drop the cookie so the browser stops presenting it.
    const dropCookie = state?.cookieSession && state.route.sessionCookie !== 'issues' && problem.status === 401;
    request.response = {
      ...(dropCookie ? { cookies: [clearRefreshCookie()] } : {}),
      statusCode: problem.status,
      headers: {
        'content-type': 'application/problem+json; charset=utf-8',
        'cache-control': 'no-store',
        ...Object.fromEntries(Object.entries(problem.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value])),
      },
      body: JSON.stringify(problem.toJSON()),
    };
  },
});

/**
 * Builds the Lambda handler of one function group from its own route table (routes/<group>.ts):
 * normalise headers → route, parse JSON, validate with zod → authenticate → the operation →
 * security headers and CORS → one error mapper. Every answer carries X-Request-Id; one
 * access-log line per request records status, latency and DynamoDB usage, never a body.
 */
export function lambdaHandler<const Table extends readonly RouteDef[]>(groupRoutes: Table, implementations: Implementations<Table>) {
  const table = new Map<string, RouteDef>(groupRoutes.map((route) => [routeKey(route), route]));
  const origins = config().CORS_ORIGINS;
  const usageHeader = config().USAGE_HEADER === '1';

  const core = middy<Event, Result>()
    .use(httpHeaderNormalizer())
    .use(
      // No configured origin means no CORS headers at all (never `null`, which sandboxed pages send).
      httpCors({
        origins,
        headers: CORS.allowHeaders.join(','),
        exposeHeaders: CORS.exposeHeaders.join(','),
        methods: CORS.methods.join(','),
        maxAge: CORS.maxAgeSeconds,
      }),
    )
    // Its HTML-only CSP (`default-src 'none'`, sandboxed, no framing, no forms) covers the
    // OpenID Connect error pages. `navigate-to` and `report-to` (no endpoint) only make browsers
    // log warnings; the sandbox lets tools (axe-core through DevTools) evaluate in the page,
    // while `default-src 'none'` still runs no script of the page's own.
    .use(httpSecurityHeaders({ contentSecurityPolicy: { 'navigate-to': '', 'report-to': '', sandbox: 'allow-scripts' } }))
    .use(problems())
    .use(prepare(table))
    .handler(async (event) => {
      const state = states.get(event)!;
      const implementation = (implementations as Record<string, (request: HandlerRequest<RouteDef>) => Promise<Reply>>)[
        state.route.operation
      ]!;
      const ctx = state.principal ? { ...state.ctx, principal: state.principal } : state.scim ? { ...state.ctx, scim: state.scim } : state.ctx;
      const reply = await implementation({
        body: state.body as never,
        query: state.query as never,
        params: event.pathParameters as Record<string, string>,
        rawQuery: event.rawQueryString ?? '',
        ifMatch: state.ifMatch,
        authorization: event.headers.authorization,
        cookie: event.cookies?.join('; ') ?? event.headers.cookie,
        acceptLanguage: event.headers['accept-language'],
        ctx: ctx as never,
      });
      const device = await deviceSetCookie(ctx);
      if (device) reply.cookies = [...(reply.cookies ?? []), device];
      return respond(state.cookieSession ? toCookieSession(reply, state.route) : reply, state.route);
    });

  return async (event: Event, context: Context): Promise<Result> => {
    const started = performance.now();
    const usage = newUsage();
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    // One scope for the log context and the usage: each run of it is copied onto every promise.
    return withinScope({ requestId, route: event.routeKey, usage }, async () => {
      const result = await core(event, context);
      const headers = (result.headers ??= {});
      // http-security-headers blanks `Server` with undefined; drop such entries so no runtime sees them.
      for (const name in headers) if (headers[name] === undefined) delete headers[name];
      headers['x-request-id'] = requestId;
      if (usageHeader) headers['x-gatehouse-usage'] = JSON.stringify(usage);
      logger.info('request', {
        status: result.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ip: states.get(event)?.ctx.ip ?? event.requestContext?.http?.sourceIp,
        dynamodb: usage,
        ...(problemCodes.has(event) ? { problem: problemCodes.get(event) } : {}),
      });
      return result;
    });
  };
}
