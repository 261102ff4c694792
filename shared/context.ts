import type { UserRecord } from './data/users';

/** Who is calling and from where; built by the pipeline, read by services and the audit log. */
export interface RequestContext {
  requestId: string;
  ip: string;
  userAgent?: string;
  /** The browser asked for its refresh token in the HttpOnly cookie: the console's session. */
  browserSession?: boolean;
  /** The device cookie presented, and the one a completed sign-in issues (services/abuse.ts). */
  device?: DeviceSlot;
}

/** Shared by every copy of a request's context, so a service can ask for a cookie the pipeline sets. */
export interface DeviceSlot {
  /** The raw `__Host-gatehouse-device` value, if the request carried one. */
  presented?: string;
  /** The presented cookie opened (once per request): its device id and the sign-ins it names. */
  opened?: Promise<{ id: string; logins: string[] } | undefined>;
  /** Set by a completed sign-in: the cookie to send back. */
  issue?: { id: string; logins: string[] };
}

export interface Principal {
  orgId: string;
  user: UserRecord;
  /** The session id of an access token; absent for API tokens. */
  sessionId?: string;
  /** Set when the caller authenticated with an API token. */
  apiTokenId?: string;
  /** A client-credentials access token's own `scope`, which may be narrower than its API token's. */
  scope?: string[];
}

export interface AuthedContext extends RequestContext {
  principal: Principal;
}

/** The organization's directory, authenticated by one of its SCIM tokens (only on /scim/v2). */
export interface ScimPrincipal {
  orgId: string;
  slug: string;
  tokenId: string;
  tokenName: string;
  tokenHash: string;
  lastChangeAt: string | null;
}

export interface ScimContext extends RequestContext {
  scim: ScimPrincipal;
}
