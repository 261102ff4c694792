import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { ORIGIN_SECRET_HEADER } from '../../shared/http/edge';
import { rotateOriginSecret, type OriginSecretValue, type RotationPorts } from '../../shared/services/origin-secret';

/**
 * The rotation's order and values, with the two AWS calls it makes replaced by a record of them
 * (a unit test of its logic: Secrets Manager and CloudFront themselves are not run here).
 */
function distribution(sent: Array<string | undefined>): DistributionConfig {
  return {
    Origins: {
      Quantity: sent.length + 1,
      Items: [
        { Id: 'console-bucket', DomainName: 'bucket.s3.eu-central-1.amazonaws.com', CustomHeaders: { Quantity: 0, Items: [] } },
        ...sent.map((value, index) => ({
          Id: `api-${index}`,
          DomainName: 'abc123.execute-api.eu-central-1.amazonaws.com',
          CustomHeaders: { Quantity: 1, Items: value === undefined ? [] : [{ HeaderName: ORIGIN_SECRET_HEADER, HeaderValue: value }] },
        })),
      ],
    },
  } as unknown as DistributionConfig;
}

function recorder(config: DistributionConfig, fail?: 'update') {
  const calls: Array<{ call: string; value?: OriginSecretValue; sent?: string[]; etag?: string }> = [];
  const ports: RotationPorts = {
    writeSecret: async (value) => void calls.push({ call: 'writeSecret', value }),
    getDistribution: async () => {
      calls.push({ call: 'getDistribution' });
      return { config: structuredClone(config), etag: 'E1' };
    },
    updateDistribution: async (updated, etag) => {
      calls.push({ call: 'updateDistribution', etag, sent: updated.Origins!.Items!.flatMap((origin) => origin.CustomHeaders?.Items ?? []).map((header) => header.HeaderValue!) });
      if (fail === 'update') throw new Error('PreconditionFailed');
      config.Origins = updated.Origins;
    },
  };
  return { ports, calls };
}

describe('origin secret rotation', () => {
  it('writes the new value as current, keeps what CloudFront sends as previous, then switches CloudFront', async () => {
    const { ports, calls } = recorder(distribution(['sent-now-0123456789abcdef']));
    expect(await rotateOriginSecret(ports, () => 'new-value-0123456789abcdef')).toEqual({ origins: 1 });
    expect(calls).toEqual([
      { call: 'getDistribution' },
      { call: 'writeSecret', value: { current: 'new-value-0123456789abcdef', previous: 'sent-now-0123456789abcdef' } },
      { call: 'updateDistribution', etag: 'E1', sent: ['new-value-0123456789abcdef'] },
    ]);
  });

  it('never leaves CloudFront sending a refused value when a switch failed', async () => {
    const config = distribution(['sent-now-0123456789abcdef']);
    const first = recorder(config, 'update');
    await expect(rotateOriginSecret(first.ports, () => 'lost-value-0123456789abcde')).rejects.toThrow('PreconditionFailed');
    // CloudFront still sends the old value; the next run keeps exactly that one valid.
    const second = recorder(config);
    await rotateOriginSecret(second.ports, () => 'next-value-0123456789abcde');
    const written = second.calls.find((call) => call.call === 'writeSecret')!.value!;
    expect(written).toEqual({ current: 'next-value-0123456789abcde', previous: 'sent-now-0123456789abcdef' });
    const sent = second.calls.find((call) => call.call === 'updateDistribution')!.sent!;
    expect(sent.every((value) => value === written.current)).toBe(true);
  });

  it('changes nothing when no origin sends the header, or origins disagree', async () => {
    for (const sent of [[undefined], ['one-value-0123456789abcdef', 'two-value-0123456789abcdef']]) {
      const { ports, calls } = recorder(distribution(sent));
      await expect(rotateOriginSecret(ports)).rejects.toThrow(ORIGIN_SECRET_HEADER);
      expect(calls.map((call) => call.call)).toEqual(['getDistribution']);
    }
  });

  it('switches every origin that sends the header, with a fresh random value each run', async () => {
    const { ports, calls } = recorder(distribution(['same-value-0123456789abcde', 'same-value-0123456789abcde']));
    expect(await rotateOriginSecret(ports)).toEqual({ origins: 2 });
    const written = calls.find((call) => call.call === 'writeSecret')!.value!;
    expect(written.current).toMatch(/^[\w-]{32,}$/);
    expect(calls.find((call) => call.call === 'updateDistribution')!.sent).toEqual([written.current, written.current]);
    const again = recorder(distribution(['same-value-0123456789abcde']));
    await rotateOriginSecret(again.ports);
    expect(again.calls.find((call) => call.call === 'writeSecret')!.value!.current).not.toBe(written.current);
  });
});
