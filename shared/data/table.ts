/** The one table's shape, shared by the CDK stack and the local stack so they cannot drift. */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
} as const;
