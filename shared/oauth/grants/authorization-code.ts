import { exchangeCode, refreshForClient } from '../../services/oidc';
import { authenticateRegisteredClient } from '../clients';
import type { TokenResponse } from '../responses';
import type { GrantRequest } from '../token';

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636): a registered app trades the code of an OpenID Connect
 * sign-in. Public apps send only `client_id`; confidential ones authenticate (Basic or form).
 */
export async function authorizationCodeGrant({ body, credentials, ctx }: GrantRequest): Promise<TokenResponse> {
  const client = await authenticateRegisteredClient(credentials, { allowPublic: true });
  return exchangeCode(ctx, client, { code: body.code, redirectUri: body.redirect_uri, codeVerifier: body.code_verifier });
}

/** RFC 6749 §6: the app's session rotates exactly like /v1/auth/refresh, and only for that app. */
export async function refreshTokenGrant({ body, credentials, ctx }: GrantRequest): Promise<TokenResponse> {
  const client = await authenticateRegisteredClient(credentials, { allowPublic: true });
  return refreshForClient(ctx, client, body.refresh_token);
}
