import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { config } from '../config';

/**
 * Where a webhook may go (api/events.md "Addresses a webhook may reach"). Checked when an
 * endpoint is saved, and again at every attempt against what the name resolves to then, with
 * the connection made to the address that was checked (a name that resolves to a public
 * address at set-up and to 169.254.169.254 later is refused at the attempt).
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) PRIVATE.addSubnet(network, prefix, 'ipv4');
PRIVATE.addAddress('::', 'ipv6');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, which the URL parser writes `::ffff:a00:1`) as its IPv4 address. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const lower = address.toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return { address: dotted[1]!, family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 'ipv4' };
  }
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** The local stack's exception, for webhooks and for the IdP URLs of enterprise SSO alike. */
export const loopbackAllowed = () => config().WEBHOOK_LOOPBACK === '1';

/** Whether a connection may go to this address. */
export function addressAllowed(address: string): boolean {
  const { address: plain, family } = unmapped(address);
  if (loopbackAllowed() && LOOPBACK.check(plain, family)) return true;
  return !PRIVATE.check(plain, family);
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** The reason a URL is refused when an endpoint is saved, or undefined when it may be used. */
export function urlProblem(raw: string): { code: 'validation_failed' | 'url_not_allowed'; message: string } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: 'validation_failed', message: 'is not an absolute URL' };
  }
  if (raw.length > 2048) return { code: 'validation_failed', message: 'is longer than 2048 characters' };
  if (url.username || url.password) return { code: 'validation_failed', message: 'must not carry a user name or password' };
  if (url.hash || raw.includes('#')) return { code: 'validation_failed', message: 'must not have a fragment' };
  const host = hostOf(url).toLowerCase();
  const literal = isIP(host) !== 0;
  const loopbackName = host === 'localhost';
  const loopback = loopbackName || (literal && LOOPBACK.check(unmapped(host).address, unmapped(host).family));
  if (loopback && loopbackAllowed()) {
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : { code: 'url_not_allowed', message: 'must use https' };
  }
  if (url.protocol !== 'https:') return { code: 'url_not_allowed', message: 'must use https' };
  if (loopbackName || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
    return { code: 'url_not_allowed', message: 'must not name a local or internal host' };
  }
  if (literal && !addressAllowed(host)) return { code: 'url_not_allowed', message: 'must not point at a private, loopback, link-local or metadata address' };
  return undefined;
}

/**
 * Resolves the URL's host and checks every address; answers the one to connect to, or
 * undefined when any is refused (a name with one private address among public ones is refused:
 * which one a client would pick is not ours to guess).
 */
export async function resolveAllowed(url: URL): Promise<{ address: string; family: 4 | 6 } | undefined> {
  if (urlProblem(url.href)) return undefined;
  const host = hostOf(url);
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) as 4 | 6 }] : await lookup(host, { all: true, verbatim: true });
  if (!addresses.length || addresses.some(({ address }) => !addressAllowed(address))) return undefined;
  return { address: addresses[0]!.address, family: addresses[0]!.family as 4 | 6 };
}
