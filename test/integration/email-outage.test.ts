import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/stack';
import { resetConfig } from '../../shared/config';
import { STRONG_PASSWORD, loginAs, uniqueSlug } from '../support/factories';
import { tokenFromUrl, useApi } from '../support/api';
import { getUser } from '../../shared/data/users';
import { transact } from '../../shared/data/transact';
import { updateUser } from '../../shared/data/users';

// This file's handlers talk to an SES endpoint where nothing listens: the real SDK fails
// after its retries, as it would during an SES outage. (Each test file has its own modules.)
process.env.SES_ENDPOINT = `http://127.0.0.1:${await freePort()}`;
resetConfig();

const api = useApi();

describe('when SES cannot be reached', () => {
  it('still signs up, and reports a failed invitation email while keeping a consistent, re-sendable pending user', async () => {
    const slug = uniqueSlug();
    const signUp = await api.request('POST', '/v1/orgs', {
      body: { orgName: 'Outage', slug, login: 'owner', name: 'Owner', email: `owner@${slug}.example.com`, password: STRONG_PASSWORD },
    });
    expect(signUp.status).toBe(201);
    // Verification mail could not go out; mark it verified directly to test invitations.
    const root = (await getUser(signUp.body.org.id, signUp.body.user.id))!;
    await transact([updateUser(root, { set: { emailVerified: true } })]);
    const { accessToken } = await loginAs(api, slug, 'owner', STRONG_PASSWORD);

    const invited = await api.request('POST', '/v1/users', {
      token: accessToken,
      body: { login: 'unlucky', name: 'Unlucky', email: `unlucky@${slug}.example.com`, role: 'developer' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.emailDelivery).toBe('failed');
    expect(invited.body.user.status).toBe('pending');

    const again = await api.request('POST', `/v1/users/${invited.body.user.id}/activation`, { token: accessToken });
    expect(again.status).toBe(201);
    expect(again.body.emailDelivery).toBe('failed');
    // The link handed to the inviter works all the same; the first one died with the re-issue.
    const first = tokenFromUrl(invited.body.activation.url);
    const second = tokenFromUrl(again.body.url);
    expect((await api.request('POST', '/v1/auth/activate', { body: { token: first, password: 'a fine long passphrase' } })).status).toBe(400);
    expect((await api.request('POST', '/v1/auth/activate', { body: { token: second, password: 'a fine long passphrase' } })).status).toBe(200);
  });
});

describe('the new-browser notice when SES cannot be reached', () => {
  it('signs in all the same and logs the failure without the message', async () => {
    const { logLines } = await import('../support/setup');
    const slug = uniqueSlug();
    const signUp = await api.request('POST', '/v1/orgs', {
      body: { orgName: 'Outage', slug, login: 'owner', name: 'Owner', email: `owner@${slug}.example.com`, password: STRONG_PASSWORD },
    });
    expect(signUp.status).toBe(201);
    await loginAs(api, slug, 'owner', STRONG_PASSWORD); // the first sign-in only records the browser
    const before = logLines.length;
    const firefox = await api.request('POST', '/v1/auth/login', {
      body: { org: slug, login: 'owner', password: STRONG_PASSWORD },
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
    });
    expect(firefox.status).toBe(200);
    expect((await api.request('GET', '/v1/me', { token: firefox.body.accessToken })).status).toBe(200);
    const failures = logLines.slice(before).filter((line) => line.includes('email not sent'));
    expect(failures.some((line) => line.includes('new-device'))).toBe(true);
    expect(failures.join('\n')).not.toContain('/account#sessions');
  }, 60_000);
});
