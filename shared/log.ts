import { requestScope, withinScope } from './request-scope';

type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * Keys whose values never reach a log line, whatever object they sit in. Matching by key
 * name (not by value) is what keeps a password out of a logged request body or error.
 */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|code|hash|session|otp|seed|^key$|signature|credential/i;

/** Key names already judged: the access log asks about the same few keys on every request. */
const secretKeys = new Map<string, boolean>();
const isSecretKey = (key: string): boolean => {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    // Bounded: keys are field names of our own code, but an error's could be anything.
    if (secretKeys.size < 1000) secretKeys.set(key, secret);
  }
  return secret;
};

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const redacted = isSecretKey(key) ? '[redacted]' : redact(item, depth + 1);
      // An own `__proto__` key stays a key (as Object.fromEntries made it), never the prototype.
      if (key === '__proto__') Object.defineProperty(copy, key, { value: redacted, enumerable: true, writable: true, configurable: true });
      else copy[key] = redacted;
    }
    return copy;
  }
  return value;
}

interface LogContext {
  requestId?: string;
  route?: string;
}

/** A new log context replaces the one around it, field by field; the usage being tracked stays. */
export const withLogContext = <T>(ctx: LogContext, fn: () => T): T => withinScope({ requestId: ctx.requestId, route: ctx.route }, fn);

export const logger = {
  level: (process.env.LOG_LEVEL ?? 'info') as Level | 'silent',
  /** Where lines go; tests swap it to read every line that would be written. */
  sink: (line: string): void => {
    process.stdout.write(`${line}\n`);
  },
  write(level: Level, message: string, fields: Record<string, unknown> = {}) {
    if (RANK[level] < RANK[this.level]) return;
    const scope = requestScope();
    const line = { level, time: new Date().toISOString(), message, requestId: scope?.requestId, route: scope?.route, ...(redact(fields) as object) };
    this.sink(JSON.stringify(line));
  },
  debug(message: string, fields?: Record<string, unknown>) {
    this.write('debug', message, fields);
  },
  info(message: string, fields?: Record<string, unknown>) {
    this.write('info', message, fields);
  },
  warn(message: string, fields?: Record<string, unknown>) {
    this.write('warn', message, fields);
  },
  error(message: string, fields?: Record<string, unknown>) {
    this.write('error', message, fields);
  },
};
