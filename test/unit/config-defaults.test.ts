import { afterEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../../infra/config';
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
