import { signAccessToken } from '../../auth/jwt';
import { effectivePermissions, inCatalogOrder } from '../../auth/permissions';
import { LIFETIMES, joinScope, splitScope } from '../../auth/tokens';
import { findApiToken, noteApiTokenUse } from '../../services/api-tokens';
import { guardedAttempt } from '../../services/attempts';
import { authenticateRegisteredClient, findClient } from '../clients';
import { InvalidClient, InvalidScope, UnauthorizedClient } from '../errors';
import type { GrantRequest } from '../token';
import type { TokenResponse } from '../responses';

/**
 * Wrong secrets are counted per client id in the login lockout (5 in a row lock it, doubling
 * up to 15 minutes). `#` never occurs in an organization slug, so these counters cannot meet
 * a real login's.
 */
const LOCKOUT_SCOPE = '#oauth2-client';

/**
 * RFC 6749 §4.4 for users: client id = the user's id, client secret = one of that user's API
 * tokens (Basic or form). The access token carries the API token's effective permissions
 * (narrowed by `scope`) and the API token's id, so that on Gatehouse's own API it stops the
 * moment that API token is revoked or expires, or the user is deactivated, judged against the
 * one user read every request makes. No refresh token: the API token is the long-lived part.
 */
export async function clientCredentialsGrant({ body, credentials }: GrantRequest): Promise<TokenResponse> {
  const { clientId, clientSecret } = credentials;
  if (clientId !== undefined && findClient(clientId)) {
    // A registered application authenticated fine, but this grant is for users' API tokens.
    await authenticateRegisteredClient(credentials);
    throw new UnauthorizedClient('Registered applications sign users in with authorization_code; client_credentials takes a user id and one of its API tokens.');
  }
  if (credentials.method === 'none' || clientId === undefined || clientSecret === undefined) {
    throw new InvalidClient('Authenticate with the user id as client id and one of its API tokens as client secret (Basic or form).', credentials.method);
  }
  const found = await guardedAttempt(
    LOCKOUT_SCOPE,
    clientId.toLowerCase(),
    async () => {
      const token = await findApiToken(clientSecret);
      // Another user's API token is as wrong as a made-up one.
      return token && token.user.id === clientId ? token : undefined;
    },
    () => new InvalidClient(undefined, credentials.method),
    // The API token is the client's only factor: a right one completes its authentication.
    { completesSignIn: () => true },
  );

  const effective = effectivePermissions(found.user, found.record.scopes ?? null);
  const requested = splitScope(body.scope);
  const beyond = requested.filter((scope) => !effective.includes(scope));
  if (beyond.length) throw new InvalidScope(`This API token does not hold: ${beyond.join(' ')}`);
  const scope = joinScope(requested.length ? inCatalogOrder(requested) : effective);

  await noteApiTokenUse(found.user, found.record);
  const accessToken = await signAccessToken({
    sub: found.user.id,
    client_id: found.user.id,
    scope,
    org: found.user.orgId,
    role: found.user.role,
    api_token_id: found.record.id,
  });
  return { access_token: accessToken, token_type: 'Bearer', expires_in: LIFETIMES.accessToken, scope };
}
