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
    // change is a new index (usersByLoginV3) over three deploys; README "Changing an index".
    // V2 (before any production deploy): `resetPending` projected in place of `login`.
    indexName: 'usersByLoginV2',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    // At most 20 (DynamoDB's limit for an INCLUDE projection): orgId is left out, since every
    // item of a query shares the organization the query named, and login, since it is the
    // index's sort key, which every index holds anyway. `resetPending` mirrors
    // `emailTokens.reset` (a map entry, which a projection cannot name) for
    // `passwordResetPending` in lists.
    projected: [
      'id', 'resetPending', 'name', 'email', 'type', 'role', 'status', 'emailVerified', 'emailStatus', 'mustChangePassword',
      'mfa', 'origin', 'location', 'createdAt', 'updatedAt', 'lastLoginAt', 'version', 'permissions', 'managedBy', 'locale',
    ],
  },
} as const;

/**
 * The local stack's own bookkeeping (stream positions, and the queues SQS holds on AWS) sits in
 * a table of its own without a stream: in the main table every queued, claimed and deleted
 * message came back to the runner through the stream it reads, three records an event.
 */
export const localTableOf = (table: string) => `${table}-local`;
