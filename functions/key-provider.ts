import type { Context } from 'aws-lambda';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { generateSigningKey, type SigningKeySecret } from '../shared/auth/keys';
import { logger, withLogContext } from '../shared/log';

/**
 * CloudFormation custom resource (Custom::GatehouseSigningKey): at deploy time, generates the
 * first RSA signing key inside the account and writes it into the signing-key secret. It is
 * the only code with write access to that secret; the API functions only read it.
 * Deploying again, or a secret that already holds keys, changes nothing; rotation is
 * `npm run keys:rotate -- --aws` (README). Deleting the stack leaves the secret (retained).
 */
interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: { SecretId: string };
}

const client = new SecretsManagerClient({});

async function ensureKeys(secretId: string): Promise<'kept' | 'generated'> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  try {
    const current = JSON.parse(SecretString ?? '{}') as Partial<SigningKeySecret>;
    if (Array.isArray(current.keys) && current.keys.length) return 'kept';
  } catch {
    // The placeholder Secrets Manager generated on creation: not JSON, replaced below.
  }
  const secret: SigningKeySecret = { keys: [await generateSigningKey()] };
  await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(secret) }));
  return 'generated';
}

async function reply(event: CustomResourceEvent, status: 'SUCCESS' | 'FAILED', reason?: string): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason ?? status,
    PhysicalResourceId: event.PhysicalResourceId ?? `signing-key-${event.LogicalResourceId}`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The pre-signed S3 URL expects no content type.
  const answer = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!answer.ok) throw new Error(`CloudFormation response not accepted: ${answer.status}`);
}

export async function handler(event: CustomResourceEvent, context: Context): Promise<void> {
  await withLogContext({ requestId: context.awsRequestId, route: 'key-provider' }, async () => {
    try {
      if (event.RequestType !== 'Delete') {
        const outcome = await ensureKeys(event.ResourceProperties.SecretId);
        logger.info('signing key material', { outcome, requestType: event.RequestType });
      }
      await reply(event, 'SUCCESS');
    } catch (error) {
      logger.error('signing key provider failed', { error });
      // Only the error's name: the reason is shown in CloudFormation's console.
      await reply(event, 'FAILED', `Key provider failed: ${error instanceof Error ? error.name : 'error'} (see its logs)`);
    }
  });
}
