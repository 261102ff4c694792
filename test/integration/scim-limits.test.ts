import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock';
import { useApi } from '../support/api';
import { withLimits } from '../support/limits';
import { scim, scimOrg, scimUser } from '../support/scim';

/**
 * shared/api/scim.md "Rate limit" and PRODUCT.md "Limits": SCIM requests per organization per
 * second, with bursts of twice that, counted in the table across instances. Time is the
 * injected clock, frozen, and moved by hand: nothing here sleeps.
 */
const api = useApi();
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
