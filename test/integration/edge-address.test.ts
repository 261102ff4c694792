import { beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { EDGE_SECRET_HEADER, VIEWER_IP_HEADER } from '../../shared/http/edge';
import { useApi } from '../support/api';
import { loginAs, signUpOrg } from '../support/factories';

const EDGE_SECRET = 'edge-secret-for-the-tests-0001';
beforeAll(() => {
  process.env.EDGE_SECRET = EDGE_SECRET;
  resetConfig();
});
const api = useApi();

async function auditIpOf(headers: Record<string, string>) {
  const org = await signUpOrg(api);
  const { accessToken } = await loginAs(api, org.slug, 'owner', org.root.password);
  expect((await api.request('PATCH', '/v1/me', { token: accessToken, body: { location: 'Porto' }, headers })).status).toBe(200);
  const events = await api.request('GET', '/v1/audit-events?action=user.updated', { token: accessToken });
  return events.body.items[0].ip as string;
}

describe('the client address behind CloudFront', () => {
  it('believes the viewer address the edge reports, with the edge secret', async () => {
    expect(await auditIpOf({ [EDGE_SECRET_HEADER]: EDGE_SECRET, [VIEWER_IP_HEADER]: '203.0.113.7' })).toBe('203.0.113.7');
  });

  it('ignores it without the right secret, or when it is not an address', async () => {
    expect(await auditIpOf({ [EDGE_SECRET_HEADER]: 'a guess at the secret value', [VIEWER_IP_HEADER]: '203.0.113.7' })).toBe('127.0.0.1');
    expect(await auditIpOf({ [VIEWER_IP_HEADER]: '203.0.113.7' })).toBe('127.0.0.1');
    expect(await auditIpOf({ [EDGE_SECRET_HEADER]: EDGE_SECRET, [VIEWER_IP_HEADER]: 'not-an-ip' })).toBe('127.0.0.1');
    expect(await auditIpOf({ 'x-forwarded-for': '203.0.113.7' })).toBe('127.0.0.1');
  });
});
