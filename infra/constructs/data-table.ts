import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, Grant } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/data/table';

/** The table actions a function may be granted: never Scan, never stream or table management. */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'BatchWriteItem';

/**
 * The single table of every organization: on-demand, point-in-time recovery, TTL, protected.
 * With `tableName` (`gatehouse:tableName`, after a restore: README) the stack uses that existing
 * table instead of its own, which it keeps (RETAIN); the restored table's TTL, PITR, deletion
 * protection and tags are set by the restore runbook.
 */
export class DataTable extends Construct {
  readonly table: ITableV2;
  /** Only when the stack owns the table (no `gatehouse:tableName`). */
  readonly owned?: TableV2;

  constructor(scope: Construct, id: string, props: { tableName?: string; tableStreamArn?: string } = {}) {
    super(scope, id);
    if (props.tableName) {
      // The stream ARN is what the event dispatcher's source needs (gatehouse:tableStreamArn).
      this.table = TableV2.fromTableAttributes(this, 'Table', { tableName: props.tableName, tableStreamArn: props.tableStreamArn });
      return;
    }
    this.owned = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      // The event dispatcher's source (infra/constructs/events.ts); the local stack enables the same.
      dynamoStream: StreamViewType[TABLE.stream],
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: TABLE.usersByLogin.indexName,
          partitionKey: { name: TABLE.usersByLogin.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TABLE.usersByLogin.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...TABLE.usersByLogin.projected],
        },
      ],
    });
    this.table = this.owned;
  }

  /** Exactly these actions on the table and its indexes (Query reads the index). */
  grant(grantee: IGrantable, actions: readonly TableAction[]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: actions.map((action) => `dynamodb:${action}`),
      resourceArns: [this.table.tableArn, `${this.table.tableArn}/index/*`],
    });
  }
}
