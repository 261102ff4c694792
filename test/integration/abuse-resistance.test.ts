import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { useApi, emailsTo, tokenFromEmail, tokenFromUrl } from '../support/api';
import { STRONG_PASSWORD, addMember, signUpOrg, uniqueSlug, verifiedOrg } from '../support/factories';
import { STRICT_LIMITS, clientAt, deviceCookieFrom, withLimits, type Reply } from '../support/limits';
import { logLines } from '../support/setup';

/**
 * PRODUCT.md "Abuse resistance" and api/production.md, against DynamoDB Local with the strict
 * limits of the spec set through the environment. Organizations are made first with the
 * local stack's loose limits; the attacks then come from loopback addresses of their own
 * (127.25.x.y), so no test shares an address counter with another or with the rest of the suite.
 */
const api = useApi();
const realNow = clock.now;
let offset = 0;
afterEach(() => {
  clock.now = realNow;
  offset = 0;
});
const advance = (ms: number) => {
  offset += ms;
  clock.now = () => realNow() + offset;
};

let nextHost = 1;
/** A fresh client address for one actor of one test. */
const from = () => {
  const host = nextHost++;
  return clientAt(() => api.url, `127.25.${Math.floor(host / 250)}.${(host % 250) + 1}`);
};
type Client = ReturnType<typeof from>;

const login = (client: Client, org: string, user: string, password: string, cookie?: string) =>
  client('POST', '/v1/auth/login', { body: { org, login: user, password }, headers: cookie ? { cookie } : {} });
const WRONG = 'not the password at all';

function expectLimited(reply: Reply, limit: string, maxSeconds: number) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(429);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const wait = Number(reply.headers.get('retry-after'));
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(maxSeconds);
  expect(reply.body).toMatchObject({ status: 429, code: 'too_many_requests', limit, retryAfter: wait });
}

describe('device cookies: an attacker who locks a login does not lock its owner out', () => {
  it('lets the owner with a device cookie sign in while the login is locked for everyone else', async () => {
    const org = await signUpOrg(api);
    await withLimits(STRICT_LIMITS, async () => {
      const owner = from();
      const attacker = from();
      const signedIn = await login(owner, org.slug, 'owner', STRONG_PASSWORD);
      expect(signedIn.status).toBe(200);
      const cookie = deviceCookieFrom(signedIn)!;
      expect(cookie).toBeTruthy();

      for (let index = 0; index < 5; index += 1) expect((await login(attacker, org.slug, 'owner', WRONG)).status).toBe(401);
      // Locked for every client without the cookie, the right password included, from any address.
      expectLimited(await login(attacker, org.slug, 'owner', STRONG_PASSWORD), 'login', 30);
      expectLimited(await login(owner, org.slug, 'owner', STRONG_PASSWORD), 'login', 30);

      const again = await login(owner, org.slug, 'owner', STRONG_PASSWORD, cookie);
      expect(again.status).toBe(200);
      expect(again.body.accessToken).toBeTruthy();
      // The owner's sign-in ends the owner's run only: the attacker is still locked out.
      expectLimited(await login(attacker, org.slug, 'owner', STRONG_PASSWORD), 'login', 30);
      // The same cookie carried by the attacker's script would be the owner's browser: that is the point of HttpOnly.
    });
  });

  it('judges the device by its own run: 5 failures lock that browser for that login, 30 s and doubling', async () => {
    const org = await signUpOrg(api);
    await withLimits(STRICT_LIMITS, async () => {
      const owner = from();
      const cookie = deviceCookieFrom(await login(owner, org.slug, 'owner', STRONG_PASSWORD))!;
      for (let index = 0; index < 5; index += 1) expect((await login(owner, org.slug, 'owner', WRONG, cookie)).status).toBe(401);
      expectLimited(await login(owner, org.slug, 'owner', STRONG_PASSWORD, cookie), 'device', 30);
      // The shared lock saw none of it: a client without the cookie still signs in.
      expect((await login(from(), org.slug, 'owner', STRONG_PASSWORD)).status).toBe(200);

      advance(31_000);
      expect((await login(owner, org.slug, 'owner', WRONG, cookie)).status).toBe(401);
      const doubled = await login(owner, org.slug, 'owner', STRONG_PASSWORD, cookie);
      expectLimited(doubled, 'device', 60);
      expect(Number(doubled.headers.get('retry-after'))).toBeGreaterThan(55);

      advance(61_000);
      const back = await login(owner, org.slug, 'owner', STRONG_PASSWORD, cookie);
      expect(back.status).toBe(200);
      // The completed sign-in ended the device's run: one failure is again just one.
      const renewed = deviceCookieFrom(back)!;
      expect((await login(owner, org.slug, 'owner', WRONG, renewed)).status).toBe(401);
      expect((await login(owner, org.slug, 'owner', STRONG_PASSWORD, renewed)).status).toBe(200);
    });
  });

  it('ignores a tampered, foreign or expired cookie: the attempt is an unknown client’s', async () => {
    const org = await signUpOrg(api);
    const other = await signUpOrg(api);
    await withLimits(STRICT_LIMITS, async () => {
      const owner = from();
      const cookie = deviceCookieFrom(await login(owner, org.slug, 'owner', STRONG_PASSWORD))!;
      // The browser's next sign-in's cookie names both its logins; a separate browser's names only its own.
      const both = deviceCookieFrom(await login(owner, other.slug, 'owner', STRONG_PASSWORD, cookie))!;
      const otherBrowser = deviceCookieFrom(await login(from(), other.slug, 'owner', STRONG_PASSWORD))!;
      for (let index = 0; index < 5; index += 1) expect((await login(from(), org.slug, 'owner', WRONG)).status).toBe(401);

      const [name, value] = cookie.split('=') as [string, string];
      const parts = value.split('.');
      parts[2] = `${parts[2]!.startsWith('A') ? 'B' : 'A'}${parts[2]!.slice(1)}`;
      const flipped = `${name}=${parts.join('.')}`;
      expectLimited(await login(owner, org.slug, 'owner', STRONG_PASSWORD, flipped), 'login', 30);
      expectLimited(await login(owner, org.slug, 'owner', STRONG_PASSWORD, `${name}=garbage`), 'login', 30);
      expectLimited(await login(owner, org.slug, 'owner', STRONG_PASSWORD, otherBrowser), 'login', 30);
      // The browser's newest cookie still names the first login too.
      expect((await login(owner, org.slug, 'owner', STRONG_PASSWORD, both)).status).toBe(200);

      advance(181 * 86400_000);
      for (let index = 0; index < 5; index += 1) expect((await login(from(), org.slug, 'owner', WRONG)).status).toBe(401);
      expectLimited(await login(owner, org.slug, 'owner', STRONG_PASSWORD, both), 'login', 30);
    });
  });

  it('sets the cookie on completed sign-ins only, as the contract writes it', async () => {
    const org = await signUpOrg(api);
    await withLimits(STRICT_LIMITS, async () => {
      const client = from();
      const failed = await login(client, org.slug, 'owner', WRONG);
      expect(failed.headers.getSetCookie()).toEqual([]);
      const signedIn = await login(client, org.slug, 'owner', STRONG_PASSWORD);
      const set = signedIn.headers.getSetCookie().find((cookie) => cookie.startsWith('__Host-gatehouse-device='))!;
      expect(set).toMatch(/^__Host-gatehouse-device=[\w.-]{1,2048}; Path=\/; Max-Age=15552000; Secure; HttpOnly; SameSite=Strict$/);
      expect(set).not.toContain(org.slug);
      const refreshed = await client('POST', '/v1/auth/refresh', { body: { refreshToken: signedIn.body.refreshToken } });
      expect(refreshed.status).toBe(200);
      expect(refreshed.headers.getSetCookie()).toEqual([]);
    });
  });
});

describe('password spraying: failures are counted per client address', () => {
  it('answers 429 ip after the per-organization limit, across 30 logins, for every login the address holds no cookie of', async () => {
    const org = await signUpOrg(api);
    await withLimits(STRICT_LIMITS, async () => {
      const sprayer = from();
      // A browser at that address that signed in before keeps its access.
      const cookie = deviceCookieFrom(await login(sprayer, org.slug, 'owner', STRONG_PASSWORD))!;
      const answers: number[] = [];
      for (let index = 0; index < 30; index += 1) answers.push((await login(sprayer, org.slug, `user${index}`, 'Summer2026!Summer2026!')).status);
      expect(answers.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(answers.slice(10)).toEqual(Array(20).fill(429));

      // Unevaluated: the right password of an existing login gets the same answer as an unknown one.
      const blocked = await login(sprayer, org.slug, 'owner', STRONG_PASSWORD);
      expectLimited(blocked, 'ip', 3600);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(3500);
      const unknown = await login(sprayer, org.slug, 'nobody', WRONG);
      expect({ ...unknown.body, retryAfter: 0 }).toEqual({ ...blocked.body, retryAfter: 0 });
      expect((await login(sprayer, org.slug, 'owner', STRONG_PASSWORD, cookie)).status).toBe(200);

      // Another address, and another organization from this one, are not affected.
      expect((await login(from(), org.slug, 'owner', STRONG_PASSWORD)).status).toBe(200);
      expect((await login(sprayer, uniqueSlug('none'), 'owner', WRONG)).status).toBe(401);

      // The window is an hour from its first failure.
      advance(3601_000);
      expect((await login(sprayer, org.slug, 'owner', STRONG_PASSWORD)).status).toBe(200);
    });
  });

  it('answers 429 ip everywhere once an address reaches the deployment limit, existing organizations or not', async () => {
    await withLimits({ ...STRICT_LIMITS, GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: '12', GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP_PER_ORG: '5' }, async () => {
      const sprayer = from();
      const slugs = [uniqueSlug('a'), uniqueSlug('b'), uniqueSlug('c')];
      const answers: number[] = [];
      for (const slug of slugs) for (let index = 0; index < 4; index += 1) answers.push((await login(sprayer, slug, `user${index}`, WRONG)).status);
      expect(answers).toEqual(Array(12).fill(401));
      expectLimited(await login(sprayer, uniqueSlug('d'), 'owner', WRONG), 'ip', 3600);
    });
  });
});

describe('the client address', () => {
  it('is the socket’s: X-Forwarded-For and its relatives rotating change nothing', async () => {
    const org = await signUpOrg(api);
    await withLimits(STRICT_LIMITS, async () => {
      const sprayer = from();
      for (let index = 0; index < 10; index += 1) {
        const spoof = `198.51.100.${index + 1}`;
        const answer = await sprayer('POST', '/v1/auth/login', {
          body: { org: org.slug, login: `user${index}`, password: WRONG },
          headers: {
            'x-forwarded-for': `${spoof}, 203.0.113.${index + 1}`,
            forwarded: `for=${spoof}`,
            'x-real-ip': spoof,
            'true-client-ip': spoof,
            'cf-connecting-ip': spoof,
            'x-gatehouse-viewer-ip': spoof,
          },
        });
        expect(answer.status).toBe(401);
      }
      const blocked = await sprayer('POST', '/v1/auth/login', {
        body: { org: org.slug, login: 'owner', password: STRONG_PASSWORD },
        headers: { 'x-forwarded-for': '192.0.2.99' },
      });
      expectLimited(blocked, 'ip', 3600);
    });
  });

  it('is the last X-Forwarded-For entry with TRUST_PROXY=1 (behind your own proxy)', async () => {
    const org = await signUpOrg(api);
    await withLimits({ ...STRICT_LIMITS, TRUST_PROXY: '1' }, async () => {
      const proxy = from();
      for (let index = 0; index < 10; index += 1) {
        const answer = await proxy('POST', '/v1/auth/login', {
          body: { org: org.slug, login: `user${index}`, password: WRONG },
          headers: { 'x-forwarded-for': `192.0.2.1, 198.51.100.${index + 1}` },
        });
        expect(answer.status).toBe(401);
      }
      const viewer = { 'x-forwarded-for': '10.9.9.9, 198.51.100.77' };
      expect((await proxy('POST', '/v1/auth/login', { body: { org: org.slug, login: 'owner', password: STRONG_PASSWORD }, headers: viewer })).status).toBe(200);
    });
  });
});

describe('sign-up and email floods', () => {
  it('refuses sign-ups past the per-address limit, creating nothing', async () => {
    await withLimits(STRICT_LIMITS, async () => {
      const flooder = from();
      const signUp = (slug: string, client: Client = flooder) =>
        client('POST', '/v1/orgs', {
          body: { orgName: 'Flood', slug, login: 'owner', name: 'Flo Od', email: `owner@${slug}.example.com`, password: STRONG_PASSWORD },
        });
      const statuses: number[] = [];
      for (let index = 0; index < 25; index += 1) statuses.push((await signUp(uniqueSlug('flood'))).status);
      expect(statuses).toEqual(Array(25).fill(201));
      const slug = uniqueSlug('flood');
      expectLimited(await signUp(slug), 'signup', 3600);
      expect(await emailsTo(`owner@${slug}.example.com`)).toEqual([]);
      // Nothing was created: the slug is still free for someone else.
      expect((await signUp(slug, from())).status).toBe(201);
    });
  });

  it('limits emails per recipient across organizations; a refused request keeps the previous link alive', async () => {
    const first = await verifiedOrg(api);
    const second = await verifiedOrg(api);
    const email = `target-${uniqueSlug()}@example.com`;
    await withLimits(STRICT_LIMITS, async () => {
      const admin = from();
      const invited = await admin('POST', '/v1/users', { token: first.rootToken, body: { login: 'target', name: 'Tar Get', email, role: 'developer' } });
      expect(invited.status).toBe(201);
      const id = invited.body.user.id as string;
      expect((await admin('POST', `/v1/users/${id}/activation`, { token: first.rootToken })).status).toBe(201);
      const last = await admin('POST', `/v1/users/${id}/activation`, { token: first.rootToken });
      expect(last.status).toBe(201);
      expect(await emailsTo(email)).toHaveLength(3);

      expectLimited(await admin('POST', `/v1/users/${id}/activation`, { token: first.rootToken }), 'recipient', 3600);
      const elsewhere = await from()('POST', '/v1/users', { token: second.rootToken, body: { login: 'target', name: 'Tar Get', email, role: 'developer' } });
      expectLimited(elsewhere, 'recipient', 3600);
      expect(await emailsTo(email)).toHaveLength(3);
      expect((await api.request('GET', '/v1/users?q=target', { token: second.rootToken })).body.items).toEqual([]);

      // The link issued before the refusals still activates the account.
      const activated = await api.request('POST', '/v1/auth/activate', { body: { token: tokenFromUrl(last.body.url), password: STRONG_PASSWORD } });
      expect(activated.status).toBe(200);

      advance(3601_000);
      expect((await from()('POST', '/v1/users', { token: await signInRoot(second), body: { login: 'target', name: 'Tar Get', email, role: 'developer' } })).status).toBe(201);
    });
  });

  it('limits a root’s password-reset links per recipient: 429 recipient, nothing sent, the link before it still works', async () => {
    const org = await verifiedOrg(api);
    const email = `reset-${uniqueSlug()}@example.com`;
    // The invitation addMember sends is the recipient's first email of its hour.
    const member = await addMember(api, org, org.rootToken, 'developer', { email });
    await withLimits({ ...STRICT_LIMITS, GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: '2' }, async () => {
      const root = from();
      const first = await root('POST', `/v1/users/${member.id}/password-reset`, { token: org.rootToken });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const sent = (await emailsTo(email)).length;

      expectLimited(await root('POST', `/v1/users/${member.id}/password-reset`, { token: org.rootToken }), 'recipient', 3600);
      expect(await emailsTo(email)).toHaveLength(sent);
      // The refused request replaced nothing: the link already sent sets the password.
      const token = tokenFromEmail((await emailsTo(email)).at(-1)!);
      expect((await api.request('POST', '/v1/auth/password/reset', { body: { token, password: STRONG_PASSWORD } })).status).toBe(204);
    });
  });

  it('limits emails caused by one address, whoever they go to', async () => {
    const org = await verifiedOrg(api);
    await withLimits({ ...STRICT_LIMITS, GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR: '3' }, async () => {
      const admin = from();
      const invite = (index: number) =>
        admin('POST', '/v1/users', { token: org.rootToken, body: { login: `person${index}`, name: 'Per Son', email: `person${index}-${org.slug}@example.com`, role: 'developer' } });
      for (let index = 0; index < 3; index += 1) expect((await invite(index)).status).toBe(201);
      expectLimited(await invite(3), 'email_ip', 3600);
      expect(await emailsTo(`person3-${org.slug}@example.com`)).toEqual([]);
      // Another address may still cause emails.
      expect((await from()('POST', '/v1/users', { token: org.rootToken, body: { login: 'person3', name: 'Per Son', email: `person3-${org.slug}@example.com`, role: 'developer' } })).status).toBe(201);
    });
  });

  it('forgot-password counts every request per address and, past the recipient limit, answers 202 and sends nothing', async () => {
    const org = await verifiedOrg(api);
    await withLimits({ ...STRICT_LIMITS, GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR: '6' }, async () => {
      const forgot = (client: Client, login: string) => client('POST', '/v1/auth/password/forgot', { body: { org: org.slug, login } });
      const asker = from();
      const before = (await emailsTo(org.root.email)).length;
      // Sign-up's verification email was the first of the recipient's 3 in its hour.
      const statuses: number[] = [];
      for (let minute = 0; minute < 4; minute += 1) {
        statuses.push((await forgot(asker, 'owner')).status);
        advance(61_000);
      }
      expect(statuses).toEqual([202, 202, 202, 202]);
      expect((await emailsTo(org.root.email)).length - before).toBe(2);
      // Unknown logins count towards the address's limit too, so its 429 tells nothing.
      expect((await forgot(asker, 'nobody')).status).toBe(202);
      expect((await forgot(asker, 'nobody')).status).toBe(202);
      expectLimited(await forgot(asker, 'nobody'), 'email_ip', 3600);
    });
  });
});

/** A fresh access token for the root, from an address of its own (127.0.0.1's counters are the whole suite's). */
async function signInRoot(org: { slug: string; root: { password: string } }): Promise<string> {
  const answer = await login(from(), org.slug, 'owner', org.root.password);
  expect(answer.status).toBe(200);
  return answer.body.accessToken as string;
}

describe('what the alarms read', () => {
  it('logs each failed sign-in, lockout, spraying block and limit hit with its event name and no secret', async () => {
    const org = await signUpOrg(api);
    await withLimits({ ...STRICT_LIMITS, GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP_PER_ORG: '6', GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: '1' }, async () => {
      const attacker = from();
      const seen = logLines.length;
      for (let index = 0; index < 5; index += 1) expect((await login(attacker, org.slug, 'owner', WRONG)).status).toBe(401);
      expect((await login(attacker, org.slug, 'someone', WRONG)).status).toBe(401);
      expectLimited(await login(attacker, org.slug, 'anyone', WRONG), 'ip', 3600);
      const flooder = from();
      const signUp = (slug: string) =>
        flooder('POST', '/v1/orgs', { body: { orgName: 'Flood', slug, login: 'owner', name: 'Flo Od', email: `owner@${slug}.example.com`, password: STRONG_PASSWORD } });
      expect((await signUp(uniqueSlug('log'))).status).toBe(201);
      expectLimited(await signUp(uniqueSlug('log')), 'signup', 3600);

      const events = logLines.slice(seen).map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => typeof line.event === 'string');
      const count = (event: string) => events.filter((line) => line.event === event).length;
      expect(count('auth.login_failed')).toBe(6);
      expect(count('abuse.lockout')).toBe(1);
      expect(count('abuse.spray_blocked')).toBe(1);
      expect(events.find((line) => line.event === 'abuse.rate_limited')).toMatchObject({ limit: 'signup' });
      expect(JSON.stringify(events)).not.toContain(WRONG);
    });
  });
});
