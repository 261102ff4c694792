import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { ORIGIN_SECRET_HEADER } from '../http/edge';
import { randomSecret } from '../ids';

/** The secret `OriginSecret` as the functions read it (shared/http/origin-guard.ts). */
export interface OriginSecretValue {
  current: string;
  previous: string;
}

/** What rotation needs of Secrets Manager and CloudFront; functions/origin-secret.ts gives the SDK clients. */
export interface RotationPorts {
  writeSecret(value: OriginSecretValue): Promise<void>;
  getDistribution(): Promise<{ config: DistributionConfig; etag?: string }>;
  updateDistribution(config: DistributionConfig, etag: string | undefined): Promise<void>;
}

/** The origins' custom headers that carry the secret. */
const secretHeaders = (config: DistributionConfig) =>
  (config.Origins?.Items ?? []).flatMap((origin) => origin.CustomHeaders?.Items ?? []).filter((header) => header.HeaderName?.toLowerCase() === ORIGIN_SECRET_HEADER);

/**
 * One rotation. `previous` becomes the value CloudFront sends now (read from the distribution,
 * not from the secret): if an earlier run wrote the secret but failed to switch CloudFront, the
 * value still in flight stays accepted, so no run can ever leave CloudFront sending a value the
 * functions refuse. The new value is written as `current` before CloudFront is switched, so
 * every request is accepted while the change spreads. A distribution without the header changes
 * nothing and fails (the alarm on the function's errors tells).
 */
export async function rotateOriginSecret(ports: RotationPorts, newSecret: () => string = () => randomSecret(32)): Promise<{ origins: number }> {
  const { config, etag } = await ports.getDistribution();
  const headers = secretHeaders(config);
  const sent = headers[0]?.HeaderValue;
  if (!sent) throw new Error(`no origin sends ${ORIGIN_SECRET_HEADER}`);
  if (headers.some((header) => header.HeaderValue !== sent)) throw new Error(`the origins send different ${ORIGIN_SECRET_HEADER} values`);
  const current = newSecret();
  await ports.writeSecret({ current, previous: sent });
  for (const header of headers) header.HeaderValue = current;
  await ports.updateDistribution(config, etag);
  return { origins: headers.length };
}
