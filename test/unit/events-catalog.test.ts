import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_TO_EVENT, EVENT_TYPES, eventTypeOf } from '../../shared/events/catalog';
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
});

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
