import { ContextSettingError } from '../shared/context-settings';

/**
 * `gatehouse:limits` (PRODUCT.md "Abuse resistance"): overrides of the abuse limits, keyed by
 * the environment variable names the local stack uses. The functions' defaults are AWS's
 * strict values (shared/config.ts), so a key left out is strict, never loose.
 */
export const AWS_LIMIT_DEFAULTS = {
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_LOGIN: 5,
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_DEVICE: 5,
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP_PER_ORG: 20,
  GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP: 100,
  GATEHOUSE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: 10,
  GATEHOUSE_LIMIT_EMAILS_PER_IP_PER_HOUR: 100,
  GATEHOUSE_LIMIT_EMAILS_PER_RECIPIENT_PER_HOUR: 5,
  GATEHOUSE_DEVICE_COOKIE_DAYS: 180,
} as const;

const MAX: Record<keyof typeof AWS_LIMIT_DEFAULTS, number> = {
  ...Object.fromEntries(Object.keys(AWS_LIMIT_DEFAULTS).map((name) => [name, 1_000_000])),
  GATEHOUSE_DEVICE_COOKIE_DAYS: 400,
} as Record<keyof typeof AWS_LIMIT_DEFAULTS, number>;

/** The functions' environment for `gatehouse:limits`: only the keys it sets, each checked. */
export function limitsEnvironment(value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === '') return {};
  const source = 'gatehouse:limits';
  const parsed = typeof value === 'string' ? safeJson(value, source) : value;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ContextSettingError([`${source}: must be an object such as {"GATEHOUSE_LIMIT_LOGIN_FAILURES_PER_IP": 100}`], source);
  }
  const problems: string[] = [];
  const environment: Record<string, string> = {};
  for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (!(name in AWS_LIMIT_DEFAULTS)) {
      problems.push(`${source}.${name}: not a limit (known: ${Object.keys(AWS_LIMIT_DEFAULTS).join(', ')})`);
      continue;
    }
    const number = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const max = MAX[name as keyof typeof AWS_LIMIT_DEFAULTS];
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > max) {
      problems.push(`${source}.${name}: must be a whole number from 1 to ${max}`);
      continue;
    }
    environment[name] = String(number);
  }
  if (problems.length) throw new ContextSettingError(problems, source);
  return environment;
}

function safeJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ContextSettingError([`${source}: must be JSON (an object)`], source);
  }
}
