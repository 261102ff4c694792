import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { config } from '../../shared/config';
import { Problem } from '../../shared/errors';
import { CORS } from '../../shared/http/cors';
import { isApiPath } from '../console/policy';
import { type FunctionGroup, type RouteDef, routeKey, routes } from '../../shared/http/routes';

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
export type Handlers = Record<FunctionGroup, LambdaHandler>;

/** Node's default; API Gateway's own limit is lower (10 KiB), and it answers such requests itself. */
const MAX_HEADER_BYTES = 16 * 1024;

/** API Gateway accepts 10 MB; we stop reading well before and let the handler judge up to this. */
const MAX_READ_BYTES = 1024 * 1024;

interface Compiled {
  route: RouteDef;
  pattern: RegExp;
  names: string[];
  /** The route's place in the table: the first route that matches wins, as before. */
  order: number;
}

const compile = (route: RouteDef, order: number): Compiled => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names, order };
};

/**
 * The routes whose path matches, in table order. Paths without parameters are looked up by
 * their text instead of testing each of the table's regular expressions on every request.
 */
function matcher(compiled: Compiled[]): (pathname: string) => Compiled[] {
  const literal = new Map<string, Compiled[]>();
  const parameterised: Compiled[] = [];
  for (const entry of compiled) {
    if (entry.names.length) parameterised.push(entry);
    else literal.set(entry.route.path, [...(literal.get(entry.route.path) ?? []), entry]);
  }
  return (pathname) => {
    const exact = literal.get(pathname) ?? [];
    const matched = parameterised.filter((entry) => entry.pattern.test(pathname));
    return matched.length ? [...exact, ...matched].sort((a, b) => a.order - b.order) : exact;
  };
}

function lambdaContext(requestId: string, group: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `gatehouse-local-${group}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:gatehouse-local-${group}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/gatehouse-local-${group}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2, requestId: string) {
  const headers: Record<string, string | string[]> = { 'x-request-id': requestId, ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body) : undefined;
  // With its length known the answer goes out whole, as API Gateway sends it, not chunked; and
  // a text body goes to Node as a string, so it leaves with the head in one write, not two.
  if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

const problemResult = (problem: Problem, extra: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: problem.status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store', ...extra },
  body: JSON.stringify(problem.toJSON()),
});

const NO_BODY = Buffer.alloc(0);

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  // Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body (RFC 9112 §6.3):
  // Node has nothing to stream, so the GETs skip the async iteration.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return NO_BODY;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_READ_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The address API Gateway would report: the socket's peer; with TRUST_PROXY=1 (only behind
 * your own proxy, which appends the address it saw) the last X-Forwarded-For entry. No other
 * header is believed, so a client cannot choose the address its limits count against.
 */
function clientAddress(req: IncomingMessage): string {
  const socket = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  if (config().TRUST_PROXY !== '1') return socket;
  const forwarded = [req.headers['x-forwarded-for']].flat().join(',').split(',').map((entry) => entry.trim()).filter(Boolean).at(-1);
  return forwarded && isIP(forwarded) ? forwarded : socket;
}

/** Turns one HTTP request into the API Gateway HTTP API (payload 2.0) event the Lambda gets. */
export function toEvent(req: IncomingMessage, url: URL, body: Buffer, key: string, pathParameters: Record<string, string>, requestId: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const raw = req.headers;
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  if (url.search) for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const sourceIp = clientAddress(req);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: req.headers.cookie ? req.headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  };
}

/**
 * The local stand-in for API Gateway (and, with `console`, for CloudFront in front of it):
 * matches the route table, answers CORS preflights as the deployed API's CORS configuration
 * does, and calls the very handlers the Lambdas run.
 */
export function createApiServer(handlers: Handlers, options: { console?: (req: IncomingMessage, res: ServerResponse) => void } = {}): Server {
  const compiled = (routes as readonly RouteDef[]).map(compile);
  const matching = matcher(compiled);
  const origins = new Set(config().CORS_ORIGINS);

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const method = req.method ?? 'GET';
      const origin = req.headers.origin;
      if (method === 'OPTIONS') {
        const allowed = origin && origins.has(origin);
        res.writeHead(204, {
          'x-request-id': requestId,
          ...(allowed
            ? {
                'access-control-allow-origin': origin,
                'access-control-allow-methods': CORS.methods.join(','),
                'access-control-allow-headers': CORS.allowHeaders.join(','),
                'access-control-max-age': String(CORS.maxAgeSeconds),
                vary: 'Origin',
              }
            : {}),
        });
        return res.end();
      }
      // The console shares the origin: GETs outside the API's paths are its pages and files.
      if (options.console && (method === 'GET' || method === 'HEAD') && !isApiPath(url.pathname)) return options.console(req, res);
      const candidates = matching(url.pathname);
      const match = candidates.find((entry) => entry.route.method === method);
      if (!match) {
        // SCIM answers its 405s in its own error format, from the $default route, as on AWS.
        if (candidates.length && !url.pathname.startsWith('/scim/v2/')) {
          const allow = candidates.map((entry) => entry.route.method).join(', ');
          return send(res, problemResult(new Problem(405, 'method_not_allowed', `Use ${allow}.`), { allow }), requestId);
        }
        // Like the deployed $default route: an unknown path reaches the public function, which answers 404.
        const body = await readBody(req);
        return send(res, await handlers.public(toEvent(req, url, body === 'too-large' ? NO_BODY : body, '$default', {}, requestId), lambdaContext(requestId, 'public')), requestId);
      }
      const body = await readBody(req);
      if (body === 'too-large') {
        res.setHeader('connection', 'close');
        return send(res, problemResult(new Problem(413, 'payload_too_large', 'The body is too large.')), requestId);
      }
      let params: Record<string, string> = {};
      if (match.names.length) {
        const values = match.pattern.exec(url.pathname)!.slice(1);
        try {
          params = Object.fromEntries(match.names.map((name, index) => [name, decodeURIComponent(values[index]!)]));
        } catch {
          return send(res, problemResult(new Problem(404, 'not_found', 'Not found.')), requestId);
        }
      }
      const event = toEvent(req, url, body, routeKey(match.route), params, requestId);
      send(res, await handlers[match.route.group](event, lambdaContext(requestId, match.route.group)), requestId);
    } catch (error) {
      // Reaching here is a bug in the adapter or a handler; the handler's own mapper normally answers.
      process.stderr.write(`local adapter: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (!res.headersSent) send(res, problemResult(new Problem(500, 'internal_error', 'Something went wrong on our side.')), requestId);
      else res.end();
    }
  });
  server.on('clientError', answerClientError);
  return server;
}

/**
 * Requests Node refuses before any handler runs (headers over the limit, malformed HTTP) get
 * a problem document with X-Request-Id like every other 4xx, instead of Node's bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex) {
  if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new Problem(431, 'request_header_fields_too_large', `The request line and headers must be at most ${MAX_HEADER_BYTES} bytes together.`)
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new Problem(408, 'request_timeout', 'The request did not arrive in time.')
        : new Problem(400, 'bad_request', 'The request is not valid HTTP/1.1.');
  const body = JSON.stringify(problem.toJSON());
  socket.end(
    [
      `HTTP/1.1 ${problem.status} ${problem.title}`,
      'content-type: application/problem+json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      `x-request-id: ${randomUUID()}`,
      'cache-control: no-store',
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
