import { describe, expect, it } from 'vitest';
import { commonPasswords } from '../../infra/scripts/build-password-list';
import { STRONG_PASSWORD, loginAs, signUpOrg, uniqueSlug } from '../support/factories';
import { emailsTo, lastEmailTo, tokenFromEmail, useApi } from '../support/api';

const api = useApi();

const signUpBody = (overrides: Record<string, unknown> = {}) => {
  const slug = uniqueSlug();
  return { orgName: 'Acme', slug, login: 'owner', name: 'Olivia', email: `owner@${slug}.example.com`, password: STRONG_PASSWORD, ...overrides };
};

describe('sign-up', () => {
  it('creates the organization and an active root whose email awaits verification', async () => {
    const body = signUpBody();
    const answer = await api.request('POST', '/v1/orgs', { body });

    expect(answer.status).toBe(201);
    expect(answer.body.org).toMatchObject({ slug: body.slug, name: 'Acme', version: 1 });
    expect(answer.body.user).toMatchObject({
      login: 'owner', role: 'root', status: 'active', type: 'human', emailVerified: false, emailStatus: 'ok',
      mustChangePassword: false, mfa: { enabled: false, required: false }, lastLoginAt: null, version: 1,
    });
    expect(Object.keys(answer.body.user).sort()).toEqual(
      ['createdAt', 'email', 'emailStatus', 'emailVerified', 'id', 'lastLoginAt', 'location', 'login', 'mfa', 'mustChangePassword',
        'name', 'origin', 'passwordResetPending', 'permissions', 'role', 'status', 'type', 'updatedAt', 'version', 'managedBy', 'locale'].sort(),
    );
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });

  it('emails a verification link (from APP_URL) that works once', async () => {
    const org = await signUpOrg(api);
    const email = await lastEmailTo(org.root.email);
    expect(email.subject).toContain('Verify');
    expect(email.body.html).toContain('<a href=');
    expect(email.body.text).toContain(`${process.env.APP_URL}/verify-email?lang=en#token=`);

    const token = tokenFromEmail(email);
    expect((await api.request('POST', '/v1/auth/verify-email', { body: { token } })).status).toBe(204);
    const again = await api.request('POST', '/v1/auth/verify-email', { body: { token } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_token');

    const tokens = await loginAs(api, org.slug, 'owner', org.root.password);
    const me = await api.request('GET', '/v1/me', { token: tokens.accessToken });
    expect(me.body.emailVerified).toBe(true);
  });

  it('refuses a made-up verification token', async () => {
    const answer = await api.request('POST', '/v1/auth/verify-email', { body: { token: 'x'.repeat(43) } });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_token');
  });

  it('re-sends verification at most once a minute, killing the previous link', async () => {
    const org = await signUpOrg(api);
    const first = tokenFromEmail(await lastEmailTo(org.root.email));
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);

    const resent = await api.request('POST', '/v1/me/email-verification', { token: accessToken });
    expect(resent.status).toBe(202);
    const second = tokenFromEmail(await lastEmailTo(org.root.email));
    expect(second).not.toBe(first);

    const tooSoon = await api.request('POST', '/v1/me/email-verification', { token: accessToken });
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);

    expect((await api.request('POST', '/v1/auth/verify-email', { body: { token: first } })).status).toBe(400);
    expect((await api.request('POST', '/v1/auth/verify-email', { body: { token: second } })).status).toBe(204);
    const verified = await api.request('POST', '/v1/me/email-verification', { token: accessToken });
    expect(verified.status).toBe(409);
  });

  it('answers 409 slug_taken and creates nothing for the loser', async () => {
    const first = signUpBody();
    expect((await api.request('POST', '/v1/orgs', { body: first })).status).toBe(201);
    const second = { ...signUpBody(), slug: first.slug, login: 'someone', email: 'someone@example.com' };
    const answer = await api.request('POST', '/v1/orgs', { body: second });

    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('slug_taken');
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const login = await api.request('POST', '/v1/auth/login', { body: { org: first.slug, login: 'someone', password: STRONG_PASSWORD } });
    expect(login.status).toBe(401);
    expect(await emailsTo('someone@example.com')).toHaveLength(0);
  });

  it('lets exactly one of many concurrent sign-ups take a slug', async () => {
    const slug = uniqueSlug();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) => api.request('POST', '/v1/orgs', { body: signUpBody({ slug, email: `o${index}@${slug}.example.com` }) })),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.every((answer) => answer.status === 201 || answer.status === 409)).toBe(true);
  });

  it('normalises logins with NFKC and lower case', async () => {
    const answer = await api.request('POST', '/v1/orgs', { body: signUpBody({ login: 'Ａｌｉｃｅ' }) });
    expect(answer.status).toBe(201);
    expect(answer.body.user.login).toBe('alice');
  });

  it.each([
    ['an unknown field', { extra: 1 }, 'extra'],
    ['a wrong type', { name: 42 }, 'name'],
    ['an over-long name', { name: 'n'.repeat(101) }, 'name'],
    ['a slug in capitals', { slug: 'ACME-X' }, 'slug'],
    ['a too-short slug', { slug: 'ab' }, 'slug'],
    ['a login with surrounding space', { login: ' owner' }, 'login'],
    ['a login with a bad character', { login: 'ow ner' }, 'login'],
    ['two email addresses', { email: 'a@example.com,b@example.com' }, 'email'],
    ['an email with white space', { email: 'a b@example.com' }, 'email'],
    ['a control character in the name', { name: 'bad\u0007name' }, 'name'],
  ])('refuses %s with 400 validation_failed naming the field', async (_, overrides, field) => {
    const answer = await api.request('POST', '/v1/orgs', { body: signUpBody(overrides) });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(field);
  });

  it.each([
    ['shorter than 15 characters', 'short pass 1', /at least 15/],
    ['longer than 256 characters', 'p'.repeat(257), /at most 256/],
    ['containing the login', 'my login is owner, ok?', /login/],
    ['containing the organization slug', 'SLUG-placeholder-and-more', /organization/],
  ])('refuses a password %s, saying why', async (_, password, reason) => {
    const body = signUpBody();
    const answer = await api.request('POST', '/v1/orgs', { body: { ...body, password: password.replace('SLUG-placeholder', body.slug) } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('password');
    expect(answer.body.detail).toMatch(reason);
  });

  it('refuses a password from the common-password list', async () => {
    const common = commonPasswords().find((word) => [...word].length >= 15)!;
    const answer = await api.request('POST', '/v1/orgs', { body: signUpBody({ password: common }) });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/commonly used/);
  });

  it('counts password length in code points after NFKC, never truncating', async () => {
    const answer = await api.request('POST', '/v1/orgs', { body: signUpBody({ password: '🔑'.repeat(15) }) });
    expect(answer.status).toBe(201);
  });
});

describe('request hygiene', () => {
  it('answers invalid JSON with 400 invalid_json', async () => {
    const answer = await api.request('POST', '/v1/orgs', { raw: '{"orgName":', headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_json');
  });

  it('answers a non-JSON body with 415', async () => {
    const answer = await api.request('POST', '/v1/orgs', { raw: 'orgName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(answer.status).toBe(415);
  });

  it('answers a body over 64 KiB with 413', async () => {
    const answer = await api.request('POST', '/v1/orgs', { body: signUpBody({ orgName: 'x'.repeat(70_000) }) });
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe('payload_too_large');
  });

  it('answers a missing body with 400 and an array body with 400', async () => {
    expect((await api.request('POST', '/v1/auth/login')).status).toBe(400);
    expect((await api.request('POST', '/v1/auth/login', { body: [] })).status).toBe(400);
  });

  it('answers unknown paths 404 and wrong methods 405, as problem documents', async () => {
    const missing = await api.request('GET', '/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await api.request('DELETE', '/v1/orgs');
    expect(wrong.status).toBe(405);
  });

  it('sets security headers and a request id on every answer', async () => {
    const answer = await api.request('GET', '/health');
    expect(answer.body).toEqual({ status: 'ok' });
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('strict-transport-security')).toContain('max-age');
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('server')).toBeNull();
  });

  it('serves the OpenAPI 3.1 document', async () => {
    const answer = await api.request('GET', '/v1/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(answer.body.paths['/v1/auth/login'].post.operationId).toBe('login');
  });

  it('allows the configured origin only', async () => {
    const origin = process.env.APP_URL!;
    const allowed = await api.request('GET', '/health', { headers: { origin } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    const other = await api.request('GET', '/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // Sandboxed iframes and file:// pages send the origin "null": never allowed.
    const sandboxed = await api.request('GET', '/health', { headers: { origin: 'null' } });
    expect(sandboxed.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await api.request('OPTIONS', '/v1/me', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
