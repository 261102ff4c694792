import { describe, expect, it } from 'vitest';
import { limitAddress } from '../../shared/services/abuse';

describe('the address a limit counts', () => {
  it('is an IPv4 address as it is, and the IPv4 an IPv4-mapped IPv6 address maps', () => {
    expect(limitAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(limitAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    const prefix = '2001:db8:85a3:8d3::/64';
    expect(limitAddress('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe(prefix);
    expect(limitAddress('2001:0DB8:85a3:08d3::1')).toBe(prefix);
    expect(limitAddress('2001:db8:85a3:8d3:ffff::')).toBe(prefix);
    expect(limitAddress('2001:db8:85a3:8d4::1')).not.toBe(prefix);
    expect(limitAddress('::1')).toBe('0:0:0:0::/64');
    expect(limitAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
