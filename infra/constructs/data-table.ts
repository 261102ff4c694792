import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/data/table';

/** The single table of every organization: on-demand, point-in-time recovery, TTL, protected. */
export class DataTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
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
  }
}
