import * as client from 'openid-client';
import { loopbackAllowed, urlProblem } from '../../events/addresses';
import { AddressRefused, idpFetch } from './fetch';

/**
 * Gatehouse as the relying party of an organization's OpenID Connect IdP, through openid-client
 * (shared/api/sso.md "The authorization request"): discovery when the connection is saved,
 * code + PKCE (S256) + state + nonce at each sign-in, and at the callback every ID-token check
 * of OpenID Connect Core §3.1.3.7 (iss, aud, exp, nonce, signature, algorithm), plus `iss` of
 * RFC 9207 when the IdP sends it.
 */

export class OidcRefused extends Error {
  constructor(
    readonly code: 'sso_failed' | 'sso_denied' | 'invalid_issuer',
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * IdP URLs are an admin's input (shared/api/sso.md "Local stack"): on AWS only https:// to
 * public addresses, checked by the webhooks' rules when saved and again at every fetch
 * (idpFetch); locally also http:// to loopback, as for webhooks.
 */
const insecureAllowed = () => loopbackAllowed();

export function checkIdpUrl(value: string): URL {
  const problem = urlProblem(value);
  if (problem) throw new OidcRefused('invalid_issuer', `The URL ${problem.message}.`);
  return new URL(value);
}

/** Token endpoint authentication: client_secret_basic, unless discovery lists only client_secret_post. */
function clientAuth(metadata: Record<string, unknown>, secret: string): client.ClientAuth {
  const methods = metadata.token_endpoint_auth_methods_supported;
  const postOnly = Array.isArray(methods) && methods.includes('client_secret_post') && !methods.includes('client_secret_basic');
  return postOnly ? client.ClientSecretPost(secret) : client.ClientSecretBasic(secret);
}

/** Without a secret: building the authorization URL needs none, so the secret is opened only at the callback. */
function configuration(input: { metadata: Record<string, unknown>; clientId: string; clientSecret?: string }): client.Configuration {
  const auth = input.clientSecret ? clientAuth(input.metadata, input.clientSecret) : client.None();
  const configured = new client.Configuration(input.metadata as client.ServerMetadata, input.clientId, undefined, auth);
  configured[client.customFetch] = idpFetch;
  if (insecureAllowed()) client.allowInsecureRequests(configured);
  return configured;
}

/** Reads the issuer's discovery document now; its `issuer` must be the one entered, exactly. */
export async function discover(issuer: string, clientId: string, clientSecret: string): Promise<Record<string, unknown>> {
  const url = checkIdpUrl(issuer);
  try {
    const found = await client.discovery(url, clientId, undefined, client.ClientSecretBasic(clientSecret), {
      ...(insecureAllowed() ? { execute: [client.allowInsecureRequests] } : {}),
      [client.customFetch]: idpFetch,
      timeout: 10,
    });
    const metadata = found.serverMetadata() as unknown as Record<string, unknown>;
    if (metadata.issuer !== issuer) throw new OidcRefused('invalid_issuer', 'The discovery document names another issuer.');
    // The endpoints the document names are fetched later (or visited by the browser): the same rules hold for them.
    for (const name of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint']) {
      const endpoint = metadata[name];
      if (endpoint === undefined && name === 'userinfo_endpoint') continue;
      const problem = typeof endpoint === 'string' ? urlProblem(endpoint) : { message: 'is missing' };
      if (problem) throw new OidcRefused('invalid_issuer', `The discovery document's ${name} ${problem.message}.`);
    }
    return metadata;
  } catch (error) {
    if (error instanceof OidcRefused) throw error;
    if (error instanceof AddressRefused || (error instanceof Error && error.cause instanceof AddressRefused)) {
      throw new OidcRefused('invalid_issuer', 'The issuer’s address is not allowed: it must be https:// to a public address.');
    }
    throw new OidcRefused('invalid_issuer', 'The issuer’s discovery document could not be read.');
  }
}

export function authorizationUrl(input: {
  metadata: Record<string, unknown>;
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  verifier: string;
  challenge: string;
}): string {
  return client
    .buildAuthorizationUrl(configuration(input), {
      response_type: 'code',
      redirect_uri: input.redirectUri,
      scope: 'openid email profile',
      state: input.state,
      nonce: input.nonce,
      code_challenge: input.challenge,
      code_challenge_method: 'S256',
    })
    .href;
}

export const pkceChallenge = (verifier: string) => client.calculatePKCECodeChallenge(verifier);

export interface OidcIdentity {
  sub: string;
  claims: Record<string, unknown>;
}

/**
 * The callback: the code is redeemed only after `state` was matched by the caller; openid-client
 * checks `iss` (RFC 9207), the ID token and the nonce. Claims come from the ID token, completed
 * by userinfo for what it lacks.
 */
export async function redeem(input: {
  metadata: Record<string, unknown>;
  clientId: string;
  clientSecret: string;
  callbackUrl: URL;
  state: string;
  nonce: string;
  verifier: string;
}): Promise<OidcIdentity> {
  const configured = configuration(input);
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(configured, input.callbackUrl, {
      pkceCodeVerifier: input.verifier,
      expectedState: input.state,
      expectedNonce: input.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unknown error';
    if (/access_denied/.test(reason)) throw new OidcRefused('sso_denied', 'The identity provider said no.');
    throw new OidcRefused('sso_failed', `The identity provider’s answer failed a check: ${reason}`);
  }
  const idClaims = tokens.claims();
  if (!idClaims?.sub) throw new OidcRefused('sso_failed', 'The ID token names nobody (sub).');
  let claims: Record<string, unknown> = { ...idClaims };
  if ((claims.email === undefined || claims.groups === undefined) && tokens.access_token && input.metadata.userinfo_endpoint) {
    const info = await client.fetchUserInfo(configured, tokens.access_token, idClaims.sub).catch(() => undefined);
    if (info) claims = { ...info, ...claims };
  }
  return { sub: idClaims.sub, claims };
}
