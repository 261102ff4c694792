/**
 * Domain errors carry their HTTP status and a stable machine-readable code; the pipeline's
 * single error mapper turns them into RFC 9457 problem documents. Anything that is not a
 * Problem becomes a generic 500 whose details go only to the log.
 */
export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'Problem';
  }

  get title(): string {
    return TITLES[this.status] ?? 'Error';
  }

  toJSON() {
    return {
      type: `urn:gatehouse:problem:${this.code}`,
      title: this.title,
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const validationFailed = (errors: FieldError[], detail = 'The request is not valid.') =>
  new Problem(400, 'validation_failed', detail, errors);
export const badRequest = (code: string, detail: string) => new Problem(400, code, detail);
export const unauthorized = (detail = 'Authentication is required.') => new Problem(401, 'unauthorized', detail);
export const invalidCredentials = () =>
  new Problem(401, 'invalid_credentials', 'The organization, login or password is not correct.');
export const forbidden = (detail = 'You are not allowed to do this.', code = 'forbidden') =>
  new Problem(403, code, detail);
export const notFound = (detail = 'Not found.') => new Problem(404, 'not_found', detail);
export const conflict = (code: string, detail: string) => new Problem(409, code, detail);
export const preconditionFailed = () =>
  new Problem(412, 'precondition_failed', 'The resource changed since you read it; read it again.');
/** What a 429 says was exceeded (api/production.md "Every 429"). */
export type LimitKind = 'login' | 'device' | 'ip' | 'signup' | 'email_ip' | 'recipient';

/**
 * A 429 that names its limit: `Retry-After` in whole seconds (1–3600) and the same number as
 * `retryAfter`, so a client that reads only the body can wait as long.
 */
export class RateLimited extends Problem {
  readonly retryAfter: number;

  constructor(readonly limit: LimitKind, retryAfterSeconds: number, detail: string) {
    const seconds = Math.min(3600, Math.max(1, Math.ceil(retryAfterSeconds)));
    super(429, 'too_many_requests', detail, undefined, { 'Retry-After': String(seconds) });
    this.retryAfter = seconds;
  }

  override toJSON() {
    return { ...super.toJSON(), limit: this.limit, retryAfter: this.retryAfter };
  }
}

/** Every 429 names its limit (api/production.md); a lock of a login's guesses is `login`. */
export const tooManyRequests = (retryAfterSeconds: number, detail = 'Too many attempts; try again later.', limit: LimitKind = 'login') =>
  new RateLimited(limit, retryAfterSeconds, detail);

export const reauthenticationFailed = () =>
  new Problem(403, 'reauthentication_failed', 'The password or code you confirmed with is not correct.');
/** A dependency (DynamoDB) did not answer in time. A write that timed out may still land later; transactions keep it whole. */
export const serviceUnavailable = (retryAfterSeconds: number, detail = 'The service is briefly unavailable; try again shortly.') =>
  new Problem(503, 'service_unavailable', detail, undefined, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
