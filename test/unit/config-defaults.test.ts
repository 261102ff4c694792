import { afterEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../../infra/config';
import { AWS_LIMIT_DEFAULTS } from '../../infra/limits';
import { LOCAL_LIMITS } from '../../infra/local/environment';
import { config, resetConfig } from '../../shared/config';
import { ContextSettingError } from '../../shared/context-settings';

/** What config() needs besides the names under test: a local stack's minimum. */
const BASE: Record<string, string> = {
  TABLE_NAME: 'gatehouse',
  APP_URL: 'http://127.0.0.1:3000',
  EMAIL_FROM: 'no-reply@gatehouse.local',
  JWT_ISSUER: 'http://127.0.0.1:3000',
  JWT_AUDIENCE: 'gatehouse',
  LOCAL_KEY_FILE: '/tmp/gatehouse-unit-keys.json',
};

const saved = { ...process.env };
/** config() read from exactly these variables (plus BASE), nothing inherited from the test's environment. */
function configWith(vars: Record<string, string>) {
  for (const name of Object.keys(process.env)) if (name.startsWith('GATEHOUSE_') || name === 'TRUST_PROXY') delete process.env[name];
  Object.assign(process.env, BASE, vars);
  resetConfig();
  return config();
}
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  resetConfig();
});

const dev = { senderEmail: 'no-reply@example.com' };

describe('the bulk email pace under either spec name', () => {
  it('reads GATEHOUSE_SES_SEND_RATE (api/production.md) as GATEHOUSE_EMAIL_RATE_PER_SECOND (api/events.md)', () => {
    expect(configWith({}).GATEHOUSE_EMAIL_RATE_PER_SECOND).toBe(14);
    expect(configWith({ GATEHOUSE_SES_SEND_RATE: '3' }).GATEHOUSE_EMAIL_RATE_PER_SECOND).toBe(3);
    expect(configWith({ GATEHOUSE_EMAIL_RATE_PER_SECOND: '7' }).GATEHOUSE_EMAIL_RATE_PER_SECOND).toBe(7);
    expect(configWith({ GATEHOUSE_EMAIL_RATE_PER_SECOND: '7', GATEHOUSE_SES_SEND_RATE: '7' }).GATEHOUSE_EMAIL_RATE_PER_SECOND).toBe(7);
    expect(() => configWith({ GATEHOUSE_EMAIL_RATE_PER_SECOND: '7', GATEHOUSE_SES_SEND_RATE: '2' })).toThrow(/GATEHOUSE_SES_SEND_RATE \(2\) and GATEHOUSE_EMAIL_RATE_PER_SECOND \(7\)/);
    expect(() => configWith({ GATEHOUSE_SES_SEND_RATE: '0' })).toThrow(/Invalid configuration/);
  });

  it('takes gatehouse:sesSendRate as gatehouse:emailRatePerSecond at synth, and refuses the two disagreeing', () => {
    expect(parseSettings(dev).emailRatePerSecond).toBeUndefined();
    expect(parseSettings({ ...dev, sesSendRate: 1 }).emailRatePerSecond).toBe(1);
    expect(parseSettings({ ...dev, sesSendRate: '2' }).emailRatePerSecond).toBe(2);
    expect(parseSettings({ ...dev, emailRatePerSecond: 5, sesSendRate: 5 }).emailRatePerSecond).toBe(5);
    expect(() => parseSettings({ ...dev, emailRatePerSecond: 5, sesSendRate: 1 })).toThrow(ContextSettingError);
    expect(() => parseSettings({ ...dev, emailRatePerSecond: 5, sesSendRate: 1 })).toThrow(/gatehouse:sesSendRate/);
    expect(() => parseSettings({ ...dev, sesSendRate: -1 })).toThrow(/gatehouse:sesSendRate/);
  });
});

/**
 * api/production.md "Local stack" (and PRODUCT.md "Abuse resistance"): each limit's local and
 * AWS default. Written out here, not read from the spec, so that a change to either column is a
 * change to this test too.
 */
const SPEC = {
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_LOGIN: { local: 5, aws: 5 },
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_DEVICE: { local: 5, aws: 5 },
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP_PER_ORG: { local: 1000, aws: 20 },
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: { local: 10000, aws: 100 },
  GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: { local: 10000, aws: 10 },
  GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR: { local: 100000, aws: 100 },
  GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: { local: 1000, aws: 5 },
  GATEHOUSE_DEVICE_COOKIE_DAYS: { local: 180, aws: 180 },
} as const;
const column = (which: 'local' | 'aws') => Object.fromEntries(Object.entries(SPEC).map(([name, values]) => [name, values[which]]));

describe('the abuse limits’ defaults', () => {
  it('are strict on AWS: the functions’ own defaults, gatehouse:limits’ defaults and the spec’s AWS column agree', () => {
    const defaults = configWith({});
    const functions = Object.fromEntries(Object.keys(SPEC).map((name) => [name, defaults[name as keyof typeof defaults]]));
    expect(functions).toEqual(column('aws'));
    expect({ ...AWS_LIMIT_DEFAULTS }).toEqual(column('aws'));
    // An address is believed from the socket only, unless a local proxy is configured.
    expect(defaults.TRUST_PROXY).toBe('0');
  });

  it('are loose on the local stack: LOCAL_LIMITS is the spec’s local column', () => {
    const { GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND: scim, TRUST_PROXY: trustProxy, ...limits } = LOCAL_LIMITS;
    expect(Object.fromEntries(Object.entries(limits).map(([name, value]) => [name, Number(value)]))).toEqual(column('local'));
    expect(trustProxy).toBe('0');
    // SCIM's rate is not in that table (shared/api/scim.md): loose locally, 50 on AWS.
    expect(Number(scim)).toBeGreaterThan(50);
    expect(configWith(LOCAL_LIMITS).GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR).toBe(1000);
  });
});
