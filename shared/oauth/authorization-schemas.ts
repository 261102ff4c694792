import * as z from 'zod';

/**
 * Schemas of the authorization-code flow's own routes (OpenID Connect Core §3.1). The
 * authorization and logout requests are parsed by the service from the raw query string
 * (repeated parameters are errors, the redirect URI is compared exactly as sent); these
 * schemas accept any string so they only document the parameters.
 */
const param = (description: string) => z.string().optional().meta({ description });

export const AuthorizeQuery = z
  .object({
    response_type: param('`code`'),
    client_id: param('A registered client (`cdk.json` `gatehouse:clients`)'),
    redirect_uri: param('Exactly one of the client’s registered redirect URIs, byte for byte'),
    scope: param('Space-separated, with `openid`; also `profile`, `email`, `offline_access`'),
    state: param('Returned untouched (at most 1024 characters)'),
    nonce: param('Copied into the ID token'),
    code_challenge: param('PKCE (RFC 7636), required: base64url SHA-256 of the verifier'),
    code_challenge_method: param('`S256` (plain is refused)'),
    prompt: param('`login` (a fresh sign-in) or `none` (no page: `login_required` without a session)'),
    max_age: param('Seconds since the last sign-in after which a fresh one is required'),
    login_hint: param('Pre-fills the login'),
    org: param('Organization slug: only its users may complete the sign-in'),
    ui_locales: param('Space-separated languages in order of preference (OpenID Connect Core 3.1.2.1): the first Gatehouse has rides to the sign-in page as `lang`'),
  })
  // Unknown parameters are the service's to judge (request objects are refused, others ignored).
  .loose();

export const PendingRequestQuery = z.strictObject({ request: z.string().min(1).max(200) });

export const CompleteBody = z
  .strictObject({
    request: z.string().min(1).max(200).meta({ description: 'The handle from `/login?request=`' }),
    error: z.enum(['login_required', 'access_denied']).optional().meta({ description: 'Without a token: tell the app the person did not sign in' }),
  })
  .meta({ id: 'OidcCompleteBody' });

export const LogoutQuery = z
  .object({
    id_token_hint: param('An ID token Gatehouse issued to the client: names the session to end'),
    post_logout_redirect_uri: param('Exactly one of the client’s registered post-logout URIs'),
    state: param('Returned untouched'),
    client_id: param('The client, when there is no id_token_hint'),
  });
