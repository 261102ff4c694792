import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RegisteredClient } from '../../shared/oauth/client-registry';

/**
 * The registered applications of the SaaS (`gatehouse:clients`) and, for each confidential
 * one, a secret Secrets Manager generates at deploy time under the stack's KMS key: never in
 * cdk.json, the template or the environment. Functions get the registry as JSON with each
 * secret's ARN; the oauth function alone may read the secrets (at cold start, kept as hashes).
 * Read a secret to configure the application:
 * `aws secretsmanager get-secret-value --secret-id <ClientSecret… output> --query SecretString`.
 */
export class ClientSecrets extends Construct {
  readonly secrets: Record<string, Secret> = {};
  /** `OAUTH_CLIENTS` for the functions. */
  readonly registryJson: string;

  constructor(scope: Construct, id: string, props: { clients: readonly RegisteredClient[]; encryptionKey: IKey }) {
    super(scope, id);
    for (const client of props.clients.filter((entry) => entry.type === 'confidential')) {
      this.secrets[client.id] = new Secret(this, `Secret-${client.id}`, {
        description: `Gatehouse: client secret of the registered application "${client.id}"`,
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
        generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      });
    }
    this.registryJson = Stack.of(this).toJsonString(
      props.clients.map((client) => ({ ...client, ...(this.secrets[client.id] ? { secretArn: this.secrets[client.id]!.secretArn } : {}) })),
    );
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A client secret is configured in the application that uses it; rotating it is a coordinated change of both (README), not something a rotation Lambda can do alone.',
    });
  }

  grantRead(grantee: IGrantable): void {
    for (const secret of Object.values(this.secrets)) secret.grantRead(grantee);
  }
}
