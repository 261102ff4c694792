import type { Context } from 'aws-lambda';
import { CloudFrontClient, GetDistributionConfigCommand, UpdateDistributionCommand } from '@aws-sdk/client-cloudfront';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { logger, withLogContext } from '../shared/log';
import { rotateOriginSecret } from '../shared/services/origin-secret';

/**
 * Rotates the origin secret (scheduled every `gatehouse:originSecretRotationDays`, reserved
 * concurrency 1): see rotateOriginSecret for the order that never refuses a request. A deploy
 * resolves the header from `current` again, the same value.
 */
const secrets = new SecretsManagerClient({});
// CloudFront's API lives in us-east-1 whatever the stack's region.
const cloudfront = new CloudFrontClient({ region: 'us-east-1' });

export async function handler(_event: unknown, context: Context): Promise<{ rotated: boolean }> {
  return withLogContext({ requestId: context.awsRequestId, route: 'origin-secret-rotation' }, async () => {
    const secretId = process.env.ORIGIN_SECRET_ARN!;
    const distributionId = process.env.DISTRIBUTION_ID!;
    const { origins } = await rotateOriginSecret({
      writeSecret: async (value) => {
        await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }));
      },
      getDistribution: async () => {
        const { DistributionConfig, ETag } = await cloudfront.send(new GetDistributionConfigCommand({ Id: distributionId }));
        if (!DistributionConfig) throw new Error(`distribution ${distributionId} has no configuration`);
        return { config: DistributionConfig, etag: ETag };
      },
      updateDistribution: async (config, etag) => {
        await cloudfront.send(new UpdateDistributionCommand({ Id: distributionId, IfMatch: etag, DistributionConfig: config }));
      },
    });
    logger.info('origin secret rotated', { event: 'edge.origin_secret_rotated', origins });
    return { rotated: true };
  });
}
