import { describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, loginAs, signUpOrg } from '../support/factories';
import { lastEmailTo, responseTexts, tokenFromEmail, tokenFromUrl, useApi } from '../support/api';
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

describe('secrets of users, tokens and two-factor never reach a log or the audit log', () => {
  it('keeps temporary passwords, links, API tokens, TOTP secrets and recovery codes out', async () => {
    const { generate } = await import('otplib');
    const { verifiedOrg } = await import('../support/factories');
    const org = await verifiedOrg(api);
    const temp = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'tmpuser', name: 'T', email: `t@${org.slug}.example.com`, role: 'developer', delivery: 'temporaryPassword' } });
    const link = await api.request('POST', '/v1/users', { token: org.rootToken, body: { login: 'lnkuser', name: 'L', email: `l@${org.slug}.example.com`, role: 'developer' } });
    const bot = await api.request('POST', '/v1/users', { token: org.rootToken, body: { type: 'service', login: 'botuser', name: 'B', role: 'developer' } });
    const activationToken = tokenFromUrl(link.body.activation.url);
    await api.request('POST', '/v1/auth/activate', { body: { token: activationToken, password: 'linked user passphrase' } });
    const challenge = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'tmpuser', password: temp.body.temporaryPassword } });
    await api.request('POST', '/v1/auth/challenge', { body: { session: challenge.body.session, challenge: 'NEW_PASSWORD_REQUIRED', newPassword: 'temp user new passphrase' } });
    const enrol = await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken });
    const verified = await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: await generate({ secret: enrol.body.secret }) } });
    const reset = await api.request('POST', `/v1/users/${org.root.id}/password-reset`, { token: org.rootToken });
    await api.request('GET', '/v1/me', { token: bot.body.apiToken.token });

    const secrets = [
      temp.body.temporaryPassword, activationToken, bot.body.apiToken.token, enrol.body.secret, ...verified.body.recoveryCodes,
      tokenFromUrl(reset.body.url), challenge.body.session, 'linked user passphrase', 'temp user new passphrase',
    ];
    const logs = logLines.join('\n');
    const audit = (await api.request('GET', '/v1/audit-events?limit=100', { token: org.rootToken })).text;
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    const users = (await api.request('GET', '/v1/users', { token: org.rootToken })).text;
    // As keys: `"totp"` is also a value of `mfa.methods`, which says only that TOTP is enrolled.
    for (const field of ['passwordHash', 'totp', 'recoveryCodes', 'apiTokens', 'emailTokens', 'sessions', 'pendingTotp', 'passkeyHandle', 'publicKey']) {
      expect(users).not.toContain(`"${field}":`);
    }
  });
});
