import { getOrg, publicOrg } from '../data/orgs';
import { getUser, publicUser } from '../data/users';
import { type EventType, type SessionEndReason, WITH_PREVIOUS, eventTypeOf } from './catalog';

/** The event as webhooks, `GET /v1/events` and the bus carry it (api/events.md "The event"). */
export interface GatehouseEvent {
  id: string;
  type: EventType | 'webhook.test';
  timestamp: string;
  org: string;
  actor: { type: 'user' | 'scim' | 'sso' | 'system'; id: string | null };
  data: unknown;
  previous?: Record<string, unknown>;
}

/** An audit item as the table holds it (shared/data/audit.ts auditItem). */
export interface AuditItem {
  pk: string;
  id: string;
  at: string;
  action: string;
  actor: { id: string; login: string; type?: 'scim' | 'sso' } | null;
  target: { type: string; id: string; login?: string };
  details?: Record<string, unknown>;
  snapshot?: { data: unknown; previous?: Record<string, unknown> };
  ttl?: number;
}

export const orgIdOf = (item: Pick<AuditItem, 'pk'>) => item.pk.slice('ORG#'.length);

/** The `reason` of a `session.ended` from what the audit event recorded. */
function endReason(item: AuditItem): SessionEndReason {
  if (item.action === 'org.sessions_ended') return 'ended';
  const reason = String(item.details?.reason ?? item.details?.by ?? '');
  if (/limit/.test(reason)) return 'limit';
  if (/reuse/.test(reason)) return 'refresh_reuse';
  if (/logout/.test(reason)) return 'logout';
  if (/password/.test(reason)) return 'password_changed';
  if (/deactivat/.test(reason)) return 'user_deactivated';
  if (/delet/.test(reason)) return 'user_deleted';
  if (/sso/.test(reason)) return 'sso_connection_deleted';
  return 'ended';
}

const userData = async (orgId: string, userId: string) => {
  const user = await getUser(orgId, userId);
  return user ? publicUser(user) : { id: userId };
};

/**
 * What `data` (and `previous`) is for an audit event that carries no snapshot: read now, which
 * for a change made moments ago is the object after it. Services that can, put the object in the
 * audit event instead (`snapshot`), so the event shows exactly that change.
 */
async function derivedData(type: EventType, item: AuditItem, orgId: string): Promise<{ data: unknown; previous?: Record<string, unknown> }> {
  const details = item.details ?? {};
  switch (type) {
    case 'org.created':
    case 'org.updated': {
      const org = await getOrg(orgId);
      const previous = details.from !== undefined ? { name: details.from } : undefined;
      return { data: org ? publicOrg(org) : { id: orgId }, ...(previous ? { previous } : {}) };
    }
    case 'session.ended': {
      const sessions = Array.isArray(details.sessions) ? details.sessions : [];
      if (item.action === 'org.sessions_ended') {
        return { data: { userId: null, users: details.users ?? [], sessions, reason: endReason(item) } };
      }
      return { data: { userId: item.target.id, sessions, reason: endReason(item) } };
    }
    case 'api_token.created':
    case 'api_token.revoked':
      return {
        data: {
          id: details.tokenId ?? null,
          userId: item.target.id,
          name: details.name ?? null,
          scopes: details.scopes ?? null,
          expiresAt: details.expiresAt ?? null,
        },
      };
    case 'ownership.transferred':
      return {
        data: {
          previousRoot: item.actor ? await userData(orgId, item.actor.id) : null,
          newRoot: await userData(orgId, item.target.id),
        },
      };
    case 'user.role_changed':
      return {
        data: await userData(orgId, item.target.id),
        ...(details.roleFrom ? { previous: { role: details.roleFrom } } : {}),
      };
    default:
      if (item.target.type === 'user') return { data: await userData(orgId, item.target.id) };
      return { data: details };
  }
}

/** The audit event as a catalog event, or undefined when its action fires none. */
export async function eventFromAudit(item: AuditItem): Promise<GatehouseEvent | undefined> {
  const type = eventTypeOf(item.action);
  if (!type) return undefined;
  const orgId = orgIdOf(item);
  const { data, previous } = item.snapshot ?? (await derivedData(type, item, orgId));
  const actor: GatehouseEvent['actor'] = item.actor?.type
    ? { type: item.actor.type, id: item.actor.id }
    : item.actor
      ? { type: 'user', id: item.actor.id }
      : { type: 'system', id: null };
  return {
    id: item.id,
    type,
    timestamp: item.at,
    org: orgId,
    actor,
    data,
    ...(previous && WITH_PREVIOUS.has(type) ? { previous } : {}),
  };
}
