import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clock } from '../../shared/clock';
import { db, tableName } from '../../shared/data/client';
import { keys } from '../../shared/data/keys';
import { useApi } from '../support/api';
import { withLimits } from '../support/limits';
import { scim, scimOrg, scimUser } from '../support/scim';

/**
 * shared/api/scim.md "Rate limit" and PRODUCT.md "Limits": SCIM requests per organization per
 * second, with bursts of twice that, counted in the table across instances. Time is the
 * injected clock, frozen, and moved by hand: nothing here sleeps.
 */
// Each answer reports its DynamoDB calls (X-Gatehouse-Usage); set before the handlers load.
await vi.hoisted(async () => {
  process.env.USAGE_HEADER = '1';
  (await import('../../shared/config')).resetConfig();
});

const api = useApi();
const usage = (answer: { headers: Headers }) => JSON.parse(answer.headers.get('x-gatehouse-usage')!) as { reads: number; writes: number; rcu: number; wcu: number };
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const unique = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;
const realNow = clock.now;
afterEach(() => {
  clock.now = realNow;
});
const freezeAt = (at: number) => {
  clock.now = () => at;
};

describe('SCIM rate limit per organization', () => {
  it('admits the burst, then answers 429 in SCIM form with Retry-After; another organization is never slowed; time refills it', async () => {
    const mine = await scimOrg(api);
    const other = await scimOrg(api);
    const call = scim(api, mine.scimToken);
    const theirs = scim(api, other.scimToken);
    await withLimits({ GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND: '5' }, async () => {
      // Well past any earlier request of these organizations (the setup above ran at real time).
      const start = realNow() + 60_000;
      freezeAt(start);
      // Bursts of 10 (twice the rate) at one instant.
      for (let index = 0; index < 10; index += 1) expect((await call('GET', '/Users?count=1')).status, `request ${index + 1}`).toBe(200);
      const refused = await call('GET', '/Users?count=1');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '429', detail: expect.stringContaining('5 SCIM requests per second') });

      // A refused write changes nothing.
      const userName = unique('limited.');
      expect((await call('POST', '/Users', scimUser(userName))).status).toBe(429);

      // The other organization's burst is its own, whole.
      for (let index = 0; index < 10; index += 1) expect((await theirs('GET', '/ServiceProviderConfig')).status).toBe(200);
      expect((await theirs('GET', '/ServiceProviderConfig')).status).toBe(429);

      // 200 ms is one request at 5/s; the next 200 ms another.
      freezeAt(start + 200);
      expect((await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body.totalResults).toBe(0);
      expect((await call('GET', '/Users?count=1')).status).toBe(429);
      freezeAt(start + 400);
      expect((await call('GET', '/Users?count=1')).status).toBe(200);

      // Idle for two seconds: the whole burst again, not more.
      freezeAt(start + 2400);
      const statuses: number[] = [];
      for (let index = 0; index < 11; index += 1) statuses.push((await call('GET', '/Schemas')).status);
      expect(statuses).toEqual([...Array(10).fill(200), 429]);

      // A refused request does not queue: the next one fits exactly one interval after the burst.
      for (let index = 0; index < 15; index += 1) expect((await call('GET', '/Schemas')).status).toBe(429);
      freezeAt(start + 2400 + 199);
      expect((await call('GET', '/Schemas')).status).toBe(429);
      freezeAt(start + 2400 + 200);
      expect((await call('GET', '/Schemas')).status).toBe(200);

      // The clock back by a minute (the frozen one ran ahead, as another instance's might): the
      // queue it left is not a wait of a minute, it starts again.
      clock.now = realNow;
      const back = await call('GET', '/Schemas');
      expect(back.status, back.headers.get('retry-after') ?? '').toBe(200);
    });
  });

  it('is 1,000 per second on the local stack and 50 on AWS unless set', async () => {
    const { LOCAL_LIMITS } = await import('../../infra/local/environment');
    expect(LOCAL_LIMITS.GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND).toBe('1000');
    const { config, resetConfig } = await import('../../shared/config');
    const saved = process.env.GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND;
    delete process.env.GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND;
    resetConfig();
    try {
      expect(config().GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND).toBe(50);
    } finally {
      process.env.GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND = saved;
      resetConfig();
    }
  });
});

describe('SCIM lists without a filter', () => {
  it('page users in creation order, and only the first page reads the users index', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    // Created inactive, so nobody is emailed; inactive users are listed all the same.
    const made: string[] = [];
    const queue = Array.from({ length: 230 }, (_, index) => index);
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
        const created = await call('POST', '/Users', scimUser(unique(`page${index}.`), { active: false }));
        expect(created.status, created.text).toBe(201);
        made.push(created.body.id);
      }
    }));
    const pages = [];
    for (const startIndex of [1, 101, 201]) pages.push(await call('GET', `/Users?startIndex=${startIndex}&count=100&attributes=meta`));
    for (const page of pages) expect(page.body.totalResults).toBe(231);
    const listed = pages.flatMap((page) => page.body.Resources as Array<{ id: string; meta: { created: string } }>);
    expect(listed.map((user) => user.id)).toEqual([...new Set(listed.map((user) => user.id))]);
    expect(new Set(listed.map((user) => user.id))).toEqual(new Set([org.root.id, ...made]));
    expect(listed[0]!.id).toBe(org.root.id);
    const created = listed.map((user) => user.meta.created);
    expect(created).toEqual([...created].sort());
    // The same order on every request.
    const again = await call('GET', '/Users?startIndex=101&count=100&attributes=id');
    expect(again.body.Resources.map((user: { id: string }) => user.id)).toEqual(pages[1]!.body.Resources.map((user: { id: string }) => user.id));

    const [first, second, third] = pages.map(usage);
    // The first page: the token, the index, the page's users; later ones skip the index.
    expect(second!.reads).toBe(first!.reads - 1);
    expect(third!.reads).toBe(first!.reads - 1);
    expect(second!.rcu).toBeLessThan(first!.rcu);
    console.info(`SCIM GET /Users pages at 231 users: first ${JSON.stringify(first)}, later ${JSON.stringify(second)}`);
  });

  it('page groups in creation order, a later page starting where the previous one ended, and cap them at 10,000', async () => {
    const org = await scimOrg(api);
    const call = scim(api, org.scimToken);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await call('POST', '/Groups', { displayName: unique(`Team ${index} `), members: [] })).body.id);
    const coldThird = await call('GET', '/Groups?startIndex=3&count=2');
    const pages = [];
    for (const startIndex of [1, 3, 5]) pages.push(await call('GET', `/Groups?startIndex=${startIndex}&count=2`));
    expect(pages.flatMap((page) => page.body.Resources.map((group: { id: string }) => group.id))).toEqual(ids);
    expect(pages.map((page) => page.body.totalResults)).toEqual([5, 5, 5]);
    // Without the previous page, startIndex counts past the earlier groups: one read more.
    expect(usage(pages[1]!).reads).toBe(usage(coldThird).reads - 1);
    expect(coldThird.body.Resources.map((group: { id: string }) => group.id)).toEqual(ids.slice(2, 4));

    // Concurrent creations share the organization's group count, and all land.
    const together = await Promise.all(Array.from({ length: 6 }, (_, index) => call('POST', '/Groups', { displayName: unique(`Parallel ${index} `) })));
    expect(together.map((answer) => answer.status)).toEqual(Array(6).fill(201));
    expect((await call('GET', '/Groups?count=0')).body.totalResults).toBe(11);

    // The cap, without making 10,000 groups: the count the create transaction checks is set near it.
    await db().send(new UpdateCommand({ TableName: tableName(), Key: keys.scimSettings(org.orgId), UpdateExpression: 'SET groupCount = :count', ExpressionAttributeValues: { ':count': 9_999 } }));
    const last = await call('POST', '/Groups', { displayName: unique('Last ') });
    expect(last.status, last.text).toBe(201);
    const over = await call('POST', '/Groups', { displayName: unique('Over ') });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', detail: expect.stringContaining('10,000 groups') });
    expect((await call('GET', '/Groups?count=0')).body.totalResults).toBe(12);
    expect((await call('DELETE', `/Groups/${last.body.id}`)).status).toBe(204);
    expect((await call('POST', '/Groups', { displayName: unique('Again ') })).status).toBe(201);
  });
});

describe('SCIM emails and the email limits', () => {
  it('counts no requesting address: a directory pushing many new users from one address is its normal work', async () => {
    const { scimToken } = await scimOrg(api);
    const call = scim(api, scimToken);
    await withLimits({ GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR: '1' }, async () => {
      for (const name of [unique('first.'), unique('second.'), unique('third.')]) {
        const created = await call('POST', '/Users', scimUser(name));
        expect(created.status, created.text).toBe(201);
      }
    });
  });

  it('answers 429 in SCIM form, creating and changing nothing, when an invitation or a new address’s link is over the recipient limit', async () => {
    const first = await scimOrg(api);
    const second = await scimOrg(api);
    const shared = `${unique('directory.')}@example.com`;
    await withLimits({ GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: '1' }, async () => {
      // The first invitation to the address is sent; the second, from another directory, is refused.
      const created = await scim(api, first.scimToken)('POST', '/Users', scimUser(shared));
      expect(created.status, created.text).toBe(201);
      const call = scim(api, second.scimToken);
      const refused = await call('POST', '/Users', scimUser(shared));
      expect(refused.status, refused.text).toBe(429);
      expect(refused.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '429', detail: expect.stringContaining('Too many emails to this address') });
      expect((await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${shared}"`)}`)).body.totalResults).toBe(0);

      // A pending user moved to that address would be invited there: refused, the address kept.
      const userName = unique('moving.');
      const pending = await call('POST', '/Users', scimUser(userName));
      expect(pending.status, pending.text).toBe(201);
      const moved = await call('PATCH', `/Users/${pending.body.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: shared }],
      });
      expect(moved.status, moved.text).toBe(429);
      expect(moved.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '429' });
      const after = await call('GET', `/Users/${pending.body.id}`);
      expect(after.body.emails[0].value).toBe(`${userName}@example.com`);
    });
  });
});
