import { promises as dns } from 'node:dns';
import { config } from '../config';

/**
 * TXT records for domain verification. `GATEHOUSE_DNS_SERVER` (`host:port`) names the one server
 * asked (the tests run one on loopback); otherwise the system's resolvers. A resolver is made per
 * lookup so nothing is cached: a record just published is seen at the next Verify.
 */
export async function txtRecords(name: string): Promise<string[]> {
  const resolver = new dns.Resolver({ timeout: 3000, tries: 2 });
  const server = config().GATEHOUSE_DNS_SERVER;
  if (server) resolver.setServers([server]);
  try {
    // A TXT record may be split into several strings; they form one value.
    return (await resolver.resolveTxt(name)).map((parts) => parts.join(''));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'ENOTIMP' || code === 'EREFUSED' || code === 'ESERVFAIL') return [];
    throw error;
  }
}
