import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PERMISSIONS, MAX_SCOPE_CHARS } from '../../shared/auth/permission-catalog';
import { resetConfig } from '../../shared/config';
import { addMember, verifiedOrg } from '../support/factories';
import { useApi } from '../support/api';

/**
 * The largest catalog a deployment may declare: 64 permissions whose names fill the whole
 * scope budget (64 × 31 characters). This file runs on it instead of the demo catalog.
 */
const names = Array.from({ length: MAX_PERMISSIONS }, (_, index) => `module${String(index).padStart(2, '0')}:${'action-'.repeat(4).slice(0, 22)}`);
const saved = process.env.PERMISSIONS;
process.env.PERMISSIONS = JSON.stringify(names.map((name) => ({ name, description: `Permission ${name}`, module: name.split(':')[0], defaultFor: [] })));
resetConfig();
afterAll(() => {
  process.env.PERMISSIONS = saved;
  resetConfig();
});

const api = useApi();

describe('token size', () => {
  it(`with all ${MAX_PERMISSIONS} permissions of the largest catalog granted, an access token stays under 4 KB`, async () => {
    expect(names.join(' ').length).toBeLessThanOrEqual(MAX_SCOPE_CHARS);
    expect(names.join(' ').length).toBeGreaterThan(MAX_SCOPE_CHARS - 64);
    const org = await verifiedOrg(api);
    const member = await addMember(api, org, org.rootToken, 'developer', { permissions: names });
    for (const token of [org.rootToken, member.accessToken]) {
      expect(decodeJwt(token).scope).toBe(names.join(' '));
      // The figure the README quotes.
      console.info(`access token holding ${MAX_PERMISSIONS} permissions: ${Buffer.byteLength(token)} bytes`);
      expect(Buffer.byteLength(token)).toBeLessThan(4096);
    }
    const refreshed = await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: member.refreshToken } });
    expect(Buffer.byteLength(refreshed.body.accessToken)).toBeLessThan(4096);
    expect(decodeJwt(refreshed.body.accessToken).scope).toBe(names.join(' '));
  });
});
