/**
 * `npm run keys:rotate`: adds a new RSA signing key and schedules the retirement of the old
 * one. The new key is published in the JWKS at once and starts signing 2 h 10 min later (API
 * Gateway caches a JWKS for up to two hours); the old key stays published until every token it
 * signed has expired. Run it again any time later: keys whose retirement passed are dropped.
 *
 *   npm run keys:rotate                                  the local stack ($DATA_DIR/keys.json)
 *   npm run keys:rotate -- --aws --secret <arn or name>  a deployment (stack output SigningKeysSecretArn)
 */
import { resolve } from 'node:path';
import { SIGNS_AFTER_PUBLISHED_MS, rotateLocalKeyFile, rotateSigningKeys, type SigningKeySecret } from '../../shared/auth/keys';

function describe(secret: SigningKeySecret, now: number): string {
  const newest = secret.keys.at(-1)!;
  return [
    `New key ${newest.kid}: published now, signs from ${new Date(now + SIGNS_AFTER_PUBLISHED_MS).toISOString()}.`,
    ...secret.keys.slice(0, -1).map((key) => `Key ${key.kid}: leaves the JWKS at ${key.retireAt}.`),
  ].join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const now = Date.now();
  if (args.includes('--aws')) {
    const secretId = args[args.indexOf('--secret') + 1];
    if (!args.includes('--secret') || !secretId) {
      console.error('Usage: npm run keys:rotate -- --aws --secret <SigningKeysSecretArn from the stack outputs>');
      process.exit(2);
    }
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({});
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const rotated = await rotateSigningKeys(JSON.parse(SecretString ?? '{"keys":[]}') as SigningKeySecret, now);
    await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(rotated) }));
    console.log(`${describe(rotated, now)}\nRunning functions pick the new key ring up within 5 minutes.`);
    return;
  }
  const file = resolve(process.env.DATA_DIR ?? '.data', 'keys.json');
  const rotated = await rotateLocalKeyFile(file, now);
  console.log(`${describe(rotated, now)}\nA running \`npm start\` picks it up within 5 minutes.`);
}

main().catch((error) => {
  console.error(`Rotation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
