import type { UserRecord } from '../data/users';

/**
 * What a user may do in the SaaS product, carried as the `scope` of its tokens. The catalog
 * and grants arrive with the permissions work; until then nobody holds any permission.
 * `narrowTo` is an API token's own list: the result is always the intersection with what
 * the owner holds now.
 */
export function effectivePermissions(_user: UserRecord, _narrowTo?: readonly string[]): string[] {
  return [];
}
