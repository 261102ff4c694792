import type { GroupMapping } from '../data/group-mappings';

export type ManagedRole = 'admin' | 'developer';

const RANK: Record<ManagedRole, number> = { developer: 1, admin: 2 };

/**
 * The role and permissions an IdP-managed user gets from its groups (shared/api/scim.md "Roles
 * and permissions from groups"), for SCIM and SSO alike: group names match case-insensitively;
 * the role is the highest mapped one among the user's groups, else the default; permissions are
 * the union of the mapped ones. It never answers root: groups never make anyone root.
 *
 * `undefined` while the list is empty: groups then change nothing and root edits by hand.
 */
export function roleFromGroups(
  mappings: readonly GroupMapping[],
  groups: readonly string[],
  defaultRole: ManagedRole,
): { role: ManagedRole; permissions: string[] } | undefined {
  if (mappings.length === 0) return undefined;
  const mine = new Set(groups.map((group) => group.toLowerCase()));
  const matched = mappings.filter((mapping) => mine.has(mapping.group.toLowerCase()));
  let role: ManagedRole | undefined;
  for (const mapping of matched) {
    // Only the ranks known here count: a stored 'root' (never valid input) can never slip through.
    if (mapping.role && mapping.role in RANK && (!role || RANK[mapping.role] > RANK[role])) role = mapping.role;
  }
  const permissions = [...new Set(matched.flatMap((mapping) => mapping.permissions))].sort();
  return { role: role ?? defaultRole, permissions };
}
