import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { generate } from 'otplib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clock } from '../../shared/clock';
import { db, tableName } from '../../shared/data/client';
import { keys } from '../../shared/data/keys';
import { getSessions } from '../../shared/data/sessions';
import { getUser } from '../../shared/data/users';
import { MAX_SESSIONS_PER_USER } from '../../shared/services/sessions';
import { addMember, verifiedOrg, type Member } from '../support/factories';
import { emailsTo, useApi } from '../support/api';

/**
 * Sessions and devices (PRODUCT.md, API.md "Sessions"): every sign-in is a session the user
 * sees and ends; root ends a user's or everyone's; the cap of 50; the new-browser notice.
 */
// Each answer reports the DynamoDB calls it made (X-Gatehouse-Usage), counted by the client's own
// middleware; set before the handlers load, which read the setting once.
await vi.hoisted(async () => {
  process.env.USAGE_HEADER = '1';
  (await import('../../shared/config')).resetConfig();
});

const api = useApi();
const realNow = clock.now;
let offset = 0;
const setOffset = (ms: number) => {
  offset = ms;
  clock.now = () => realNow() + offset;
};
afterEach(() => {
  offset = 0;
  clock.now = realNow;
});
const DAY = 86_400_000;

const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
};

interface Signed {
  accessToken: string;
  refreshToken?: string;
  sid: string;
}

const sidOf = (accessToken: string): string => JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sid;

async function signIn(slug: string, login: string, password: string, userAgent: string, options: { browser?: boolean } = {}): Promise<Signed> {
  const headers: Record<string, string> = { 'user-agent': userAgent, ...(options.browser ? { prefer: 'refresh-token=cookie' } : {}) };
  const answer = await api.request('POST', '/v1/auth/login', { body: { org: slug, login, password }, headers });
  expect(answer.status, answer.text).toBe(200);
  return { accessToken: answer.body.accessToken, refreshToken: answer.body.refreshToken, sid: sidOf(answer.body.accessToken) };
}

const me = (token: string) => api.request('GET', '/v1/me', { token });
const refresh = (refreshToken: string) => api.request('POST', '/v1/auth/refresh', { body: { refreshToken } });
const mySessions = async (token: string) => {
  const answer = await api.request('GET', '/v1/me/sessions', { token });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.items as Array<Record<string, any>>;
};
const end = (token: string, body: unknown) => api.request('POST', '/v1/me/sessions/end', { token, body });
const auditOf = async (rootToken: string, action: string) =>
  (await api.request('GET', `/v1/audit-events?action=${action}&limit=100`, { token: rootToken })).body.items as Array<Record<string, any>>;

/** A developer signed in three times, from three browsers (besides the session of its activation). */
async function developerWithThreeBrowsers() {
  const org = await verifiedOrg(api);
  const developer = await addMember(api, org, org.rootToken, 'developer');
  const chrome = await signIn(org.slug, developer.login, developer.password, UA.chromeWindows);
  const firefox = await signIn(org.slug, developer.login, developer.password, UA.firefoxLinux, { browser: true });
  const safari = await signIn(org.slug, developer.login, developer.password, UA.safariMac);
  return { org, developer, chrome, firefox, safari };
}

describe('the session list', () => {
  it('shows each session with when, where, what browser and OS, which client and whether two-factor was used', async () => {
    const { developer, chrome, firefox, safari } = await developerWithThreeBrowsers();
    const items = await mySessions(chrome.accessToken);
    expect(items).toHaveLength(4); // the activation's session too
    const byId = Object.fromEntries(items.map((item) => [item.id, item]));
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(['browser', 'client', 'createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'mfa', 'os', 'userAgent']);
      expect(item.ip).toBe('127.0.0.1');
      expect(Date.parse(item.expiresAt) - Date.parse(item.createdAt)).toBeGreaterThan(29 * DAY);
    }
    expect(byId[chrome.sid]).toMatchObject({ current: true, browser: 'Chrome 131', os: 'Windows 10', client: 'api', mfa: false, userAgent: UA.chromeWindows });
    expect(byId[firefox.sid]).toMatchObject({ current: false, browser: 'Firefox 133', os: 'Linux', client: 'console', mfa: false });
    expect(byId[safari.sid]).toMatchObject({ current: false, browser: 'Safari 17', os: 'macOS Sonoma', client: 'api' });
    // Newest first; nothing secret in the list.
    expect(items.map((item) => item.createdAt)).toEqual([...items.map((item) => item.createdAt)].sort().reverse());
    const text = JSON.stringify(items);
    expect(text).not.toContain(chrome.refreshToken!.split('.')[3]);
    expect(text).not.toMatch(/hash/i);
    expect((await mySessions(safari.accessToken)).find((item) => item.current)?.id).toBe(safari.sid);
    void developer;
  });

  it('updates lastUsedAt and the address on refresh, in the rotation write', async () => {
    const { chrome, safari } = await developerWithThreeBrowsers();
    const before = (await mySessions(chrome.accessToken)).find((item) => item.id === safari.sid)!;
    setOffset(5 * 60_000);
    const rotated = await refresh(safari.refreshToken!);
    expect(rotated.status).toBe(200);
    const after = (await mySessions(chrome.accessToken)).find((item) => item.id === safari.sid)!;
    expect(Date.parse(after.lastUsedAt) - Date.parse(before.lastUsedAt)).toBeGreaterThanOrEqual(5 * 60_000);
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.ip).toBe('127.0.0.1');
  });

  it('records two-factor sign-ins as such', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const started = await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken });
    const code = () => generate({ secret: started.body.secret, epoch: Math.floor(clock.now() / 1000) });
    expect((await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: await code() } })).status).toBe(200);
    setOffset(30_000);
    const login = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password }, headers: { 'user-agent': UA.safariMac } });
    // The session starts with the challenge's answer, from the same browser.
    const done = await api.request('POST', '/v1/auth/challenge', {
      body: { session: login.body.session, challenge: 'MFA_REQUIRED', code: await code() },
      headers: { 'user-agent': UA.safariMac },
    });
    expect(done.status).toBe(200);
    const items = await mySessions(done.body.accessToken);
    expect(items.find((item) => item.current)).toMatchObject({ mfa: true, browser: 'Safari 17' });
    expect(items.find((item) => item.id === sidOf(org.rootToken))).toMatchObject({ mfa: false });
  });
});

describe('what sessions cost in DynamoDB', () => {
  const usage = (answer: { headers: Headers }) => JSON.parse(answer.headers.get('x-gatehouse-usage')!) as { reads: number; writes: number };

  it('keeps a refresh at one read and one write, an authenticated request at one read, a login at three reads and one write (four without a device cookie)', async () => {
    const { org, developer, chrome } = await developerWithThreeBrowsers();
    expect(usage(await refresh(chrome.refreshToken!))).toMatchObject({ reads: 1, writes: 1 });
    expect(usage(await me(chrome.accessToken))).toMatchObject({ reads: 1, writes: 0 });
    // The list: the user read of authentication, then one batch read of the session items.
    expect(usage(await api.request('GET', '/v1/me/sessions', { token: chrome.accessToken }))).toMatchObject({ reads: 2, writes: 0 });
    const unknown = await api.request('POST', '/v1/auth/login', {
      body: { org: org.slug, login: developer.login, password: developer.password },
      headers: { 'user-agent': UA.chromeWindows },
    });
    // A client without the login's device cookie also has its address's failures read (spraying).
    expect(usage(unknown)).toMatchObject({ reads: 4, writes: 1 });
    const cookie = unknown.headers.getSetCookie().find((value) => value.startsWith('__Host-gatehouse-device='))!.split(';')[0]!;
    const known = await api.request('POST', '/v1/auth/login', {
      body: { org: org.slug, login: developer.login, password: developer.password },
      headers: { 'user-agent': UA.chromeWindows, cookie },
    });
    // One write: the session and its place in the user's list go in one transaction. Three reads:
    // the organization's SSO enforcement item (issue 31; absent, 0.5 RCU), read beside the login
    // item rather than before it, then the user.
    expect(usage(known)).toMatchObject({ reads: 3, writes: 1 });
  });
});

describe('ending own sessions', () => {
  it('ends one: its refresh token and access tokens stop at once, the others live on, and it is audited', async () => {
    const { org, developer, chrome, firefox, safari } = await developerWithThreeBrowsers();
    const ended = await end(chrome.accessToken, { sessions: [safari.sid], password: developer.password });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.body).toEqual({ ended: 1 });

    expect((await me(safari.accessToken)).status).toBe(401);
    expect((await refresh(safari.refreshToken!)).status).toBe(401);
    expect((await me(chrome.accessToken)).status).toBe(200);
    expect((await me(firefox.accessToken)).status).toBe(200);
    expect((await refresh(chrome.refreshToken!)).status).toBe(200);
    expect((await mySessions(chrome.accessToken)).map((item) => item.id)).not.toContain(safari.sid);
    // The session item itself is gone too.
    expect(await getSessions(org.orgId, [safari.sid, chrome.sid])).toHaveLength(1);

    const [event] = await auditOf(org.rootToken, 'session.ended');
    expect(event).toMatchObject({ actor: { id: developer.id }, target: { type: 'user', id: developer.id }, details: { sessions: [safari.sid], by: 'self' } });
    expect(JSON.stringify(event)).not.toContain(safari.refreshToken!.split('.')[3]);
  });

  it('ends all the others and keeps the current one', async () => {
    const { developer, chrome, firefox, safari } = await developerWithThreeBrowsers();
    const ended = await end(firefox.accessToken, { sessions: 'others', password: developer.password });
    expect(ended.body).toEqual({ ended: 3 });
    expect((await mySessions(firefox.accessToken)).map((item) => item.id)).toEqual([firefox.sid]);
    for (const other of [chrome, safari]) {
      expect((await me(other.accessToken)).status).toBe(401);
      expect((await refresh(other.refreshToken!)).status).toBe(401);
    }
    expect((await me(firefox.accessToken)).status).toBe(200);
  });

  it('changes nothing on a wrong or missing factor, and counts the failures towards the lockout', async () => {
    const { developer, chrome, safari } = await developerWithThreeBrowsers();
    for (const body of [
      { sessions: 'others', password: 'not the password at all' },
      { sessions: [safari.sid] },
      { sessions: [safari.sid], code: '123456' },
      { sessions: [safari.sid], password: developer.password, code: '123456' },
    ]) {
      const refused = await end(chrome.accessToken, body);
      expect(refused.status, JSON.stringify(body)).toBe(403);
      expect(refused.body.code).toBe('reauthentication_failed');
    }
    expect(await mySessions(chrome.accessToken)).toHaveLength(4);
    expect((await me(safari.accessToken)).status).toBe(200);
    // Three counted failures so far (the missing factor is no guess); two more lock the login.
    await end(chrome.accessToken, { sessions: 'others', password: 'wrong again, four' });
    await end(chrome.accessToken, { sessions: 'others', password: 'wrong again, five' });
    const locked = await end(chrome.accessToken, { sessions: 'others', password: developer.password });
    expect(locked.status).toBe(429);
    expect(await mySessions(chrome.accessToken)).toHaveLength(4);
  });

  it('accepts a code instead of the password, once', async () => {
    setOffset(0);
    const org = await verifiedOrg(api);
    const started = await api.request('POST', '/v1/me/mfa/totp', { token: org.rootToken });
    const code = () => generate({ secret: started.body.secret, epoch: Math.floor(clock.now() / 1000) });
    await api.request('POST', '/v1/me/mfa/totp/verify', { token: org.rootToken, body: { code: await code() } });
    setOffset(30_000);
    const second = await api.request('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: org.root.password } });
    const secondCode = await code();
    const signed = await api.request('POST', '/v1/auth/challenge', { body: { session: second.body.session, challenge: 'MFA_REQUIRED', code: secondCode } });
    setOffset(60_000);
    const good = await code();
    expect((await end(org.rootToken, { sessions: [sidOf(signed.body.accessToken)], code: good })).body).toEqual({ ended: 1 });
    expect((await me(signed.body.accessToken)).status).toBe(401);
    const replay = await end(org.rootToken, { sessions: 'others', code: good });
    expect(replay.status).toBe(403);
  });

  it('refuses malformed requests with 400', async () => {
    const { developer, chrome } = await developerWithThreeBrowsers();
    for (const sessions of ['all', [], ['not-a-uuid'], [chrome.sid, chrome.sid], Array.from({ length: 51 }, () => randomUUID()), 'others '] as unknown[]) {
      const answer = await end(chrome.accessToken, { sessions, password: developer.password });
      expect(answer.status, JSON.stringify(sessions)).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
    }
    expect((await end(chrome.accessToken, { sessions: 'others', password: developer.password, extra: 1 })).status).toBe(400);
    expect(await mySessions(chrome.accessToken)).toHaveLength(4);
  });
});

describe('the owner ending other users’ sessions', () => {
  it('lets root see and end a developer’s sessions; an admin can do neither', async () => {
    const { org, developer, chrome, firefox } = await developerWithThreeBrowsers();
    const admin = await addMember(api, org, org.rootToken, 'admin');

    const listed = await api.request('GET', `/v1/users/${developer.id}/sessions`, { token: org.rootToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(4);
    expect(listed.body.items.every((item: { current: boolean }) => !item.current)).toBe(true);
    for (const [method, status] of [['GET', 403], ['DELETE', 403]] as const) {
      const refused = await api.request(method, `/v1/users/${developer.id}/sessions`, { token: admin.accessToken });
      expect(refused.status).toBe(status);
      expect(refused.body.code).toBe('forbidden');
    }
    // A developer cannot end anyone's either, not even through the owner's route.
    expect((await api.request('DELETE', `/v1/users/${admin.id}/sessions`, { token: chrome.accessToken })).status).toBe(403);
    expect((await me(firefox.accessToken)).status).toBe(200);
    expect((await me(admin.accessToken)).status).toBe(200);

    const ended = await api.request('DELETE', `/v1/users/${developer.id}/sessions`, { token: org.rootToken });
    expect(ended.status).toBe(204);
    expect((await me(chrome.accessToken)).status).toBe(401);
        expect((await refresh(developer.refreshToken)).status).toBe(401);
    expect((await api.request('GET', `/v1/users/${developer.id}/sessions`, { token: org.rootToken })).body.items).toEqual([]);
    expect((await me(org.rootToken)).status).toBe(200);
    const [event] = await auditOf(org.rootToken, 'session.ended');
    expect(event).toMatchObject({ actor: { login: 'owner' }, target: { id: developer.id }, details: { by: 'owner' } });
    expect(event!.details.sessions).toHaveLength(4);
  });
});

describe('the session cap', () => {
  it(`ends the oldest session when a sign-in would make ${MAX_SESSIONS_PER_USER + 1}`, async () => {
    expect(MAX_SESSIONS_PER_USER).toBe(50);
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const signed: Signed[] = [{ accessToken: developer.accessToken, refreshToken: developer.refreshToken, sid: sidOf(developer.accessToken) }];
    for (let index = 1; index < MAX_SESSIONS_PER_USER; index += 1) {
      setOffset(index * 1000); // one second apart, so "oldest" is well defined
      signed.push(await signIn(org.slug, developer.login, developer.password, UA.chromeWindows));
    }
    const latest = signed.at(-1)!;
    expect(await mySessions(latest.accessToken)).toHaveLength(50);
    expect((await me(signed[0]!.accessToken)).status).toBe(200);

    setOffset(MAX_SESSIONS_PER_USER * 1000);
    const fiftyFirst = await signIn(org.slug, developer.login, developer.password, UA.chromeWindows);
    const items = await mySessions(fiftyFirst.accessToken);
    expect(items).toHaveLength(50);
    expect(items.map((item) => item.id)).not.toContain(signed[0]!.sid);
    expect((await me(signed[0]!.accessToken)).status).toBe(401);
    expect((await refresh(signed[0]!.refreshToken!)).status).toBe(401);
    expect((await me(signed[1]!.accessToken)).status).toBe(200);
    const [event] = await auditOf(org.rootToken, 'session.ended');
    expect(event).toMatchObject({ actor: null, target: { id: developer.id }, details: { sessions: [signed[0]!.sid] } });
  }, 120_000);
});

describe('the session cap within one second', () => {
  it('ends the oldest of 50 sessions that all started in the same second', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    // The clock stands still: every sign-in below starts in the same millisecond.
    const frozen = realNow() + 5_000;
    clock.now = () => frozen;
    const signed: Signed[] = [];
    for (let index = 0; index < MAX_SESSIONS_PER_USER; index += 1) {
      signed.push(await signIn(org.slug, developer.login, developer.password, UA.chromeWindows));
    }
    // The factory's own session came earlier and went at the 50th; the 51st ends the first of the second.
    const fiftyFirst = await signIn(org.slug, developer.login, developer.password, UA.chromeWindows);
    const ids = (await mySessions(fiftyFirst.accessToken)).map((item) => item.id);
    expect(ids).toHaveLength(MAX_SESSIONS_PER_USER);
    expect(ids).not.toContain(sidOf(developer.accessToken));
    expect(ids).not.toContain(signed[0]!.sid);
    expect(ids).toEqual(expect.arrayContaining([...signed.slice(1), fiftyFirst].map((entry) => entry.sid)));
  }, 120_000);
});

describe('signing everyone out', () => {
  it('ends every session of the organization but the caller’s, after the password', async () => {
    const org = await verifiedOrg(api);
    const admin = await addMember(api, org, org.rootToken, 'admin');
    const developer = await addMember(api, org, org.rootToken, 'developer');
    const rootElsewhere = await signIn(org.slug, 'owner', org.root.password, UA.firefoxLinux);
    const developerAgain = await signIn(org.slug, developer.login, developer.password, UA.safariMac);

    const byAdmin = await api.request('POST', '/v1/org/sessions/end', { token: admin.accessToken, body: { password: admin.password } });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.code).toBe('forbidden');
    const wrong = await api.request('POST', '/v1/org/sessions/end', { token: org.rootToken, body: { password: 'not the owner password' } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('reauthentication_failed');
    expect((await me(developer.accessToken)).status).toBe(200);
    expect((await me(rootElsewhere.accessToken)).status).toBe(200);

    const ended = await api.request('POST', '/v1/org/sessions/end', { token: org.rootToken, body: { password: org.root.password } });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.body).toEqual({ ended: 4, users: 3 });
    expect((await me(org.rootToken)).status).toBe(200);
    for (const token of [rootElsewhere.accessToken, admin.accessToken, developer.accessToken, developerAgain.accessToken]) {
      expect((await me(token)).status).toBe(401);
    }
    for (const token of [rootElsewhere.refreshToken!, admin.refreshToken, developer.refreshToken, developerAgain.refreshToken!]) {
      expect((await refresh(token)).status).toBe(401);
    }
    expect((await mySessions(org.rootToken)).map((item) => item.id)).toEqual([sidOf(org.rootToken)]);
    const [event] = await auditOf(org.rootToken, 'org.sessions_ended');
    expect(event).toMatchObject({ actor: { login: 'owner' }, target: { type: 'org', id: org.orgId }, details: { sessionsEnded: 4, batch: 1, batches: 1 } });
    expect(event!.details.users.sort()).toEqual([org.root.id, admin.id, developer.id].sort());
  });

  it('signs out an organization too big for one transaction in batches of 99 users, each audited', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    // 150 more users that each hold a live session, written straight into the table (the
    // arrangement only; what is tested is the real query and transactions of the service).
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const extra = Array.from({ length: 150 }, (_, index) => ({
      ...keys.user(org.orgId, randomUUID()),
      entity: 'user',
      login: `bulk-${index}`,
      sessions: { [randomUUID()]: expiresAt },
    })).map((item) => ({ ...item, id: item.sk.slice('USER#'.length) }));
    for (let start = 0; start < extra.length; start += 25) {
      await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: extra.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }

    const ended = await api.request('POST', '/v1/org/sessions/end', { token: org.rootToken, body: { password: org.root.password } });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.body).toEqual({ ended: 151, users: 151 });
    for (const item of extra) expect((await getUser(org.orgId, item.id))!.sessions).toEqual({});
    expect((await me(developer.accessToken)).status).toBe(401);
    expect((await me(org.rootToken)).status).toBe(200);
    const events = await auditOf(org.rootToken, 'org.sessions_ended');
    expect(events.map((event) => event.details.batch).sort()).toEqual([1, 2]);
    expect(events.map((event) => event.details.users.length).sort((a, b) => a - b)).toEqual([52, 99]);
    // Asking again finds nothing left to end.
    expect((await api.request('POST', '/v1/org/sessions/end', { token: org.rootToken, body: { password: org.root.password } })).body).toEqual({ ended: 0, users: 0 });
  }, 60_000);
});

describe('the new-browser notice', () => {
  const notices = async (member: Member) => (await emailsTo(member.email)).filter((email) => /New sign-in/.test(email.subject));

  it('emails time, browser, OS, address and the sessions link for a new browser, never for a known one or the first sign-in', async () => {
    const org = await verifiedOrg(api);
    const invited = await api.request('POST', '/v1/users', {
      token: org.rootToken,
      body: { login: 'nina', name: 'Nina New', email: `nina@${org.slug}.example.com`, role: 'developer' },
    });
    const { tokenFromEmail, lastEmailTo } = await import('../support/api');
    const activation = await api.request('POST', '/v1/auth/activate', {
      body: { token: tokenFromEmail(await lastEmailTo(`nina@${org.slug}.example.com`)), password: 'a passphrase for these tests' },
      headers: { 'user-agent': UA.chromeWindows },
    });
    expect(activation.status).toBe(200);
    const nina = { id: invited.body.user.id, login: 'nina', email: `nina@${org.slug}.example.com`, password: 'a passphrase for these tests' } as Member;
    expect(await notices(nina)).toHaveLength(0);

    // The browser of the activation is known; so is an update of it.
    await signIn(org.slug, 'nina', nina.password, UA.chromeWindows);
    await signIn(org.slug, 'nina', nina.password, UA.chromeWindows.replace('131.0.0.0', '132.0.0.0'));
    expect(await notices(nina)).toHaveLength(0);

    await signIn(org.slug, 'nina', nina.password, UA.firefoxLinux);
    const [notice] = await notices(nina);
    expect(notice).toBeDefined();
    const text = notice!.body.text!;
    expect(text).toContain('Firefox 133');
    expect(text).toContain('Linux');
    expect(text).toContain('127.0.0.1');
    // Issue 30: the time is the catalog's `common.dateTime` (ICU, in the reader's locale, always UTC),
    // and every emailed link carries the language.
    expect(text).toMatch(/\w+ \d{1,2}, 20\d\d at \d{1,2}:\d\d\s[AP]M UTC/);
    expect(text).toContain(`${process.env.APP_URL}/account?lang=en#sessions`);
    expect(notice!.body.html).toContain('/account?lang=en#sessions');

    await signIn(org.slug, 'nina', nina.password, UA.firefoxLinux);
    expect(await notices(nina)).toHaveLength(1);
    // Edge on Windows is another browser than Chrome on Windows.
    await signIn(org.slug, 'nina', nina.password, UA.edgeWindows);
    expect(await notices(nina)).toHaveLength(2);
  });

  it('stays quiet within 90 days of the last sign-in from a browser, and speaks again after', async () => {
    const org = await verifiedOrg(api);
    const developer = await addMember(api, org, org.rootToken, 'developer');
    setOffset(0);
    await signIn(org.slug, developer.login, developer.password, UA.safariMac);
    expect(await notices(developer)).toHaveLength(1);

    setOffset(89 * DAY);
    await signIn(org.slug, developer.login, developer.password, UA.safariMac);
    expect(await notices(developer)).toHaveLength(1);
    // 89 more days after that sign-in: still within 90 days of the last one.
    setOffset(178 * DAY);
    await signIn(org.slug, developer.login, developer.password, UA.safariMac);
    expect(await notices(developer)).toHaveLength(1);

    setOffset((178 + 91) * DAY);
    await signIn(org.slug, developer.login, developer.password, UA.safariMac);
    expect(await notices(developer)).toHaveLength(2);
  });
});
