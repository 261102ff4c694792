import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, loginAs, signUpOrg } from '../support/factories';
import { lastEmailTo, responseTexts, tokenFromEmail, useApi } from '../support/api';
import { logLines } from '../support/setup';

const api = useApi();

describe('secrets never leave', () => {
  it('keeps passwords, hashes and tokens out of every response body and log line', async () => {
    const org = await signUpOrg(api);
    const verifyToken = tokenFromEmail(await lastEmailTo(org.root.email));
    await api.request('POST', '/v1/auth/verify-email', { body: { token: verifyToken } });
    const tokens = await loginAs(api, org.slug, 'owner', STRONG_PASSWORD);
    const rotated = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    const newPassword = 'another secret passphrase 99';
    await api.request('POST', '/v1/me/password', { token: rotated.body.accessToken, body: { currentPassword: STRONG_PASSWORD, newPassword } });
    await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: 'a wrong password guess' } });
    await api.request('POST', '/v1/auth/logout', { body: { refreshToken: rotated.body.refreshToken } });
    await api.request('GET', '/v1/me', { token: tokens.accessToken });

    const responses = responseTexts.join('\n');
    for (const secret of [STRONG_PASSWORD, newPassword, 'a wrong password guess', verifyToken, '$argon2id', '"passwordHash"', '"sessions"', '"emailTokens"']) {
      expect(responses).not.toContain(secret);
    }
    const logs = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(5);
    for (const secret of [STRONG_PASSWORD, newPassword, 'a wrong password guess', verifyToken, tokens.refreshToken, rotated.body.refreshToken, tokens.accessToken, '$argon2id']) {
      expect(logs).not.toContain(secret);
    }
  });
});
