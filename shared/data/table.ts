/** The one table's shape, shared by the CDK stack and the local stack so they cannot drift. */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /**
   * The stream the event dispatcher reads (shared/events/dispatcher.ts): new images are enough,
   * since events come from inserted audit items only.
   */
  stream: 'NEW_IMAGE',
  /**
   * Users of an organization sorted by login, for list pages in one query. Only the fields
   * the API shows are projected, so session and token bookkeeping on the user item never
   * costs an index write.
   */
  usersByLogin: {
    // Versioned: CloudFormation cannot change an index's keys or projection in place, so a
    // change is a new index (usersByLoginV2) over three deploys; README "Changing an index".
    indexName: 'usersByLoginV1',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    // At most 20 (DynamoDB's limit for an INCLUDE projection): orgId is left out, since every
    // item of a query shares the organization the query named.
    projected: [
      'id', 'login', 'name', 'email', 'type', 'role', 'status', 'emailVerified', 'emailStatus', 'mustChangePassword',
      'mfa', 'origin', 'location', 'createdAt', 'updatedAt', 'lastLoginAt', 'version', 'permissions', 'managedBy', 'locale',
    ],
  },
} as const;
