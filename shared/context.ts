import type { UserRecord } from './data/users';

/** Who is calling and from where; built by the pipeline, read by services and the audit log. */
export interface RequestContext {
  requestId: string;
  ip: string;
  userAgent?: string;
  /** The browser asked for its refresh token in the HttpOnly cookie: the console's session. */
  browserSession?: boolean;
}

export interface Principal {
  orgId: string;
  user: UserRecord;
  /** The session id of an access token; absent for API tokens. */
  sessionId?: string;
  /** Set when the caller authenticated with an API token. */
  apiTokenId?: string;
}

export interface AuthedContext extends RequestContext {
  principal: Principal;
}
