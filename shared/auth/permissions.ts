import { config } from '../config';
import type { UserRecord } from '../data/users';
import type { Permission } from './permission-catalog';

export type { Permission } from './permission-catalog';

let cached: { entries: readonly Permission[]; names: ReadonlySet<string> } | undefined;

function loaded() {
  // The environment's PERMISSIONS, validated once by config(); a new configuration is a new catalog.
  const entries = config().PERMISSIONS;
  if (cached?.entries !== entries) cached = { entries, names: new Set(entries.map((entry) => entry.name)) };
  return cached;
}

/** The deployment's catalog, in its declared order. */
export function catalog(): readonly Permission[] {
  return loaded().entries;
}

export const isKnownPermission = (name: string) => loaded().names.has(name);

/** Catalog order, known names only, each once: the one shape every permission list takes. */
export function inCatalogOrder(names: Iterable<string>): string[] {
  const wanted = new Set(names);
  return catalog().filter((entry) => wanted.has(entry.name)).map((entry) => entry.name);
}

/** What an invitation without an explicit list gives the role. */
export const defaultPermissions = (role: 'admin' | 'developer') =>
  catalog().filter((entry) => entry.defaultFor.includes(role)).map((entry) => entry.name);

/**
 * What a user may do in the SaaS product, carried as the `scope` of its tokens. `narrowTo` is
 * an API token's own list: the result is always the intersection with what the owner holds now.
 * Root holds the whole catalog; a stored grant that left the catalog is ignored.
 */
export function effectivePermissions(user: Pick<UserRecord, 'role' | 'permissions'>, narrowTo?: readonly string[] | null): string[] {
  const held = user.role === 'root' ? catalog().map((entry) => entry.name) : inCatalogOrder(user.permissions ?? []);
  if (!narrowTo) return held;
  const narrowed = new Set(narrowTo);
  return held.filter((name) => narrowed.has(name));
}
