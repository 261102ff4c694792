import { nowIso, nowSeconds } from '../clock';
import { config } from '../config';
import type { Principal, RequestContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { transact } from '../data/transact';
import { addSession, getUser, removeLiveSessionItem, removeSession, removeSessionItem, type UserRecord } from '../data/users';
import { requestScope } from '../request-scope';
import { deleteSession, deleteSessionIfCurrent, getSession, putSession, rotateSession, type SessionRecord } from '../data/sessions';
import { Problem, unauthorized } from '../errors';
import { hashToken, randomSecret, safeEqual, timeOrderedId } from '../ids';
import { ACCESS_TOKEN_SECONDS, signAccessToken, verifyAccessToken } from '../auth/jwt';
import { effectivePermissions } from '../auth/permissions';
import { CONSOLE_CLIENT_ID, joinScope, splitScope } from '../auth/tokens';
import { apiTokenUsable } from './api-tokens';
import { logger } from '../log';
import { describeUserAgent } from '../auth/user-agent';
import { DEVICES_KEPT, DEVICE_MEMORY_SECONDS, noticeNewDevice } from './new-device';

/** ASVS 7.1.2's documented limit: a 51st sign-in ends the user's oldest session. */
export const MAX_SESSIONS_PER_USER = 50;
const PURPOSE = 'refresh';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/**
 * A refresh token names its user and session so that a refresh needs one read (the user,
 * which also says whether the session is live) and one conditional write (the rotation).
 */
interface ParsedRefreshToken {
  orgId: string;
  userId: string;
  sessionId: string;
  secret: string;
}
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REFRESH_TOKEN = new RegExp(`^(${UUID})\\.(${UUID})\\.(${UUID})\\.([A-Za-z0-9_-]{43})$`);

function parseRefreshToken(token: string): ParsedRefreshToken | undefined {
  const match = REFRESH_TOKEN.exec(token);
  if (!match) return undefined;
  const [, orgId, userId, sessionId, secret] = match as unknown as [string, string, string, string, string];
  return { orgId, userId, sessionId, secret };
}

const formatRefreshToken = (parts: ParsedRefreshToken) => `${parts.orgId}.${parts.userId}.${parts.sessionId}.${parts.secret}`;

/** The access token of a human session: its scope is what the user holds now. */
export const sessionAccessToken = (user: UserRecord, sessionId: string, clientId: string = CONSOLE_CLIENT_ID, how?: SignIn) =>
  signAccessToken({
    sub: user.id,
    client_id: clientId,
    scope: joinScope(effectivePermissions(user)),
    org: user.orgId,
    role: user.role,
    sid: sessionId,
    ...(how ? { amr: how.amr, auth_time: how.authTime, ...(how.idp ? { idp: how.idp } : {}) } : {}),
  });

/** How and when a session's sign-in authenticated (RFC 8176 `amr`, `auth_time`). */
interface SignIn {
  amr: string[];
  authTime: number;
  /** The enterprise SSO connection the sign-in came through. */
  idp?: string;
}

/** `amr` of a password sign-in, with or without a TOTP or recovery code (api/passkeys.md "amr in tokens"). */
export const passwordAmr = (mfa: boolean): string[] => (mfa ? ['pwd', 'otp', 'mfa'] : ['pwd']);

/** What a session item says about its sign-in; older items without `amr` are read from `mfa`. */
const signInOf = (session: Pick<SessionRecord, 'amr' | 'authTime' | 'mfa' | 'createdAt' | 'idp'>): SignIn => ({
  amr: session.amr ?? passwordAmr(Boolean(session.mfa)),
  authTime: session.authTime ?? Math.floor(Date.parse(session.createdAt) / 1000),
  ...(session.idp ? { idp: session.idp } : {}),
});

/** `appId`: a registered app's session, whose access tokens name the app as `client_id`. */
async function tokensFor(user: UserRecord, sessionId: string, refreshToken: string, appId?: string, how?: SignIn): Promise<Tokens> {
  const accessToken = await sessionAccessToken(user, sessionId, appId, how);
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_SECONDS };
}

const sessionLive = (user: UserRecord, sessionId: string) =>
  user.status === 'active' && (user.sessions?.[sessionId] ?? 0) > nowSeconds();

/** What a session records about how it started (the OIDC sign-in passes its app's id as `client`). */
export interface SessionMeta {
  ip: string;
  userAgent?: string;
  /** `console` for the browser cookie session, `api` for other callers, or a registered app's id. */
  client: string;
  /** A second factor was used to sign in. */
  mfa: boolean;
  /** RFC 8176 methods of this sign-in; by default those of a password (and code, with `mfa`). */
  amr?: string[];
  /** For the audit event when the new session ends the oldest. */
  requestId?: string;
  /** A registered app's session (OpenID Connect): its id, chosen before, and how the person signed in. */
  app?: { sessionId: string; authTime: number; amr: string[]; scope: string; ssoSessionId: string };
  /**
   * An enterprise SSO sign-in: the connection it came through (its deletion ends the session).
   * An app's session made from such a sign-in names it too, so it ends with the connection.
   */
  idp?: string;
  /** A session id chosen before (an SSO sign-in that goes on to complete an app's request). */
  sessionId?: string;
}

/** The metadata of a sign-in made through this request. */
export const sessionMeta = (ctx: RequestContext, fields: { mfa: boolean; amr?: string[]; client?: string }): SessionMeta => ({
  ip: ctx.ip,
  userAgent: ctx.userAgent,
  requestId: ctx.requestId,
  client: fields.client ?? (ctx.browserSession ? 'console' : 'api'),
  mfa: fields.mfa,
  amr: fields.amr ?? passwordAmr(fields.mfa),
});

/**
 * Starts a session for a user whose credentials were just checked: the session item first,
 * then the user item that makes it live (a crash in between leaves an unusable orphan that
 * its TTL removes, never a usable half-session). The user write also ends the oldest session
 * beyond the cap (audited with it) and marks the device seen; a device not seen in 90 days
 * gets the user a notice email, whose failure never fails the sign-in.
 */
export async function startSession(user: UserRecord, meta: SessionMeta): Promise<Tokens> {
  const { sessionId = meta.sessionId ?? timeOrderedId(), ...app } = meta.app ?? {};
  const how: SignIn = {
    amr: meta.app?.amr ?? (meta.idp ? ['ext'] : meta.amr ?? passwordAmr(meta.mfa)),
    authTime: meta.app?.authTime ?? nowSeconds(),
    ...(meta.idp ? { idp: meta.idp } : {}),
  };
  const parts = { orgId: user.orgId, userId: user.id, sessionId, secret: randomSecret() };
  const now = nowSeconds();
  const at = nowIso();
  const expiresAt = now + config().SESSION_DAYS * 86400;
  const agent = describeUserAgent(meta.userAgent);
  const session = putSession({
    orgId: user.orgId,
    userId: user.id,
    id: parts.sessionId,
    hash: hashToken(PURPOSE, parts.secret),
    createdAt: at,
    lastUsedAt: at,
    expiresAt,
    ip: meta.ip,
    ...(meta.userAgent ? { userAgent: meta.userAgent } : {}),
    browser: agent.browser,
    os: agent.os,
    client: meta.client,
    mfa: meta.mfa,
    amr: how.amr,
    authTime: how.authTime,
    ...(meta.idp ? { idp: meta.idp } : {}),
    ...app,
  });
  const { item, evicted } = addSession(user, { id: parts.sessionId, expiresAt }, {
    now,
    maxSessions: MAX_SESSIONS_PER_USER,
    lastLoginAt: at,
    device: { key: agent.device, keep: DEVICES_KEPT, forgetBefore: now - DEVICE_MEMORY_SECONDS },
  });
  // The session and its place in the user's list are one change: written together or not at all,
  // with the sign-in's audit event (the audit log shows who signed in, when, from where, how).
  const audited = { requestId: meta.requestId ?? '', ip: meta.ip };
  await transact([
    session,
    item,
    auditItem(audited, {
      orgId: user.orgId,
      action: 'session.created',
      actor: actorOf(user),
      target: userTarget(user),
      details: { session: parts.sessionId, client: meta.client, mfa: meta.mfa, browser: agent.browser, os: agent.os },
      // session.created's `data` (api/events.md): the session as it started, `id` the tokens' `sid`.
      snapshot: {
        data: {
          id: parts.sessionId,
          userId: user.id,
          client: meta.client,
          ip: meta.ip,
          userAgent: meta.userAgent ?? null,
          browser: agent.browser,
          os: agent.os,
          mfa: meta.mfa,
          createdAt: at,
          expiresAt: new Date(expiresAt * 1000).toISOString(),
        },
      },
    }, at),
    ...(evicted.length
      ? [auditItem(audited, {
          orgId: user.orgId,
          action: 'session.ended',
          actor: null,
          target: userTarget(user),
          details: { sessions: evicted, reason: `session limit (${MAX_SESSIONS_PER_USER}) reached at a new sign-in` },
        }, at)]
      : []),
  ]);
  await noticeNewDevice(user, agent, meta, now);
  return tokensFor(user, parts.sessionId, formatRefreshToken(parts), meta.app ? meta.client : undefined, how);
}

/** `undefined` is a browser that asked to use its cookie but had none. */
export async function refresh(refreshToken: string | undefined, ctx?: Pick<RequestContext, 'ip'>): Promise<Tokens> {
  return (await refreshSession(refreshToken, { ip: ctx?.ip })).tokens;
}

/**
 * The rotation itself, for /v1/auth/refresh and for a registered app's refresh_token grant
 * (`client`: only sessions issued to that app rotate, and an app's session never rotates at
 * /v1/auth/refresh). Answers the rotated session too, from the same write.
 */
export async function refreshSession(
  refreshToken: string | undefined,
  options: { ip?: string; client?: string } = {},
): Promise<{ tokens: Tokens; session: SessionRecord; user: UserRecord }> {
  const parts = refreshToken === undefined ? undefined : parseRefreshToken(refreshToken);
  if (!parts) throw unauthorized('The refresh token is not valid.');
  const user = await getUser(parts.orgId, parts.userId);
  if (!user || !sessionLive(user, parts.sessionId)) throw unauthorized('The refresh token is not valid.');

  const next = { ...parts, secret: randomSecret() };
  const presented = hashToken(PURPOSE, parts.secret);
  const result = await rotateSession(parts.orgId, parts.userId, parts.sessionId, presented, hashToken(PURPOSE, next.secret), nowIso(), options.ip, options.client);
  if (result.outcome === 'reused') {
    // A spent token came back: whoever holds the family may be an attacker, so end it.
    logger.warn('refresh token reuse; session revoked', { userId: user.id, orgId: user.orgId, sessionId: parts.sessionId });
    await endReplayedSession({ ip: options.ip }, user, parts.sessionId, 'a spent refresh token was presented again');
  }
  if (result.outcome !== 'rotated') throw unauthorized('The refresh token is not valid.');
  return { tokens: await tokensFor(user, parts.sessionId, formatRefreshToken(next), options.client, signInOf(result.session)), session: result.session, user };
}


/** Ends the session of a refresh token; silent when the token is unknown or already spent. */
export async function logout(refreshToken: string | undefined, ctx?: Pick<RequestContext, 'requestId' | 'ip'>): Promise<void> {
  const parts = refreshToken === undefined ? undefined : parseRefreshToken(refreshToken);
  if (!parts) return;
  if (await deleteSessionIfCurrent(parts.orgId, parts.sessionId, hashToken(PURPOSE, parts.secret))) {
    await endSessionAudited(ctx, parts.orgId, parts.userId, parts.sessionId, 'logout');
  }
}

/**
 * Ends one session the user (or an app on its behalf) signed out of, with its `session.ended`
 * audit event in the same write: a session that ends before it expires fires one event,
 * whatever ended it (api/events.md). Written only while the session is still the user's, so
 * a second sign-out of the same session fires nothing.
 */
export async function endSessionAudited(
  ctx: Pick<RequestContext, 'requestId' | 'ip'> | undefined,
  orgId: string,
  userId: string,
  sessionId: string,
  reason: 'logout',
): Promise<void> {
  const user = await getUser(orgId, userId);
  if (user?.sessions?.[sessionId] !== undefined) {
    const ended = new Problem(409, 'session_ended', 'The session had ended already.');
    await transact([
      removeLiveSessionItem(orgId, userId, sessionId, () => ended),
      auditItem({ requestId: ctx?.requestId ?? requestScope()?.requestId ?? '', ip: ctx?.ip ?? '' }, {
        orgId,
        action: 'session.ended',
        actor: actorOf(user),
        target: userTarget(user),
        details: { sessions: [sessionId], reason },
      }, nowIso()),
    ]).catch((error: unknown) => {
      if (error !== ended) throw error;
    });
  }
  await deleteSession(orgId, sessionId);
}

/**
 * Every authenticated request: verify the JWT offline, then read the user (the one read)
 * and judge by its current state — status, role and whether this session is still live, or,
 * for a client-credentials token, whether the API token it was exchanged for still is.
 */
export async function authenticateAccessToken(bearer: string): Promise<Principal> {
  const claims = await verifyAccessToken(bearer);
  if (!claims) throw unauthorized('The access token is not valid.');
  const user = await getUser(claims.org, claims.sub);
  if (user && claims.sid !== undefined && sessionLive(user, claims.sid)) return { orgId: user.orgId, user, sessionId: claims.sid };
  if (user && claims.api_token_id !== undefined && apiTokenUsable(user, claims.api_token_id)) {
    return { orgId: user.orgId, user, apiTokenId: claims.api_token_id, scope: splitScope(claims.scope) };
  }
  throw unauthorized('The access token is not valid.');
}

/** Whether a session is live now (introspection, revocation). */
export const isSessionLive = sessionLive;

/** Whether a string has the shape of a refresh token (no read). */
export const looksLikeRefreshToken = (token: string) => parseRefreshToken(token) !== undefined;

/**
 * A refresh token that is good now: its user is active, its session live, and it is the
 * session's current token (a spent one is not). Two reads (user, session); for introspection.
 */
export async function describeRefreshToken(token: string): Promise<{ user: UserRecord; session: SessionRecord } | undefined> {
  const parts = parseRefreshToken(token);
  if (!parts) return undefined;
  const user = await getUser(parts.orgId, parts.userId);
  if (!user || !sessionLive(user, parts.sessionId)) return undefined;
  const session = await getSession(parts.orgId, parts.sessionId);
  if (!session || session.userId !== user.id || !safeEqual(session.hash, hashToken(PURPOSE, parts.secret))) return undefined;
  return { user, session };
}

/**
 * Ends a session that a replayed secret (a spent refresh token, a code used twice) says may be
 * in a thief's hands: the user write and its audit event in one transaction, then the item.
 * A user deleted meanwhile has no session left to end.
 */
export async function endReplayedSession(
  ctx: { requestId?: string; ip?: string },
  user: Pick<UserRecord, 'orgId' | 'id' | 'login'>,
  sessionId: string,
  reason: string,
): Promise<void> {
  const gone = new Problem(404, 'not_found', 'No such user.');
  await transact([
    { ...removeSessionItem(user.orgId, user.id, sessionId), onConditionFailed: () => gone },
    auditItem({ requestId: ctx.requestId ?? '', ip: ctx.ip ?? '' }, {
      orgId: user.orgId,
      action: 'session.ended',
      actor: null,
      target: userTarget(user),
      details: { sessions: [sessionId], reason },
    }, nowIso()),
  ]).catch((error: unknown) => {
    if (error !== gone) throw error;
  });
  await deleteSession(user.orgId, sessionId);
}

/** Ends a session: its refresh token and every access token naming it stop at once. */
export async function endSession(orgId: string, userId: string, sessionId: string): Promise<void> {
  await removeSession(orgId, userId, sessionId);
  await deleteSession(orgId, sessionId);
}
