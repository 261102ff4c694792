import { negotiate, parseUiLocales } from '../i18n/locales';
import { createHash } from 'node:crypto';
import { nowIso, nowSeconds } from '../clock';
import { config } from '../config';
import type { Principal, RequestContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import {
  claimAuthorizationCode,
  consumeAuthorizationRequestItem,
  getAuthorizationCode,
  getAuthorizationRequest,
  putAuthorizationCodeItem,
  putAuthorizationRequest,
  type AuthorizationRequestRecord,
} from '../data/oauth-grants';
import { orgIdBySlug } from '../data/orgs';
import { getSession } from '../data/sessions';
import { transact } from '../data/transact';
import { getUser, type UserRecord } from '../data/users';
import { badRequest } from '../errors';
import { hashToken, randomSecret, safeEqual, timeOrderedId } from '../ids';
import { logger } from '../log';
import { signIdToken, verifyIdToken } from '../auth/jwt';
import { effectivePermissions } from '../auth/permissions';
import { LIFETIMES, OIDC_SCOPES, joinScope, scopesSupported, splitScope, type IdTokenInput } from '../auth/tokens';
import { findClient, type RegisteredClient } from '../oauth/clients';
import { AccessDenied, InvalidGrant, InvalidRequest, LoginRequired } from '../oauth/errors';
import { endReplayedSession, endSessionAudited, refreshSession, sessionMeta, startSession, type Tokens } from './sessions';

/**
 * OpenID Connect's authorization-code flow with PKCE, for the SaaS's registered apps.
 *
 *   app → GET /oauth2/authorize → (pending request, 10 min) → console /login?request=<handle>
 *   console signs the person in, or uses the browser's session → POST /oauth2/authorize/complete
 *   → app's redirect_uri?code=… (60 s, single use) → POST /oauth2/token → ID, access, refresh tokens
 *
 * The app gets a session of its own (client = its id), an ordinary Gatehouse session: listed,
 * ended and refreshed like any other; its access tokens work on Gatehouse's own API.
 */
const REQUEST_PURPOSE = 'oauth-authorization-request';
const CODE_PURPOSE = 'oauth-authorization-code';

/** Bounds on what a client may put in the authorization request; beyond them it is refused. */
const LIMITS = { state: 1024, nonce: 512, loginHint: 254, scope: 2048 };
const SLUG = /^[a-z0-9-]{3,40}$/;
/** Sessions of Gatehouse's own sign-in (the console's cookie session, or /v1/auth/login's). */
const OWN_CLIENTS = ['console', 'api'];
/** RFC 7636: a S256 challenge is the base64url SHA-256 of the verifier, 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export type AuthorizeAnswer =
  /** The client or its redirect URI cannot be trusted: shown to the person, never redirected (RFC 6749 §4.1.2.1). */
  | { kind: 'page'; status: number; title: string; message: string }
  | { kind: 'redirect'; location: string };

/** `redirect_uri` with the answer's parameters, and `iss` (RFC 9207) so the app knows who answered. */
export function redirectWith(redirectUri: string, parameters: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) url.searchParams.append(name, value);
  url.searchParams.append('iss', config().JWT_ISSUER);
  return url.href;
}

const errorPage = (message: string): AuthorizeAnswer => ({ kind: 'page', status: 400, title: 'This sign-in request cannot be used', message });

/**
 * GET /oauth2/authorize. The raw query string is parsed here (not by a schema) because a
 * repeated parameter is an error of its own and the redirect URI must be compared exactly as sent.
 */
export async function authorize(rawQuery: string): Promise<AuthorizeAnswer> {
  const query = new URLSearchParams(rawQuery);
  const repeated = new Set([...query.keys()].filter((name, index, all) => all.indexOf(name) !== index));
  const clientId = query.get('client_id');
  const redirectUri = query.get('redirect_uri');
  if (!clientId || repeated.has('client_id')) return errorPage('The application did not say who it is (client_id).');
  const client = findClient(clientId);
  if (!client) return errorPage('The application that sent you here is not registered with Gatehouse.');
  // Byte-for-byte: no normalisation of case, trailing slashes, encodings or default ports.
  if (!redirectUri || repeated.has('redirect_uri') || !client.redirectUris.includes(redirectUri)) {
    return errorPage(`${client.name} asked to send you to an address it has not registered. Nothing was sent there.`);
  }

  const state = query.get('state') ?? undefined;
  const fail = (error: string, description: string): AuthorizeAnswer => ({
    kind: 'redirect',
    location: redirectWith(redirectUri, { error, error_description: description, state: state?.slice(0, LIMITS.state) }),
  });

  if (repeated.size) return fail('invalid_request', `Parameters given more than once: ${[...repeated].join(', ')}.`);
  if (query.has('request')) return fail('request_not_supported', 'Request objects are not supported.');
  if (query.has('request_uri')) return fail('request_uri_not_supported', 'request_uri is not supported.');
  if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
  if (state !== undefined && state.length > LIMITS.state) return fail('invalid_request', `state is longer than ${LIMITS.state} characters.`);

  const rawScope = query.get('scope') ?? '';
  const scopes = splitScope(rawScope);
  if (rawScope.length > LIMITS.scope || !scopes.includes('openid')) return fail('invalid_scope', 'The scope must include openid.');
  const supported = new Set(scopesSupported());
  const unknown = scopes.filter((scope) => !supported.has(scope));
  if (unknown.length) return fail('invalid_scope', `Unknown scope: ${unknown.join(' ')}.`);

  const codeChallenge = query.get('code_challenge');
  const method = query.get('code_challenge_method');
  if (!codeChallenge) return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256.');
  if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not accepted).');
  if (!S256_CHALLENGE.test(codeChallenge)) return fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the verifier.');

  const nonce = query.get('nonce') ?? undefined;
  if (nonce !== undefined && (nonce.length === 0 || nonce.length > LIMITS.nonce)) return fail('invalid_request', `nonce must be 1–${LIMITS.nonce} characters.`);

  const prompts = splitScope(query.get('prompt') ?? undefined);
  if (prompts.some((prompt) => prompt !== 'login' && prompt !== 'none') || prompts.length > 1) {
    return fail('invalid_request', 'prompt may be login or none.');
  }
  const prompt = prompts[0] as 'login' | 'none' | undefined;

  const rawMaxAge = query.get('max_age');
  if (rawMaxAge !== null && !/^\d{1,9}$/.test(rawMaxAge)) return fail('invalid_request', 'max_age must be a number of seconds.');
  const maxAge = rawMaxAge === null ? undefined : Number(rawMaxAge);

  const loginHint = query.get('login_hint') ?? undefined;
  if (loginHint !== undefined && loginHint.length > LIMITS.loginHint) return fail('invalid_request', 'login_hint is too long.');
  const org = query.get('org') ?? undefined;
  if (org !== undefined && !SLUG.test(org)) return fail('invalid_request', 'org must be an organization slug.');

  const handle = randomSecret();
  const now = nowSeconds();
  await putAuthorizationRequest({
    hash: hashToken(REQUEST_PURPOSE, handle),
    clientId: client.id,
    redirectUri,
    scope: joinScope(scopes),
    state,
    nonce,
    codeChallenge,
    prompt,
    maxAge,
    loginHint,
    org,
    createdAt: now,
    expiresAt: now + LIFETIMES.authorizeRequest,
  });
  // The first language we have of the app's ui_locales rides to the sign-in page; none matched, no lang.
  const lang = negotiate(parseUiLocales(query.get('ui_locales')?.slice(0, 512)));
  return { kind: 'redirect', location: `${config().APP_URL}/login?request=${encodeURIComponent(handle)}${lang ? `&lang=${lang}` : ''}` };
}

async function livePendingRequest(handle: string): Promise<{ request: AuthorizationRequestRecord; client: RegisteredClient }> {
  const request = handle ? await getAuthorizationRequest(hashToken(REQUEST_PURPOSE, handle)) : undefined;
  const client = request && findClient(request.clientId);
  // A client removed from the registration since the request was made is no longer trusted either.
  if (!request || request.expiresAt <= nowSeconds() || !client || !client.redirectUris.includes(request.redirectUri)) {
    throw new InvalidRequest('This sign-in request is unknown, was already used or has expired.');
  }
  return { request, client };
}

/** What the console shows while it signs the person in: never the redirect URI, state or nonce. */
export async function describeRequest(handle: string) {
  const { request, client } = await livePendingRequest(handle);
  return {
    client: { id: client.id, name: client.name },
    prompt: request.prompt ?? null,
    loginHint: request.loginHint ?? null,
    org: request.org ?? null,
    expiresAt: new Date(request.expiresAt * 1000).toISOString(),
  };
}

// A Problem, as transactions speak them; the OAuth mapper answers it as invalid_request.
const spentRequest = () => badRequest('invalid_request', 'This sign-in request was already used.');

/** `{ request, error }`: the app is told the person did not sign in (prompt=none, or cancelled). */
export async function refuseRequest(handle: string, error: 'login_required' | 'access_denied'): Promise<{ redirectTo: string }> {
  const { request } = await livePendingRequest(handle);
  await transact([consumeAuthorizationRequestItem(request.hash, spentRequest)]);
  const description = error === 'login_required' ? 'The person is not signed in.' : 'The person cancelled the sign-in.';
  return { redirectTo: redirectWith(request.redirectUri, { error, error_description: description, state: request.state }) };
}

/** How the browser's session was signed in: `["pwd"]`, or `["pwd","otp"]` with two-factor. */
const amrOf = (mfa: boolean): string[] => (mfa ? ['pwd', 'otp', 'mfa'] : ['pwd']);

/**
 * The console's half: the person signed in (or already was) and the request turns into a
 * single-use code, bound to the client, redirect URI, PKCE challenge and nonce, and to the
 * sign-in it came from (its session, when and how it authenticated).
 */
export async function completeRequest(ctx: RequestContext, handle: string, principal: Principal): Promise<{ redirectTo: string }> {
  const { request, client } = await livePendingRequest(handle);
  if (!principal.sessionId) throw new LoginRequired('Sign in with your password; an API token cannot sign in to an app.');
  const user = principal.user;
  if (request.org) {
    const orgId = await orgIdBySlug(request.org);
    if (orgId !== user.orgId) throw new AccessDenied(`${client.name} asked for a user of another organization.`, 403);
  }
  const session = await getSession(user.orgId, principal.sessionId);
  if (!session) throw new LoginRequired('The session has ended; sign in again.');
  // Only a sign-in of Gatehouse's own (the console's) completes a request, not another app's token.
  if (session.client !== undefined && !OWN_CLIENTS.includes(session.client)) throw new LoginRequired('Sign in to Gatehouse itself to continue.');
  const authTime = session.authTime ?? Math.floor(Date.parse(session.createdAt) / 1000);
  const now = nowSeconds();
  if (request.prompt === 'login' && authTime < request.createdAt) throw new LoginRequired(`${client.name} asks for a fresh sign-in.`);
  if (request.maxAge !== undefined && now - authTime > request.maxAge) throw new LoginRequired(`${client.name} asks for a sign-in within ${request.maxAge} seconds.`);

  const code = randomSecret();
  const at = nowIso();
  await transact([
    consumeAuthorizationRequestItem(request.hash, spentRequest),
    putAuthorizationCodeItem({
      hash: hashToken(CODE_PURPOSE, code),
      clientId: client.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      nonce: request.nonce,
      orgId: user.orgId,
      userId: user.id,
      sessionId: principal.sessionId,
      authTime,
      amr: session.amr ?? amrOf(Boolean(session.mfa)),
      ...(session.idp ? { idp: session.idp } : {}),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      expiresAt: now + LIFETIMES.authorizationCode,
    }),
    auditItem(ctx, { orgId: user.orgId, action: 'app.signed_in', actor: actorOf(user), target: userTarget(user), details: { client: client.id } }, at),
  ]);
  return { redirectTo: redirectWith(request.redirectUri, { code, state: request.state }) };
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  id_token: string;
  refresh_token: string;
}

/**
 * The claims `scope` releases: `profile` → name, login and the user's own `locale` (OIDC Core
 * §5.1, only when the user chose one: the organization's default is not theirs), `email` →
 * address and whether verified.
 */
function scopedClaims(user: UserRecord, scopes: string[]) {
  return {
    ...(scopes.includes('profile') ? { name: user.name, preferred_username: user.login, ...(user.locale ? { locale: user.locale } : {}) } : {}),
    ...(scopes.includes('email') && user.email ? { email: user.email, email_verified: user.emailVerified } : {}),
  };
}

const oidcScopes = (scope: string) => splitScope(scope).filter((name) => name in OIDC_SCOPES);

async function tokenResponse(user: UserRecord, tokens: Tokens & { sessionId: string }, grant: { clientId: string; scope: string; authTime: number; amr: string[]; idp?: string; nonce?: string }): Promise<TokenResponse> {
  const scopes = oidcScopes(grant.scope);
  const claims: IdTokenInput = {
    sub: user.id,
    aud: grant.clientId,
    auth_time: grant.authTime,
    ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
    sid: tokens.sessionId,
    amr: grant.amr,
    ...(grant.idp ? { idp: grant.idp } : {}),
    org: user.orgId,
    role: user.role,
    ...scopedClaims(user, scopes),
  };
  return {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    scope: joinScope([...scopes, ...effectivePermissions(user)]),
    id_token: await signIdToken(claims),
    refresh_token: tokens.refreshToken,
  };
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** Ends the session a code issued, when the code comes back (RFC 6749 §4.1.2: it may be stolen). */
async function revokeIssued(ctx: RequestContext, orgId: string, userId: string, sessionId: string | undefined) {
  logger.warn('authorization code presented again; its session is revoked', { orgId, userId });
  const user = sessionId ? await getUser(orgId, userId) : undefined;
  if (user && sessionId) await endReplayedSession(ctx, user, sessionId, 'an authorization code was presented again');
}

/** grant_type=authorization_code for an authenticated (or public) registered client. */
export async function exchangeCode(ctx: RequestContext, client: RegisteredClient, input: { code?: string; redirectUri?: string; codeVerifier?: string }): Promise<TokenResponse> {
  if (!input.code) throw new InvalidRequest('code is required.');
  if (!input.redirectUri) throw new InvalidRequest('redirect_uri is required.');
  if (!input.codeVerifier) throw new InvalidRequest('code_verifier is required (PKCE).');
  const hash = hashToken(CODE_PURPOSE, input.code);
  const code = await getAuthorizationCode(hash);
  const invalid = () => new InvalidGrant('The code is not valid, was already used, or was issued to another client or redirect URI.');
  if (!code) throw invalid();
  if (code.usedAt !== undefined) {
    await revokeIssued(ctx, code.orgId, code.userId, code.issuedSessionId);
    throw invalid();
  }
  if (code.clientId !== client.id || code.expiresAt <= nowSeconds() || code.redirectUri !== input.redirectUri) throw invalid();
  if (!VERIFIER.test(input.codeVerifier) || !safeEqual(s256(input.codeVerifier), code.codeChallenge)) {
    throw new InvalidGrant('The code_verifier does not match the code_challenge.');
  }
  const user = await getUser(code.orgId, code.userId);
  if (!user || user.status !== 'active') throw invalid();

  const sessionId = timeOrderedId();
  const claim = await claimAuthorizationCode(hash, sessionId, nowSeconds());
  if (claim.outcome === 'reused') {
    await revokeIssued(ctx, code.orgId, code.userId, claim.issuedSessionId);
    throw invalid();
  }
  const tokens = await startSession(user, {
    // The device is the browser that signed in, not the app's server that trades the code.
    ...sessionMeta({ ...ctx, ip: code.ip, userAgent: code.userAgent }, { mfa: code.amr.includes('mfa') || code.amr.includes('otp'), amr: code.amr, client: client.id }),
    app: { sessionId, authTime: code.authTime, amr: code.amr, scope: code.scope, ssoSessionId: code.sessionId },
    ...(code.idp ? { idp: code.idp } : {}),
  }).catch((error: unknown) => {
    // The user was deactivated between the read and the session write (addSession's condition).
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw invalid();
    throw error;
  });
  return tokenResponse(user, { ...tokens, sessionId }, { clientId: client.id, scope: code.scope, authTime: code.authTime, amr: code.amr, idp: code.idp, nonce: code.nonce });
}

/**
 * grant_type=refresh_token: the same rotation and reuse detection as /v1/auth/refresh, bound
 * to the client the session was issued to. The new ID token keeps the original `auth_time`.
 */
export async function refreshForClient(ctx: RequestContext, client: RegisteredClient, refreshToken: string | undefined): Promise<TokenResponse> {
  if (!refreshToken) throw new InvalidRequest('refresh_token is required.');
  const result = await refreshSession(refreshToken, { ip: ctx.ip, client: client.id }).catch((error: unknown) => {
    if (error instanceof Error && 'status' in error && (error as { status: number }).status === 401) {
      throw new InvalidGrant('The refresh token is not valid, was already used, or belongs to another client.');
    }
    throw error;
  });
  const { session, user, tokens } = result;
  return tokenResponse(user, { ...tokens, sessionId: session.id }, {
    clientId: client.id,
    scope: session.scope ?? 'openid',
    authTime: session.authTime ?? Math.floor(Date.parse(session.createdAt) / 1000),
    amr: session.amr ?? amrOf(Boolean(session.mfa)),
    idp: session.idp,
  });
}

/**
 * GET /oauth2/userinfo: `sub`, the organization and role, and only the claims the scopes granted
 * to the app's sign-in release (OIDC Core §5.4): `name` needs `profile`, `email` needs `email`.
 * An app session's access token carries permissions as its `scope`, so the OpenID scopes are
 * read from the session the app signed in with. A console session or an API token granted
 * no OpenID scope, so it gets no profile or email claims.
 */
export async function userinfo(principal: Principal) {
  const user = principal.user;
  const session = principal.sessionId ? await getSession(user.orgId, principal.sessionId) : undefined;
  const scopes = session?.userId === user.id && session.scope ? oidcScopes(session.scope) : [];
  return { sub: user.id, ...scopedClaims(user, scopes), org: user.orgId, role: user.role };
}

/** `signedOut`: a Gatehouse sign-in ended, so the browser's refresh cookie is dead too and should go. */
export type LogoutAnswer = AuthorizeAnswer & { signedOut?: boolean };

/**
 * GET /oauth2/logout (OpenID Connect RP-Initiated Logout 1.0). The session the ID token names
 * ends, with the browser's Gatehouse session whose sign-in it came from (so the next app asks
 * for the password again). Only a post-logout URI registered for that very client is followed;
 * anything else gets a page, so the endpoint is no open redirect. Without an ID token nothing
 * says which sign-in to end (and a cross-site page could sign people out at will), so nothing
 * ends and the page says so.
 */
export async function rpLogout(rawQuery: string): Promise<LogoutAnswer> {
  const query = new URLSearchParams(rawQuery);
  const hint = query.get('id_token_hint') ?? undefined;
  const postLogout = query.get('post_logout_redirect_uri') ?? undefined;
  const state = query.get('state') ?? undefined;
  let clientId = query.get('client_id') ?? undefined;

  if (!hint) {
    return { kind: 'page', status: 400, title: 'Sign-out request not valid', message: 'The application did not say which sign-in to end. To sign out of Gatehouse, use Log out in the console.' };
  }
  let hinted: { sub: string; org: string; sid: string } | undefined;
  if (hint) {
    const audience = clientId ?? unverifiedAudience(hint);
    const claims = audience ? await verifyIdToken(hint, audience, { allowExpired: true }) : undefined;
    if (!claims || typeof claims.org !== 'string') return { kind: 'page', status: 400, title: 'Sign-out request not valid', message: 'The application sent an ID token Gatehouse did not issue to it.' };
    clientId ??= audience;
    hinted = { sub: claims.sub, org: claims.org, sid: claims.sid };
  }
  const client = clientId ? findClient(clientId) : undefined;
  if (postLogout !== undefined && (!client || !client.postLogoutRedirectUris.includes(postLogout))) {
    return { kind: 'page', status: 400, title: 'Sign-out request not valid', message: 'The application asked to send you to an address it has not registered. Nothing was sent there.' };
  }
  if (clientId && !client) return { kind: 'page', status: 400, title: 'Sign-out request not valid', message: 'The application is not registered with Gatehouse.' };

  let signedOut = false;
  if (hinted) {
    const session = await getSession(hinted.org, hinted.sid);
    // Only a session of that client ends this way: a hint names a sign-in, it is not a credential for others.
    if (session && session.userId === hinted.sub && session.client === clientId) {
      await endSessionAudited(undefined, hinted.org, hinted.sub, hinted.sid, 'logout');
      if (session.ssoSessionId) await endSessionAudited(undefined, hinted.org, hinted.sub, session.ssoSessionId, 'logout');
      signedOut = true;
    }
  }
  if (postLogout) {
    const url = new URL(postLogout);
    if (state !== undefined) url.searchParams.append('state', state);
    return { kind: 'redirect', location: url.href, signedOut };
  }
  return { kind: 'page', status: 200, title: 'You are signed out', message: 'You are signed out of Gatehouse. You can close this window.', signedOut };
}

/** The `aud` of a hint before it is verified, only to pick the audience to verify it against. */
function unverifiedAudience(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown };
    return typeof payload.aud === 'string' ? payload.aud : undefined;
  } catch {
    return undefined;
  }
}
