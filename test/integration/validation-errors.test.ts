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
