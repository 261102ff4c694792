import { nowIso, nowSeconds } from '../clock';
import { config } from '../config';
import type { Principal } from '../context';
import { addSession, getUser, removeSession, type UserRecord } from '../data/users';
import { deleteSession, deleteSessionIfCurrent, putSession, rotateSession, type SessionRecord } from '../data/sessions';
import { unauthorized } from '../errors';
import { hashToken, newId, randomSecret } from '../ids';
import { ACCESS_TOKEN_SECONDS, signAccessToken, verifyAccessToken } from '../auth/jwt';
import { logger } from '../log';

export const MAX_SESSIONS_PER_USER = 20;
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

async function tokensFor(user: UserRecord, sessionId: string, refreshToken: string, _client?: string): Promise<Tokens> {
  const accessToken = await signAccessToken({ sub: user.id, org: user.orgId, role: user.role, sid: sessionId });
  return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_SECONDS };
}

const sessionLive = (user: UserRecord, sessionId: string) =>
  user.status === 'active' && (user.sessions?.[sessionId] ?? 0) > nowSeconds();

/**
 * Starts a session for a user whose credentials were just checked: the session item first,
 * then the user item that makes it live (a crash in between leaves an unusable orphan that
 * its TTL removes, never a usable half-session).
 */
/** What a session records beside its token: who it was issued to, and (apps) how the person signed in. */
export interface SessionOptions {
  sessionId?: string;
  client?: string;
  mfa?: boolean;
  authTime?: number;
  amr?: string[];
  scope?: string;
  ssoSessionId?: string;
}

export async function startSession(user: UserRecord, options: SessionOptions = {}): Promise<Tokens> {
  const { sessionId = newId(), ...recorded } = options;
  const parts = { orgId: user.orgId, userId: user.id, sessionId, secret: randomSecret() };
  const expiresAt = nowSeconds() + config().SESSION_DAYS * 86400;
  await putSession({
    orgId: user.orgId,
    userId: user.id,
    id: parts.sessionId,
    hash: hashToken(PURPOSE, parts.secret),
    createdAt: nowIso(),
    expiresAt,
    // Every sign-in of a user with two-factor on passed its code (continueSignIn asks for it).
    mfa: user.mfa.enabled,
    ...recorded,
  });
  await addSession(user, { id: parts.sessionId, expiresAt }, {
    now: nowSeconds(),
    maxSessions: MAX_SESSIONS_PER_USER,
    lastLoginAt: nowIso(),
  });
  return tokensFor(user, parts.sessionId, formatRefreshToken(parts), options.client);
}

/** `undefined` is a browser that asked to use its cookie but had none. */
export async function refresh(refreshToken: string | undefined): Promise<Tokens> {
  return (await refreshSession(refreshToken)).tokens;
}

/**
 * The rotation itself, for /v1/auth/refresh and for a registered app's refresh_token grant
 * (`client`: only sessions issued to that app rotate, and an app's session never rotates
 * at /v1/auth/refresh). Answers the rotated session as well, read by the same write.
 */
export async function refreshSession(refreshToken: string | undefined, options: { client?: string } = {}): Promise<{ tokens: Tokens; session: SessionRecord; user: UserRecord }> {
  const parts = refreshToken === undefined ? undefined : parseRefreshToken(refreshToken);
  if (!parts) throw unauthorized('The refresh token is not valid.');
  const user = await getUser(parts.orgId, parts.userId);
  if (!user || !sessionLive(user, parts.sessionId)) throw unauthorized('The refresh token is not valid.');

  const next = { ...parts, secret: randomSecret() };
  const presented = hashToken(PURPOSE, parts.secret);
  const result = await rotateSession(parts.orgId, parts.userId, parts.sessionId, presented, hashToken(PURPOSE, next.secret), nowIso(), options.client);
  if (result.outcome === 'reused') {
    // A spent token came back: whoever holds the family may be an attacker, so end it.
    logger.warn('refresh token reuse; session revoked', { userId: user.id, orgId: user.orgId });
    await endSession(parts.orgId, parts.userId, parts.sessionId);
  }
  if (result.outcome !== 'rotated') throw unauthorized('The refresh token is not valid.');
  return { tokens: await tokensFor(user, parts.sessionId, formatRefreshToken(next), options.client), session: result.session, user };
}

/** Ends a session at once: its refresh token is dead and its access tokens stop at the next request. */
export async function endSession(orgId: string, userId: string, sessionId: string): Promise<void> {
  await removeSession(orgId, userId, sessionId);
  await deleteSession(orgId, sessionId);
}

/** Ends the session of a refresh token; silent when the token is unknown or already spent. */
export async function logout(refreshToken: string | undefined): Promise<void> {
  const parts = refreshToken === undefined ? undefined : parseRefreshToken(refreshToken);
  if (!parts) return;
  if (await deleteSessionIfCurrent(parts.orgId, parts.sessionId, hashToken(PURPOSE, parts.secret))) {
    await removeSession(parts.orgId, parts.userId, parts.sessionId);
  }
}

/**
 * Every authenticated request: verify the JWT offline, then read the user (the one read)
 * and judge by its current state — status, role and whether this session is still live.
 */
export async function authenticateAccessToken(bearer: string): Promise<Principal> {
  const claims = await verifyAccessToken(bearer);
  if (!claims) throw unauthorized('The access token is not valid.');
  const user = await getUser(claims.org, claims.sub);
  if (!user || !sessionLive(user, claims.sid)) throw unauthorized('The access token is not valid.');
  return { orgId: user.orgId, user, sessionId: claims.sid };
}
