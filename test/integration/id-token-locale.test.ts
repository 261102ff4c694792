import * as oidc from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { useApi } from '../support/api';
import { verifiedOrg } from '../support/factories';

/**
 * The user's language in the ID token and userinfo (api/branding.md "Locale of users": with the
 * `profile` scope, `locale` when the user has one), read by openid-client, the certified
 * relying-party library, which verifies the ID token (signature, issuer, audience, nonce) itself.
 */
const api = useApi();
const WEB = { id: 'demo-web', redirectUri: 'http://127.0.0.1:8976/callback' };
let issuer: string;
let config: oidc.Configuration;

beforeAll(async () => {
  // Standard clients discover the server by its issuer: the address the test server listens on.
  issuer = api.url;
  process.env.APP_URL = issuer;
  process.env.JWT_ISSUER = issuer;
  resetConfig();
  config = await oidc.discovery(new URL(issuer), WEB.id, { token_endpoint_auth_method: 'none' }, oidc.None(), { execute: [oidc.allowInsecureRequests] });
});

/** An app's whole sign-in for a signed-in person: authorize, the console's completion, the code grant. */
async function signInToApp(accessToken: string, scope: string, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: WEB.redirectUri, scope, state, nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    ...extra,
  });
  const authorize = await fetch(url, { redirect: 'manual' });
  expect(authorize.status).toBe(302);
  const signInPage = new URL(authorize.headers.get('location')!);
  const completed = await api.request('POST', '/oauth2/authorize/complete', { token: accessToken, body: { request: signInPage.searchParams.get('request') } });
  expect(completed.status, completed.text).toBe(200);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(completed.body.redirectTo), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const claims = tokens.claims()!;
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  return { claims, info, signInPage };
}

describe('locale in the ID token and userinfo', () => {
  it('is advertised in discovery among the claims', () => {
    expect(config.serverMetadata().claims_supported).toContain('locale');
    expect(config.serverMetadata().ui_locales_supported).toEqual(['en', 'de', 'fr', 'es', 'pt-BR', 'ja']);
  });

  it('carries the user’s own locale with profile, and nothing without profile or without a chosen locale', async () => {
    const org = await verifiedOrg(api);

    // No language chosen yet: the organization's default is not the user's, so no claim.
    const unset = await signInToApp(org.rootToken, 'openid profile');
    expect(unset.claims.preferred_username).toBe('owner');
    expect(unset.claims).not.toHaveProperty('locale');
    expect(unset.info).not.toHaveProperty('locale');

    const patched = await api.request('PATCH', '/v1/me', { token: org.rootToken, body: { locale: 'PT-br' } });
    expect(patched.status, patched.text).toBe(200);

    // ui_locales picks the sign-in page's language; the token still says the user's own.
    const chosen = await signInToApp(org.rootToken, 'openid profile email', { ui_locales: 'ja de' });
    expect(chosen.signInPage.searchParams.get('lang')).toBe('ja');
    expect(chosen.claims).toMatchObject({ sub: org.root.id, locale: 'pt-BR' });
    expect(chosen.info).toMatchObject({ sub: org.root.id, locale: 'pt-BR' });

    // Without profile the claim is withheld, like name and login (OIDC Core §5.4).
    const withheld = await signInToApp(org.rootToken, 'openid email');
    expect(withheld.claims).not.toHaveProperty('locale');
    expect(withheld.info).not.toHaveProperty('locale');

    // A change is seen at the next sign-in: the claim is read from the user, not remembered.
    await api.request('PATCH', '/v1/me', { token: org.rootToken, body: { locale: 'de' } });
    expect((await signInToApp(org.rootToken, 'openid profile')).claims.locale).toBe('de');
  });
});
