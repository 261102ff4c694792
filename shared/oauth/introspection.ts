import { verifyAccessToken } from '../auth/jwt';
import { effectivePermissions } from '../auth/permissions';
import { CONSOLE_CLIENT_ID, joinScope, splitScope } from '../auth/tokens';
import { config } from '../config';
import type { RequestContext } from '../context';
import { getUser, type UserRecord } from '../data/users';
import { apiTokenUsable, findApiToken, looksLikeApiToken, revokeApiTokenAs } from '../services/api-tokens';
import { describeRefreshToken, endSessionAudited, isSessionLive, logout } from '../services/sessions';
import { authenticateRegisteredClient, clientCredentialsOf, findClient, type RegisteredClient } from './clients';
import type { IntrospectionRequest, RevocationRequest } from './schemas';
import type { IntrospectionResponse } from './responses';

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** What a token can do now: its own scope, never more than its owner holds now. */
const narrowed = (scope: string, holds: readonly string[]) => joinScope(splitScope(scope).filter((name) => holds.includes(name)));

type Described =
  | { kind: 'access'; user: UserRecord; response: IntrospectionResponse; sessionId?: string; apiTokenId?: string }
  | { kind: 'refresh'; user: UserRecord; response: IntrospectionResponse; sessionId: string; token: string }
  | { kind: 'api'; user: UserRecord; response: IntrospectionResponse; apiTokenId: string };

/**
 * Any token of the deployment, judged by the current state of its user, session and API
 * token (the same rules as Gatehouse's own API); undefined when it is not good now.
 */
async function describe(token: string): Promise<Described | undefined> {
  const { JWT_ISSUER, JWT_AUDIENCE } = config();
  const base = (user: UserRecord) => ({ active: true, sub: user.id, iss: JWT_ISSUER, org: user.orgId, role: user.role });

  if (looksLikeApiToken(token)) {
    const found = await findApiToken(token);
    if (!found) return undefined;
    const { user, record } = found;
    return {
      kind: 'api',
      user,
      apiTokenId: record.id,
      response: {
        ...base(user),
        client_id: user.id,
        scope: joinScope(effectivePermissions(user, record.scopes ?? null)),
        iat: seconds(record.createdAt),
        ...(record.expiresAt ? { exp: seconds(record.expiresAt) } : {}),
        token_type: 'Bearer',
      },
    };
  }

  const described = await describeRefreshToken(token);
  if (described) {
    const { user, session } = described;
    return {
      kind: 'refresh',
      user,
      token,
      sessionId: session.id,
      response: {
        ...base(user),
        // Its access tokens' client_id: the registered app's id for an app's session, else the console's.
        client_id: session.client && findClient(session.client) ? session.client : CONSOLE_CLIENT_ID,
        scope: joinScope(effectivePermissions(user)),
        iat: seconds(session.createdAt),
        exp: session.expiresAt,
        token_type: 'refresh_token',
        sid: session.id,
      },
    };
  }

  const claims = await verifyAccessToken(token);
  if (!claims) return undefined;
  const user = await getUser(claims.org, claims.sub);
  if (!user) return undefined;
  let holds: string[];
  if (claims.sid !== undefined && isSessionLive(user, claims.sid)) holds = effectivePermissions(user);
  else if (claims.api_token_id !== undefined && apiTokenUsable(user, claims.api_token_id)) {
    holds = effectivePermissions(user, apiTokenUsable(user, claims.api_token_id)!.scopes ?? null);
  } else return undefined;
  return {
    kind: 'access',
    user,
    sessionId: claims.sid,
    apiTokenId: claims.api_token_id,
    response: {
      ...base(user),
      client_id: claims.client_id,
      scope: narrowed(claims.scope, holds),
      exp: claims.exp,
      iat: claims.iat,
      aud: JWT_AUDIENCE,
      token_type: 'Bearer',
      jti: claims.jti,
      ...(claims.sid ? { sid: claims.sid } : {}),
    },
  };
}

/**
 * RFC 7662 for confidential registered clients: how a resource server learns at once that a
 * token is no longer good (deactivated user, ended session, revoked API token, withdrawn
 * permission). Anything not good now is only `{ active: false }`.
 */
export async function introspect(authorization: string | undefined, body: IntrospectionRequest): Promise<IntrospectionResponse> {
  await authenticateRegisteredClient(clientCredentialsOf(authorization, body));
  const described = await describe(body.token);
  return described?.response ?? { active: false };
}

/**
 * RFC 7009. Confidential registered clients revoke any token of the deployment; a public
 * client only tokens issued to it. What ends:
 * - a refresh token, or an access token of a human session: the session (so every access
 *   token of it stops on Gatehouse's own API at once);
 * - an access token from client credentials: the API token it was exchanged for. A single
 *   access token cannot be revoked alone without a deny list that every request would have to
 *   read; revoking the grant behind it is what RFC 7009 §2.1 recommends for refresh tokens and
 *   what containment of a leaked token needs. It is audited as `api_token.revoked`;
 * - an API token: that API token (audited).
 * Unknown, invalid or already dead tokens answer 200 as well (§2.2).
 */
export async function revoke(ctx: RequestContext, authorization: string | undefined, body: RevocationRequest): Promise<void> {
  const client = await authenticateRegisteredClient(clientCredentialsOf(authorization, body), { allowPublic: true });
  const described = await describe(body.token);
  if (!described || !mayRevoke(client, described)) return;
  const { user } = described;
  if (described.kind === 'refresh') {
    await logout(described.token, ctx);
  } else if (described.kind === 'access' && described.sessionId !== undefined) {
    await endSessionAudited(ctx, user.orgId, user.id, described.sessionId, 'logout');
  } else if (described.apiTokenId !== undefined) {
    await revokeApiTokenAs(ctx, null, user, described.apiTokenId, { client: client.id, via: 'oauth2/revoke' }).catch((error: unknown) => {
      // Revoked meanwhile by someone else: the outcome the client asked for.
      if (!(error instanceof Error && 'status' in error && (error as { status: number }).status === 404)) throw error;
    });
  }
}

const mayRevoke = (client: RegisteredClient, described: Described) =>
  client.type === 'confidential' || (described.kind !== 'api' && described.response.client_id === client.id);
