import type { AuditEvent } from './audit';
import { publicOrg, type OrgRecord } from './orgs';
import { publicUser, type UserRecord } from './users';

/**
 * What a catalog event carries, taken when the change is written (api/events.md "The event"):
 * the audit event written in the same transaction holds it, so the event shows that change and
 * no later one, however late the dispatcher reads it. Only public objects go in: never a hash,
 * token or secret.
 */
export type Snapshot = NonNullable<AuditEvent['snapshot']>;

/** The old value of each field that differs (`mfa` as a whole object); `updatedAt` and `version` always change. */
export function previousValues(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(after)
      .filter((field) => !['updatedAt', 'version'].includes(field) && JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      .map((field) => [field, before[field]]),
  );
}

function withPrevious(data: Record<string, unknown>, before: Record<string, unknown> | undefined): Snapshot {
  if (!before) return { data };
  const previous = previousValues(before, data);
  return Object.keys(previous).length ? { data, previous } : { data };
}

/** The user after the change, with the old values of what changed when `before` is given. */
export const userSnapshot = (after: UserRecord, before?: UserRecord): Snapshot =>
  withPrevious(publicUser(after), before && publicUser(before));

export const orgSnapshot = (after: OrgRecord, before?: OrgRecord): Snapshot =>
  withPrevious(publicOrg(after), before && publicOrg(before));

/**
 * The user as `updateUser(user, update)` leaves it (dotted paths are map entries), so a service
 * can put the result in the audit event without reading it back.
 */
export function afterUpdate(user: UserRecord, update: { set?: Record<string, unknown>; remove?: string[]; bumpVersion?: boolean }): UserRecord {
  const next = structuredClone(user) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(update.set ?? {})) {
    const parts = path.split('.');
    let at = next;
    for (const part of parts.slice(0, -1)) {
      if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
      at = at[part] as Record<string, unknown>;
    }
    at[parts.at(-1)!] = structuredClone(value);
  }
  for (const path of update.remove ?? []) {
    const parts = path.split('.');
    let at: Record<string, unknown> | undefined = next;
    for (const part of parts.slice(0, -1)) at = at?.[part] as Record<string, unknown> | undefined;
    if (at) delete at[parts.at(-1)!];
  }
  const result = next as unknown as UserRecord;
  if (update.bumpVersion !== false) result.version = user.version + 1;
  return result;
}
