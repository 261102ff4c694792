import type { Tokens } from './types';

/** An RFC 9457 problem document as the API sends it. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

export class ApiError extends Error {
  constructor(
    readonly problem: ProblemDocument,
    readonly retryAfter?: number,
  ) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
  get status() {
    return this.problem.status;
  }
  get code() {
    return this.problem.code;
  }
}

export interface Answer<T> {
  body: T;
  etag: string | null;
}

/**
 * How the console holds a session: the access token (15 minutes) only in this module's memory,
 * the refresh token only in the HttpOnly cookie the API sets when asked with `Prefer`. A reload
 * or a new tab gets a fresh access token from the cookie; no script can read either token from
 * storage, because neither is ever stored where scripts can reach.
 */
const PREFER_COOKIE = { prefer: 'refresh-token=cookie' };
let accessToken: string | undefined;
let expiresAt = 0;
const listeners = new Set<(signedIn: boolean) => void>();

export const onSessionChange = (listener: (signedIn: boolean) => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function adoptTokens(tokens: Pick<Tokens, 'accessToken' | 'expiresIn'>) {
  accessToken = tokens.accessToken;
  // Renew a minute early so a request never leaves with a token about to expire.
  expiresAt = Date.now() + (tokens.expiresIn - 60) * 1000;
  for (const listener of listeners) listener(true);
}

export function dropSession() {
  accessToken = undefined;
  expiresAt = 0;
  for (const listener of listeners) listener(false);
}

const problemOf = async (response: Response): Promise<ApiError> => {
  let problem: ProblemDocument;
  try {
    problem = (await response.json()) as ProblemDocument;
    if (typeof problem?.code !== 'string') throw new Error('not a problem document');
  } catch {
    problem = { status: response.status, code: response.status >= 500 ? 'internal_error' : 'http_error', detail: response.statusText };
  }
  const retry = Number(response.headers.get('retry-after'));
  return new ApiError({ ...problem, status: response.status }, Number.isFinite(retry) && retry > 0 ? retry : undefined);
};

let refreshing: Promise<boolean> | undefined;

/**
 * Trades the cookie for a new access token. Refresh tokens rotate and a replayed one ends the
 * session, so tabs take turns through a Web Lock: a second tab refreshes after the first has
 * stored the new cookie, never with the spent one.
 */
export function renewSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const run = async () => {
      const response = await fetch('/v1/auth/refresh', { method: 'POST', headers: PREFER_COOKIE, credentials: 'same-origin' });
      if (!response.ok) return false;
      adoptTokens((await response.json()) as Tokens);
      return true;
    };
    try {
      const ok = navigator.locks ? await navigator.locks.request('gatehouse-refresh', run) : await run();
      if (!ok) dropSession();
      return ok;
    } catch {
      return false;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

export interface RequestOptions {
  body?: unknown;
  ifMatch?: number;
  /** Public routes (login, sign-up, links) go without a bearer token. */
  anonymous?: boolean;
  /** Token-issuing routes: ask for the refresh token as the HttpOnly cookie. */
  session?: boolean;
  /** Answer the body as text (the CSV export), not parsed JSON. */
  text?: boolean;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
  const send = async () => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    if (options.session) Object.assign(headers, PREFER_COOKIE);
    if (!options.anonymous && accessToken) headers.authorization = `Bearer ${accessToken}`;
    return fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  };
  if (!options.anonymous && (!accessToken || Date.now() > expiresAt)) await renewSession();
  let response = await send();
  // A token refused early (revoked, or a clock off) gets one renewal and one retry.
  if (response.status === 401 && !options.anonymous && accessToken) {
    response = (await renewSession()) ? await send() : response;
    if (response.status === 401) dropSession();
  }
  if (!response.ok) throw await problemOf(response);
  const text = await response.text();
  return { body: (options.text ? text : text ? JSON.parse(text) : undefined) as T, etag: response.headers.get('etag') };
}

/** The session's access token for a call `request` cannot make (the sign-in flow's OAuth answers). */
export async function accessTokenNow(): Promise<string | undefined> {
  if (!accessToken || Date.now() > expiresAt) await renewSession();
  return accessToken;
}

export const get = <T>(path: string) => request<T>('GET', path).then((answer) => answer.body);

export async function logout() {
  await fetch('/v1/auth/logout', { method: 'POST', headers: PREFER_COOKIE, credentials: 'same-origin' }).catch(() => undefined);
  dropSession();
}

export const versionOf = (etag: string | null) => (etag ? Number(etag.replace(/^W\//, '').replace(/"/g, '')) : undefined);
