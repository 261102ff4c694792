import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS_WITHOUT_EVENT, AUDIT_ACTION_TO_EVENT, EVENT_TYPES, eventTypeOf } from '../../shared/events/catalog';
import { addressAllowed, urlProblem } from '../../shared/events/addresses';

describe('the event catalog', () => {
  it('maps catalog names to themselves and older audit actions to their types; other actions fire nothing', () => {
    expect(eventTypeOf('user.created')).toBe('user.created');
    expect(eventTypeOf('user.invited')).toBe('user.created');
    expect(eventTypeOf('org.renamed')).toBe('org.updated');
    expect(eventTypeOf('mfa.reset')).toBe('user.mfa_changed');
    expect(eventTypeOf('users.imported')).toBeUndefined();
    expect(eventTypeOf('webhook.created')).toBeUndefined();
    for (const type of Object.values(AUDIT_ACTION_TO_EVENT)) expect(Object.keys(EVENT_TYPES)).toContain(type);
  });

  it('maps the second-factor, policy and email-status actions the catalog names', () => {
    expect(eventTypeOf('mfa.recovery_codes_replaced')).toBe('user.mfa_changed');
    expect(eventTypeOf('passkey.added')).toBe('user.mfa_changed');
    expect(eventTypeOf('passkey.removed')).toBe('user.mfa_changed');
    expect(eventTypeOf('org.mfa_policy_changed')).toBe('org.updated');
    expect(eventTypeOf('user.email_status_changed')).toBe('user.updated');
  });

  it('classifies every audit action the source writes: an event, or listed with the reason it is none', () => {
    const written = auditActionsInSource();
    // The reader must find the actions written through helpers and ternaries too.
    for (const action of ['user.deactivated', 'user.reactivated', 'scim.user_provisioned', 'webhook.secret_rotated', 'mfa.recovery_codes_replaced', 'sso_connection.changed']) {
      expect(written, action).toContain(action);
    }
    const unclassified = written.filter((action) => !eventTypeOf(action) && !Object.hasOwn(AUDIT_ACTIONS_WITHOUT_EVENT, action));
    expect(unclassified).toEqual([]);
    for (const action of Object.keys(AUDIT_ACTIONS_WITHOUT_EVENT)) expect(eventTypeOf(action), action).toBeUndefined();
    // Every catalog type is fired by some audit action that is really written.
    const fired = new Set(written.map(eventTypeOf).filter(Boolean));
    expect(Object.keys(EVENT_TYPES).filter((type) => !fired.has(type as never))).toEqual([]);
    // No stale mapping: every older name mapped is still written somewhere.
    expect(Object.keys(AUDIT_ACTION_TO_EVENT).filter((action) => !written.includes(action))).toEqual([]);
  });

  it('has every catalog audit event written with its snapshot (session.ended: its details are the payload)', () => {
    // Read from the source around each write: the `snapshot` (or a `…Snapshot(…)` helper) must be
    // in the same call, or the event would show only what the audit details say.
    const missing: string[] = [];
    for (const { file, line, action, around } of auditWritesInSource()) {
      const type = eventTypeOf(action);
      if (!type || type === 'session.ended') continue;
      if (!/snapshot/i.test(around)) missing.push(`${file}:${line} ${action}`);
    }
    expect(missing, 'write the public object into the audit event (shared/data/snapshots.ts)').toEqual([]);
  });
});

/** Each dotted action literal of an audit write, with the source lines around it. */
function auditWritesInSource(): Array<{ file: string; line: number; action: string; around: string }> {
  const root = join(__dirname, '..', '..');
  const found: Array<{ file: string; line: number; action: string; around: string }> = [];
  for (const file of ['shared', 'functions'].flatMap((dir) => walk(join(root, dir))).filter((path) => path.endsWith('.ts'))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, index) => {
      if (!/\baction:|[a-zA-Z]+Audit\(ctx,/.test(text)) return;
      for (const match of text.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) {
        found.push({ file: file.slice(root.length + 1), line: index + 1, action: match[1]!, around: lines.slice(Math.max(0, index - 3), index + 12).join('\n') });
      }
    });
  }
  return found;
}

/**
 * The audit actions in shared/ and functions/: the dotted literals of an `action:` property and
 * the first argument of an audit helper (`scimUserAudit(ctx, 'user.created', …)`,
 * `webhookAudit(ctx, cond ? 'webhook.disabled' : 'webhook.updated', …)`, `changedAudit`).
 */
function auditActionsInSource(): string[] {
  const root = join(__dirname, '..', '..');
  const files = ['shared', 'functions'].flatMap((dir) => walk(join(root, dir))).filter((file) => file.endsWith('.ts'));
  const actions = new Set<string>();
  const literal = /'([a-z_]+(?:\.[a-z_]+)+)'/g;
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    if (!/auditItem\(|Audit\(/.test(source)) continue;
    const expressions = [
      ...[...source.matchAll(/\baction:\s*([^,\n]+)/g)].map((match) => match[1]!),
      ...[...source.matchAll(/[a-zA-Z]+Audit\(ctx,\s*([^,\n]+),/g)].map((match) => match[1]!),
    ];
    for (const expression of expressions) for (const match of expression.matchAll(literal)) actions.add(match[1]!);
  }
  // sso-admin.ts writes its connection changes through one helper with a fixed action.
  for (const match of readFileSync(join(root, 'shared/services/sso-admin.ts'), 'utf8').matchAll(/action: '([^']+)'/g)) actions.add(match[1]!);
  return [...actions].sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]);
}

describe('webhook addresses on AWS (no loopback exception)', () => {
  it('refuses private, loopback, link-local and metadata addresses in any notation, and plain http', () => {
    // The unit tests run with the local stack's environment; judge as on AWS.
    process.env.WEBHOOK_LOOPBACK = '0';
    return import('../../shared/config').then(({ resetConfig }) => {
      resetConfig();
      try {
        for (const url of ['https://127.0.0.1/', 'https://2130706433/', 'https://0x7f.1/', 'https://[::1]/', 'https://localhost/', 'http://127.0.0.1:3000/', 'https://[::ffff:127.0.0.1]/', 'https://[::ffff:a9fe:a9fe]/']) {
          expect(urlProblem(url)?.code, url).toBe('url_not_allowed');
        }
        expect(urlProblem('https://example.com/hook')).toBeUndefined();
        expect(addressAllowed('93.184.216.34')).toBe(true);
        for (const address of ['10.1.2.3', '172.31.0.1', '192.168.1.1', '169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '::ffff:10.0.0.1', '0.0.0.0', '224.0.0.1']) {
          expect(addressAllowed(address), address).toBe(false);
        }
      } finally {
        process.env.WEBHOOK_LOOPBACK = '1';
        resetConfig();
      }
    });
  });
});
