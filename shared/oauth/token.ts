import type { RequestContext } from '../context';
import { clientCredentialsOf, type ClientCredentials } from './clients';
import { UnsupportedGrantType } from './errors';
import { authorizationCodeGrant, refreshTokenGrant } from './grants/authorization-code';
import { clientCredentialsGrant } from './grants/client-credentials';
import type { TokenRequest } from './schemas';
import type { TokenResponse } from './responses';

/** What a grant gets: the form, how the client presented itself, and who is asking from where. */
export interface GrantRequest {
  body: TokenRequest;
  credentials: ClientCredentials;
  ctx: RequestContext;
}

/**
 * The token endpoint's grants, one entry per `grant_type`. Each grant authenticates its own
 * kind of client (client credentials: a user and its API token; authorization_code and
 * refresh_token: a registered client, via `authenticateRegisteredClient`). Discovery's
 * `grant_types_supported` is this table's keys.
 */
export const GRANTS: Record<string, (request: GrantRequest) => Promise<TokenResponse>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

/** `POST /oauth2/token` (RFC 6749 §3.2). */
export async function token(ctx: RequestContext, authorization: string | undefined, body: TokenRequest): Promise<TokenResponse> {
  const credentials = clientCredentialsOf(authorization, body);
  const grant = Object.hasOwn(GRANTS, body.grant_type) ? GRANTS[body.grant_type] : undefined;
  if (!grant) throw new UnsupportedGrantType(`Supported grant types: ${Object.keys(GRANTS).join(', ')}.`);
  return grant({ body, credentials, ctx });
}
