import { randomBytes } from 'node:crypto';
import type { Api } from './api';
import { verifiedOrg } from './factories';
import type { TxtServer } from './dns-server';

/** A domain of the test's own under a reserved TLD (RFC 2606), so no test shares one. */
export const testDomain = (prefix = 'acme') => `${prefix}-${randomBytes(4).toString('hex')}.test`;

/** Claims a domain for the org, publishes its TXT record on the test DNS server and verifies it. */
export async function verifiedDomain(api: Api, dns: TxtServer, token: string, domain = testDomain()) {
  const claimed = await api.request('POST', '/v1/org/domains', { token, body: { domain } });
  if (claimed.status !== 201) throw new Error(`claim failed: ${claimed.status} ${claimed.text}`);
  dns.records.set(claimed.body.verification.name, [claimed.body.verification.value]);
  const verified = await api.request('POST', `/v1/org/domains/${claimed.body.id}/verify`, { token });
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status} ${verified.text}`);
  return verified.body as { id: string; domain: string };
}

export async function ssoOrg(api: Api, dns: TxtServer) {
  const org = await verifiedOrg(api);
  const domain = await verifiedDomain(api, dns, org.rootToken);
  return { ...org, domain: domain.domain };
}

/** The `gatehouse_sso` cookie a start answer set, as the browser would send it back. */
export const ssoCookie = (headers: Headers) => {
  const cookie = headers.getSetCookie().find((value) => value.startsWith('gatehouse_sso='));
  if (!cookie) throw new Error('no gatehouse_sso cookie');
  return cookie.split(';')[0]!;
};

/** The fragment parameters of a redirect to the console's /sso/complete page. */
export const fragmentOf = (location: string | null) => new URLSearchParams(new URL(location ?? 'http://x/').hash.slice(1));

/** Posts a SAMLResponse to the ACS as the person's browser would (HTTP-POST binding). */
export async function postToAcs(api: Api, connectionId: string, samlResponse: string, relayState?: string) {
  const body = new URLSearchParams({ SAMLResponse: samlResponse, ...(relayState ? { RelayState: relayState } : {}) });
  const response = await fetch(`${api.url}/sso/saml/${connectionId}/acs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}
