import { describe, expect, it } from 'vitest';
import { verifiedOrg } from '../support/factories';
import { useApi } from '../support/api';

/** Validation answers 400 with every wrong field named, whatever the input, never a 500. */
const api = useApi();

const PROFILE = {
  plan: 'team',
  billingEmail: 'billing@acme.example.com',
  address: { line1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
};
const BAD_COUNTRIES = ['A', 'ABC', '12', '🇫🇷', '😀', 'X'.repeat(10_000), 'fr', 'XX', ''];

describe('billing address country', () => {
  it('answers 400 naming address.country for every malformed code, with or without a token', async () => {
    const org = await verifiedOrg(api);
    for (const country of BAD_COUNTRIES) {
      for (const token of [org.rootToken, undefined]) {
        const answer = await api.request('PUT', '/v1/billing', { token, body: { ...PROFILE, address: { ...PROFILE.address, country } } });
        expect(answer.status, `${country.slice(0, 12)}: ${answer.text.slice(0, 200)}`).toBe(400);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        expect(answer.body.errors.map((error: { path: string }) => error.path)).toEqual(['address.country']);
      }
    }
    const good = await api.request('PUT', '/v1/billing', { token: org.rootToken, body: PROFILE });
    expect(good.status).toBe(200);
  });
});

describe('invitations', () => {
  it('report every wrong field of a person, each with its path', async () => {
    const org = await verifiedOrg(api);
    const answer = await api.request('POST', '/v1/users', {
      token: org.rootToken,
      body: { login: ' spaced', name: '', email: 'not an email', role: 'root', requireMfa: 'yes' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    expect(answer.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['email', 'login', 'name', 'requireMfa', 'role']);
  });

  it('report every wrong field of a service account, an address it may not have included', async () => {
    const org = await verifiedOrg(api);
    const answer = await api.request('POST', '/v1/users', {
      token: org.rootToken,
      body: { type: 'service', login: 'x', name: 7, role: 'owner', email: 'bot@example.com', delivery: 'link' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['delivery', 'email', 'login', 'name', 'role']);
  });

  it('name an unknown type as the wrong field', async () => {
    const org = await verifiedOrg(api);
    const answer = await api.request('POST', '/v1/users', { token: org.rootToken, body: { type: 'robot', login: 'robot', name: 'R', role: 'developer' } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: 'type', message: expect.stringContaining('service') }]);
  });
});
