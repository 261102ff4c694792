import { Problem } from '../errors';

/**
 * OAuth 2.0 errors (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 6750 §3.1, OpenID Connect Core
 * §3.1.2.6), typed like the rest of the house: one class per error code, each fixing its HTTP
 * status (after panva/node-oidc-provider lib/helpers/errors.js). Routes whose table entry says
 * `errors: 'oauth'` answer `{ error, error_description }`; the pipeline's one mapper renders
 * them (see `toOAuthError`).
 */
export class OAuthError extends Error {
  /** Whether the description may be shown to the client (5xx descriptions stay in the log). */
  readonly expose: boolean;

  constructor(
    readonly error: string,
    readonly status: number,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${error}: ${description}`);
    this.name = 'OAuthError';
    this.expose = status < 500;
  }

  toJSON() {
    return { error: this.error, error_description: this.expose ? this.description : 'The server could not answer; the request id identifies it.' };
  }
}

/** The realm of HTTP Basic client authentication (RFC 6749 §2.3.1). */
export const BASIC_CHALLENGE = 'Basic realm="gatehouse", charset="UTF-8"';

export class InvalidRequest extends OAuthError {
  constructor(description = 'The request is missing a parameter, repeats one, or is otherwise malformed.', status = 400, headers?: Record<string, string>) {
    super('invalid_request', status, description, headers);
  }
}

/**
 * 401, with `WWW-Authenticate: Basic` when the client tried Basic (RFC 6749 §5.2 requires it)
 * or no authentication at all (it names the scheme to use). A client that authenticated in
 * the body (`client_secret_post`) gets the JSON error without a challenge, which is what
 * relying-party libraries read as `invalid_client`.
 */
export class InvalidClient extends OAuthError {
  constructor(description = 'Client authentication failed.', method?: 'client_secret_basic' | 'client_secret_post' | 'none') {
    super('invalid_client', 401, description, method === 'client_secret_post' ? {} : { 'WWW-Authenticate': BASIC_CHALLENGE });
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description = 'The grant is invalid, expired, revoked, or was issued to another client.') {
    super('invalid_grant', 400, description);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description = 'This client may not use this grant type.') {
    super('unauthorized_client', 400, description);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description = 'The grant type is not supported.') {
    super('unsupported_grant_type', 400, description);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description = 'The requested scope is invalid, unknown, or exceeds what the client holds.') {
    super('invalid_scope', 400, description);
  }
}

/** RFC 7009 §2.2.1. */
export class UnsupportedTokenType extends OAuthError {
  constructor(description = 'This kind of token cannot be revoked here.') {
    super('unsupported_token_type', 400, description);
  }
}

/** RFC 6750 §3.1: a Bearer token at a protected OAuth resource (e.g. userinfo, issue 14). */
export class InvalidToken extends OAuthError {
  constructor(description = 'The access token is invalid, expired or revoked.') {
    super('invalid_token', 401, description, { 'WWW-Authenticate': `Bearer realm="gatehouse", error="invalid_token"` });
  }
}

/** OpenID Connect Core §3.1.2.6 (issue 14). */
export class LoginRequired extends OAuthError {
  constructor(description = 'The user must sign in.') {
    super('login_required', 401, description);
  }
}

export class AccessDenied extends OAuthError {
  constructor(description = 'The request was denied.', status = 403) {
    super('access_denied', status, description);
  }
}

export class ServerError extends OAuthError {
  constructor() {
    super('server_error', 500, 'Something went wrong on our side.');
  }
}

export class TemporarilyUnavailable extends OAuthError {
  constructor(description: string, headers?: Record<string, string>) {
    super('temporarily_unavailable', 503, description, headers);
  }
}

/**
 * Any error thrown while serving an OAuth route, as the OAuth error to answer. The house's
 * Problems (from the pipeline's parsing and validation, lockouts, outages) keep their
 * meaning: validation failures and wrong media types are `invalid_request`, a lockout keeps
 * its 429 and `Retry-After`, an outage its 503.
 */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (!(error instanceof Problem)) return new ServerError();
  const fields = error.errors?.length ? ` ${error.errors.map((field) => `${field.path}: ${field.message}`).join('; ')}` : '';
  const description = `${error.detail}${fields}`;
  if (error.status === 401) return new InvalidToken(description);
  if (error.status === 403) return new AccessDenied(description);
  if (error.status === 429 || error.status === 413) return new InvalidRequest(description, error.status, error.headers);
  if (error.status >= 500) return error.status === 503 ? new TemporarilyUnavailable(error.detail, error.headers) : new ServerError();
  return new InvalidRequest(description);
}
