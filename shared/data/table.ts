/** The one table's shape, shared by the CDK stack and the local stack so they cannot drift. */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /**
   * Users of an organization sorted by login, for list pages in one query. Only the fields
   * the API shows are projected, so session and token bookkeeping on the user item never
   * costs an index write.
   */
  usersByLogin: {
    indexName: 'usersByLogin',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    projected: [
      'id', 'orgId', 'login', 'name', 'email', 'type', 'role', 'status', 'emailVerified', 'mustChangePassword',
      'mfa', 'origin', 'location', 'createdAt', 'updatedAt', 'lastLoginAt', 'version', 'permissions', 'locale',
    ],
  },
} as const;
