import type { Context } from 'aws-lambda';
import { CloudFrontClient, GetDistributionConfigCommand, UpdateDistributionCommand } from '@aws-sdk/client-cloudfront';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomSecret } from '../shared/ids';
import { ORIGIN_SECRET_HEADER } from '../shared/http/edge';
import { logger, withLogContext } from '../shared/log';

/**
 * Rotates the origin secret (scheduled every `gatehouse:originSecretRotationDays`, reserved
 * concurrency 1): the new value becomes `current` and the old one `previous`, which the
 * functions keep accepting; then CloudFront's origin header is switched to the new value.
 * In that order no request is ever refused: until CloudFront's change has spread, it still
 * sends the previous value. A deploy resolves the header from `current` again, the same value.
 */
const secrets = new SecretsManagerClient({});
// CloudFront's API lives in us-east-1 whatever the stack's region.
const cloudfront = new CloudFrontClient({ region: 'us-east-1' });

export async function handler(_event: unknown, context: Context): Promise<{ rotated: boolean }> {
  return withLogContext({ requestId: context.awsRequestId, route: 'origin-secret-rotation' }, async () => {
    const secretId = process.env.ORIGIN_SECRET_ARN!;
    const distributionId = process.env.DISTRIBUTION_ID!;
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const old = (JSON.parse(SecretString ?? '{}') as { current?: string }).current;
    const current = randomSecret(32);
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify({ current, previous: old ?? '' }) }));

    const { DistributionConfig, ETag } = await cloudfront.send(new GetDistributionConfigCommand({ Id: distributionId }));
    let changed = 0;
    for (const origin of DistributionConfig?.Origins?.Items ?? []) {
      for (const header of origin.CustomHeaders?.Items ?? []) {
        if (header.HeaderName?.toLowerCase() === ORIGIN_SECRET_HEADER) {
          header.HeaderValue = current;
          changed += 1;
        }
      }
    }
    if (!changed) throw new Error(`no origin of ${distributionId} sends ${ORIGIN_SECRET_HEADER}`);
    await cloudfront.send(new UpdateDistributionCommand({ Id: distributionId, IfMatch: ETag, DistributionConfig }));
    logger.info('origin secret rotated', { event: 'edge.origin_secret_rotated', origins: changed });
    return { rotated: true };
  });
}
