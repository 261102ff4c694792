import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, loginAs, signUpOrg } from '../support/factories';
import { lastEmailTo, useApi } from '../support/api';

const api = useApi();

describe('own account', () => {
  it('shows the signed-in user with an ETag matching its version', async () => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const me = await api.request('GET', '/v1/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: org.root.id, login: 'owner', role: 'root' });
    expect(me.headers.get('etag')).toBe(`"${me.body.version}"`);
    expect(me.headers.get('cache-control')).toBe('no-store');
  });

  it('changes name and location, bumping the version; a stale If-Match answers 412 and changes nothing', async () => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const patched = await api.request('PATCH', '/v1/me', { token: accessToken, body: { name: 'Olivia O.', location: 'Lyon' }, headers: { 'if-match': '"1"' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Olivia O.', location: 'Lyon', version: 2 });
    expect(patched.headers.get('etag')).toBe('"2"');

    const stale = await api.request('PATCH', '/v1/me', { token: accessToken, body: { name: 'Late' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    expect((await api.request('GET', '/v1/me', { token: accessToken })).body.name).toBe('Olivia O.');

    const cleared = await api.request('PATCH', '/v1/me', { token: accessToken, body: { location: null } });
    expect(cleared.body.location).toBeNull();
  });

  it.each([
    ['the login', { login: 'other' }],
    ['the role', { role: 'admin' }],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['an over-long location', { location: 'x'.repeat(201) }],
  ])('refuses to change %s with 400', async (_, body) => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const answer = await api.request('PATCH', '/v1/me', { token: accessToken, body });
    expect(answer.status).toBe(400);
    expect((await api.request('GET', '/v1/me', { token: accessToken })).body.version).toBe(1);
  });

  it('refuses a malformed If-Match with 400', async () => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const answer = await api.request('PATCH', '/v1/me', { token: accessToken, body: { name: 'X' }, headers: { 'if-match': 'three' } });
    expect(answer.status).toBe(400);
  });
});

describe('password change', () => {
  const NEW_PASSWORD = 'a completely new passphrase 7';

  it('needs the current password (403 reauthentication_failed), and checks the new one', async () => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const wrong = await api.request('POST', '/v1/me/password', { token: accessToken, body: { currentPassword: 'not it at all, no', newPassword: NEW_PASSWORD } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('reauthentication_failed');
    const weak = await api.request('POST', '/v1/me/password', { token: accessToken, body: { currentPassword: STRONG_PASSWORD, newPassword: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].path).toBe('newPassword');
    expect((await loginAs(api, org.slug, 'owner', STRONG_PASSWORD)).accessToken).toBeTruthy();
  });

  it('signs out every other session, keeps this one, and emails a notice', async () => {
    const org = await signUpOrg(api);
    const here = await loginAs(api, org.slug, 'owner', org.root.password);
    const elsewhere = await loginAs(api, org.slug, 'owner', org.root.password);

    const changed = await api.request('POST', '/v1/me/password', { token: here.accessToken, body: { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(changed.status).toBe(204);

    expect((await api.request('GET', '/v1/me', { token: here.accessToken })).status).toBe(200);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: here.refreshToken } })).status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: elsewhere.accessToken })).status).toBe(401);
    expect((await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: elsewhere.refreshToken } })).status).toBe(401);

    expect((await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: STRONG_PASSWORD } })).status).toBe(401);
    expect((await loginAs(api, org.slug, 'owner', NEW_PASSWORD)).accessToken).toBeTruthy();
    const notice = await lastEmailTo(org.root.email);
    expect(notice.subject).toMatch(/password was changed/);
  });

  it('counts wrong current passwords towards the lockout', async () => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    for (let index = 0; index < 5; index += 1) {
      await api.request('POST', '/v1/me/password', { token: accessToken, body: { currentPassword: 'guess number ' + index, newPassword: NEW_PASSWORD } });
    }
    const locked = await api.request('POST', '/v1/me/password', { token: accessToken, body: { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(locked.status).toBe(429);
  });
});

describe('organization', () => {
  it('shows the caller’s organization and lets the root rename it with If-Match', async () => {
    const org = await signUpOrg(api);
    const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
    const shown = await api.request('GET', '/v1/org', { token: accessToken });
    expect(shown.body).toMatchObject({ id: org.orgId, slug: org.slug, name: 'Acme Test', version: 1 });
    expect(shown.headers.get('etag')).toBe('"1"');

    const renamed = await api.request('PATCH', '/v1/org', { token: accessToken, body: { name: 'Acme Renamed' }, headers: { 'if-match': '"1"' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Acme Renamed', version: 2 });
    const stale = await api.request('PATCH', '/v1/org', { token: accessToken, body: { name: 'Too Late' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect((await api.request('PATCH', '/v1/org', { token: accessToken, body: { slug: 'new-slug' } })).status).toBe(400);
  });

  it('keeps each organization to itself', async () => {
    const mine = await signUpOrg(api);
    const theirs = await signUpOrg(api);
    const { accessToken } = await loginAs(api, mine.slug, 'owner', mine.root.password);
    const shown = await api.request('GET', '/v1/org', { token: accessToken });
    expect(shown.body.id).toBe(mine.orgId);
    expect(shown.body.id).not.toBe(theirs.orgId);
  });
});
