import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface BackupProps {
  stage: string;
  tableArn: string;
  encryptionKey: IKey;
  /** `gatehouse:backupVaultLock`: governance lock, recovery points cannot be deleted before 35 days. */
  vaultLock: boolean;
  /** `gatehouse:backupCopyVaultArn`: a vault in another account that receives a copy of each backup. */
  copyVaultArn?: string;
}

/**
 * AWS Backup beyond point-in-time recovery (35 days at most, same account): a daily backup kept
 * 35 days and a monthly one kept a year, in the stage's vault, each copied to another account's
 * vault when one is configured (DynamoDB cross-account copy needs AWS Backup's advanced DynamoDB
 * features turned on: README "Restore drill").
 */
export class Backup extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: BackupProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: `Gatehouse-${props.stage}`,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: props.vaultLock ? { minRetention: Duration.days(35) } : undefined,
    });
    const copy = props.copyVaultArn ? [BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyVaultArn)] : [];
    this.plan = new BackupPlan(this, 'Plan', {
      backupPlanName: `Gatehouse-${props.stage}`,
      backupVault: this.vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: Schedule.cron({ hour: '3', minute: '0' }),
          deleteAfter: Duration.days(35),
          copyActions: copy.map((vault) => ({ destinationBackupVault: vault, deleteAfter: Duration.days(35) })),
        }),
        new BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: Schedule.cron({ day: '1', hour: '4', minute: '0' }),
          deleteAfter: Duration.days(365),
          copyActions: copy.map((vault) => ({ destinationBackupVault: vault, deleteAfter: Duration.days(365) })),
        }),
      ],
    });
    const selection = this.plan.addSelection('Table', { resources: [BackupResource.fromArn(props.tableArn)] });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup’s own service policy for taking backups, maintained by AWS as services gain backup features; the selection limits it to the one table.',
    });
  }
}
