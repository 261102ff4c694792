import type { Context } from 'aws-lambda';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { generateSigningKey, publicKeyDocument, rotateSigningKeys, type SigningKeySecret } from '../shared/auth/keys';
import { clock } from '../shared/clock';
import { logger, withLogContext } from '../shared/log';

/**
 * CloudFormation custom resource (Custom::GatehouseSigningKey): at deploy time, generates the
 * first RSA signing key inside the account and writes it into the signing-key secret. It is
 * the only code with write access to that secret; only the functions that sign (auth, oauth)
 * may read it. Deploying again, or a secret that already holds keys, changes nothing. Deleting
 * the stack leaves the secret (retained).
 *
 * Scheduled daily (`{ "action": "rotate" }`, reserved concurrency 1, so two runs never race):
 * once the newest key is KEY_ROTATION_DAYS old it adds a key, which is published at once and
 * signs 2 h later, and schedules the old keys' retirement after their last token expired
 * (shared/auth/keys.ts rotateSigningKeys). Every run republishes the public keys into the SSM
 * parameter the verifying functions read, and reports the newest key's age as a metric.
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
const ssm = new SSMClient({});

async function readKeys(secretId: string): Promise<SigningKeySecret> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return JSON.parse(SecretString ?? '{}') as SigningKeySecret;
}

async function publish(secret: SigningKeySecret): Promise<void> {
  const name = process.env.PUBLIC_KEYS_PARAMETER;
  if (!name) return;
  await ssm.send(new PutParameterCommand({ Name: name, Value: JSON.stringify(publicKeyDocument(secret)), Overwrite: true, Type: 'String' }));
}

const DAY_MS = 86_400_000;

/** The daily run: rotate when due, publish the public keys, report the age (CloudWatch embedded metric format). */
export async function rotateWhenDue(secretId: string, rotationDays: number, now = clock.now()): Promise<{ rotated: boolean; ageDays: number }> {
  let secret = await readKeys(secretId);
  if (!Array.isArray(secret.keys) || !secret.keys.length) throw new Error('the signing-key secret holds no keys yet');
  const newest = Math.max(...secret.keys.map((key) => Date.parse(key.createdAt)));
  let ageDays = (now - newest) / DAY_MS;
  const rotated = ageDays >= rotationDays;
  if (rotated) {
    secret = await rotateSigningKeys(secret, now);
    await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(secret) }));
    ageDays = 0;
  }
  await publish(secret);
  const namespace = process.env.METRIC_NAMESPACE;
  if (namespace) {
    process.stdout.write(
      `${JSON.stringify({
        _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [[]], Metrics: [{ Name: 'SigningKeyAgeDays', Unit: 'None' }] }] },
        SigningKeyAgeDays: Math.round(ageDays * 100) / 100,
      })}\n`,
    );
  }
  return { rotated, ageDays };
}

async function ensureKeys(secretId: string): Promise<'kept' | 'generated'> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  try {
    const current = JSON.parse(SecretString ?? '{}') as Partial<SigningKeySecret>;
    if (Array.isArray(current.keys) && current.keys.length) {
      await publish(current as SigningKeySecret);
      return 'kept';
    }
  } catch {
    // The placeholder Secrets Manager generated on creation: not JSON, replaced below.
  }
  const secret: SigningKeySecret = { keys: [await generateSigningKey()] };
  await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(secret) }));
  await publish(secret);
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

export async function handler(event: CustomResourceEvent | { action: 'rotate' }, context: Context): Promise<void> {
  if ('action' in event) {
    await withLogContext({ requestId: context.awsRequestId, route: 'key-rotation' }, async () => {
      const outcome = await rotateWhenDue(process.env.SIGNING_KEY_SECRET_ARN!, Number(process.env.KEY_ROTATION_DAYS ?? 90));
      logger.info('signing key rotation', { event: outcome.rotated ? 'keys.rotated' : 'keys.checked', ageDays: outcome.ageDays });
    });
    return;
  }
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
