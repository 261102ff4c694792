import type { UserRecord } from '../data/users';

/** One entry of the deployment's permission catalog (`cdk.json` context `gatehouse:permissions`). */
export interface Permission {
  name: string;
  description: string;
  module: string;
  dangerous: boolean;
  defaultFor: Array<'admin' | 'developer'>;
}

/**
 * Seam for the permissions work: the catalog and grants arrive with it; until then the
 * catalog is empty and nobody holds any permission.
 */
export function catalog(): readonly Permission[] {
  return [];
}

/**
 * What a user may do in the SaaS product, carried as the `scope` of its tokens. `narrowTo` is
 * an API token's own list: the result is always the intersection with what the owner holds now.
 */
export function effectivePermissions(_user: UserRecord, _narrowTo?: readonly string[]): string[] {
  return [];
}
