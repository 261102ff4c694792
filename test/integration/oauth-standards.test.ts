import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { routes } from '../../shared/http/routes';
import { useApi } from '../support/api';
import { verifiedOrg } from '../support/factories';
import { jwtAuthorizer } from '../support/jwt-authorizer';
import { clientCredentials, clientSecret, serviceAccount } from '../support/oauth';

const run = promisify(execFile);
const api = useApi();

/**
 * Standard clients discover this server by its issuer, so here the issuer is the address the
 * test server really listens on (the other files keep the default).
 */
let issuer: string;
beforeAll(() => {
  issuer = api.url;
  process.env.APP_URL = issuer;
  process.env.JWT_ISSUER = issuer;
  resetConfig();
});

/** A token with a real token's header and claims, re-signed (or not) as an attacker would. */
async function forged(real: string, alg: 'EdDSA' | 'HS256' | 'none'): Promise<string> {
  const header = decodeProtectedHeader(real);
  const claims = decodeJwt(real);
  if (alg === 'none') {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ ...header, alg: 'none' })}.${encode(claims)}.`;
  }
  if (alg === 'EdDSA') {
    const { privateKey } = generateKeyPairSync('ed25519');
    return new SignJWT(claims).setProtectedHeader({ ...header, alg: 'EdDSA' }).sign(privateKey);
  }
  // Algorithm confusion: HMAC keyed with the public key everyone can fetch.
  const jwks = (await api.request('GET', '/.well-known/jwks.json')).body;
  const pem = createPublicKey({ key: jwks.keys.find((key: { kid: string }) => key.kid === header.kid), format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return new SignJWT(claims).setProtectedHeader({ ...header, alg: 'HS256' }).sign(Buffer.from(pem));
}

describe('discovery', () => {
  it('serves the same metadata at both addresses, issuer byte-equal to iss, listing only what exists', async () => {
    const oidcConfig = await api.request('GET', '/.well-known/openid-configuration');
    const rfc8414 = await api.request('GET', '/.well-known/oauth-authorization-server');
    expect(oidcConfig.status).toBe(200);
    expect(rfc8414.body).toEqual(oidcConfig.body);
    const doc = oidcConfig.body;
    expect(doc).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/oauth2/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
    });
    expect(doc.grant_types_supported).toContain('client_credentials');
    // Each key exactly as AWS authorizers and OIDC libraries expect, and nothing private.
    const jwks = await api.request('GET', doc.jwks_uri.slice(issuer.length));
    expect(jwks.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.body.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
      expect(Buffer.from(key.n, 'base64url').length).toBeGreaterThanOrEqual(256);
    }
    expect(doc.scopes_supported).toEqual(['openid', 'profile', 'email', 'offline_access', 'settings:read', 'settings:write', 'flows:edit', 'logs:read', 'devices:control']);
    // Every endpoint it names answers (none is a promise of later work).
    for (const field of Object.keys(doc).filter((key) => key.endsWith('_endpoint') || key === 'jwks_uri')) {
      const path = new URL(doc[field]).pathname;
      const answer = await api.request(field === 'jwks_uri' ? 'GET' : field === 'authorization_endpoint' || field === 'userinfo_endpoint' || field === 'end_session_endpoint' ? 'GET' : 'POST', path);
      expect(answer.status, field).not.toBe(404);
      expect(routes.some((route) => route.path === path), `${field} is a route of the table`).toBe(true);
    }

    const org = await verifiedOrg(api);
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    expect(decodeJwt(login.body.accessToken).iss).toBe(doc.issuer);
  });
});

describe('openid-client (the certified relying-party library)', () => {
  it('discovers the stack, runs client credentials, introspects and revokes', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken, 'developer', ['settings:read', 'flows:edit']);
    const insecure = { execute: [oidc.allowInsecureRequests] };

    // The service account as the OAuth client: its id and one of its API tokens.
    const asBot = await oidc.discovery(new URL(issuer), bot.id, undefined, oidc.ClientSecretBasic(bot.apiToken), insecure);
    expect(asBot.serverMetadata().issuer).toBe(issuer);
    const granted = await oidc.clientCredentialsGrant(asBot, { scope: 'flows:edit' });
    expect(granted.token_type).toBe('bearer');
    expect(granted.expires_in).toBe(900);
    expect(granted.scope).toBe('flows:edit');
    expect(granted.refresh_token).toBeUndefined();

    const asPost = await oidc.discovery(new URL(issuer), bot.id, bot.apiToken, oidc.ClientSecretPost(bot.apiToken), insecure);
    expect((await oidc.clientCredentialsGrant(asPost)).scope).toBe('settings:read flows:edit');
    await expect(oidc.clientCredentialsGrant(asPost, { scope: 'devices:control' })).rejects.toMatchObject({ error: 'invalid_scope' });

    // The resource server (a confidential registered client) introspects and revokes.
    const server = await oidc.discovery(new URL(issuer), 'demo-service', clientSecret('demo-service'), undefined, insecure);
    const active = await oidc.tokenIntrospection(server, granted.access_token);
    expect(active).toMatchObject({ active: true, sub: bot.id, client_id: bot.id, scope: 'flows:edit', iss: issuer, aud: 'gatehouse', token_type: 'Bearer', org: org.orgId, role: 'developer' });
    await oidc.tokenRevocation(server, granted.access_token);
    expect(await oidc.tokenIntrospection(server, granted.access_token)).toEqual({ active: false });
    // A client-credentials access token is revoked with its API token: the exchange stops too.
    // (Basic: openid-client reports the 401's Basic challenge; in the body: the JSON error.)
    await expect(oidc.clientCredentialsGrant(asBot)).rejects.toMatchObject({ status: 401, cause: [{ scheme: 'basic' }] });
    await expect(oidc.clientCredentialsGrant(asPost)).rejects.toMatchObject({ error: 'invalid_client', status: 401 });

    const wrong = await oidc.discovery(new URL(issuer), 'demo-service', 'not-the-secret', undefined, insecure);
    await expect(oidc.tokenIntrospection(wrong, granted.access_token)).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
  });
});

describe('Debian’s python3-jwt (PyJWT)', () => {
  // Debian installs its modules for /usr/bin/python3; a python3 of pyenv or a venv would not see them.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script = String.raw`
import json, sys, urllib.request
import jwt
issuer, audience, token = sys.argv[1:4]
config = json.load(urllib.request.urlopen(issuer + "/.well-known/openid-configuration"))
assert config["issuer"] == issuer, "issuer"
key = jwt.PyJWKClient(config["jwks_uri"]).get_signing_key_from_jwt(token)
claims = jwt.decode(token, key.key, algorithms=config["id_token_signing_alg_values_supported"], audience=audience, issuer=issuer,
                    options={"require": ["exp", "iat", "iss", "aud", "sub"]})
print(json.dumps({"kid": key.key_id, "version": jwt.__version__, "claims": claims}))
`;

  it('verifies an access token through discovery and PyJWKClient, and refuses a forged one (the module must be installed: .ci/run does)', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken, 'developer', ['settings:read']);
    const token = (await clientCredentials(api, bot.id, bot.apiToken)).body.access_token;

    const { stdout } = await run(python, ['-c', script, issuer, 'gatehouse', token]);
    const verified = JSON.parse(stdout);
    expect(verified.kid).toBe(decodeProtectedHeader(token).kid);
    expect(verified.claims).toMatchObject({ sub: bot.id, scope: 'settings:read', org: org.orgId, iss: issuer, aud: 'gatehouse' });

    for (const alg of ['HS256', 'none'] as const) {
      await expect(run(python, ['-c', script, issuer, 'gatehouse', await forged(token, alg)])).rejects.toMatchObject({ code: 1 });
    }
  });
});

describe('API Gateway’s HTTP API JWT authorizer checks, in order, on real tokens', () => {
  it('allows Gatehouse’s access tokens (login and client credentials) with the right scope, and refuses everything a real authorizer would', async () => {
    const org = await verifiedOrg(api);
    const bot = await serviceAccount(api, org.rootToken, 'developer', ['settings:read', 'flows:edit']);
    const machine = (await clientCredentials(api, bot.id, bot.apiToken)).body.access_token;
    const human = (await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } })).body.accessToken;
    const authorizer = { issuer, audience: ['gatehouse'] };

    expect(await jwtAuthorizer(`Bearer ${machine}`, { ...authorizer, authorizationScopes: ['flows:edit'] })).toMatchObject({ allowed: true });
    expect(await jwtAuthorizer(machine, { ...authorizer, authorizationScopes: ['settings:write', 'settings:read'] })).toMatchObject({ allowed: true });
    // The root holds the whole catalog.
    expect(await jwtAuthorizer(`Bearer ${human}`, { ...authorizer, authorizationScopes: ['devices:control'] })).toMatchObject({ allowed: true });

    expect(await jwtAuthorizer(machine, { ...authorizer, authorizationScopes: ['settings:write'] })).toEqual({ allowed: false, reason: 'scope' });
    expect(await jwtAuthorizer(machine, { ...authorizer, audience: ['another-api'] })).toEqual({ allowed: false, reason: 'aud' });
    expect(await jwtAuthorizer(machine, { ...authorizer, issuer: `${issuer}/` }).catch(() => ({ allowed: false }))).toMatchObject({ allowed: false });
    expect(await jwtAuthorizer(machine, { ...authorizer, now: Date.now() + 901_000 })).toEqual({ allowed: false, reason: 'exp' });
    expect(await jwtAuthorizer(machine, { ...authorizer, now: Date.now() - 60_000 })).toEqual({ allowed: false, reason: 'iat' });
    expect((await jwtAuthorizer(await forged(machine, 'EdDSA'), authorizer)).allowed).toBe(false);
    expect((await jwtAuthorizer(await forged(machine, 'HS256'), authorizer)).allowed).toBe(false);
    expect((await jwtAuthorizer(await forged(machine, 'none'), authorizer)).allowed).toBe(false);
    const [head, body, signature] = machine.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...decodeJwt(machine), scope: 'devices:control' })).toString('base64url')}.${signature}`;
    expect(await jwtAuthorizer(tampered, authorizer)).toEqual({ allowed: false, reason: 'bad signature' });
    expect(body).toBeTruthy();
  });

  it('Gatehouse’s own API refuses EdDSA, HS256 and alg=none tokens carrying a real token’s kid and claims', async () => {
    const org = await verifiedOrg(api);
    const real = org.rootToken;
    expect((await api.request('GET', '/v1/me', { token: real })).status).toBe(200);
    for (const alg of ['EdDSA', 'HS256', 'none'] as const) {
      const answer = await api.request('GET', '/v1/me', { token: await forged(real, alg) });
      expect(answer.status, alg).toBe(401);
    }
  });
});
