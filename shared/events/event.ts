import { logger } from '../log';
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

const REASONS: readonly SessionEndReason[] = ['logout', 'ended', 'limit', 'refresh_reuse', 'password_changed', 'user_deactivated', 'user_deleted', 'sso_connection_deleted'];

/** The `reason` of a `session.ended` from what the audit event recorded. */
function endReason(item: AuditItem): SessionEndReason {
  if (item.action === 'org.sessions_ended') return 'ended';
  const reason = String(item.details?.reason ?? item.details?.by ?? '');
  if ((REASONS as readonly string[]).includes(reason)) return reason as SessionEndReason;
  // Older wordings: the cap's and the replay's reasons are sentences.
  if (/limit/.test(reason)) return 'limit';
  if (/reuse|replay|presented again/.test(reason)) return 'refresh_reuse';
  return 'ended';
}

/**
 * `data` (and `previous`) from the audit event alone, for the events whose audit details are
 * the whole payload (`session.ended`) and for audit events written before services put a
 * snapshot in them. Nothing is read from the table: an event shows its own change, never the
 * state at the time it is dispatched (a later change must not alter an earlier event).
 */
function recordedData(type: EventType, item: AuditItem, orgId: string): { data: unknown; previous?: Record<string, unknown> } {
  const details = item.details ?? {};
  switch (type) {
    case 'session.ended': {
      const sessions = Array.isArray(details.sessions) ? details.sessions : [];
      if (item.action === 'org.sessions_ended') {
        return { data: { userId: null, users: details.users ?? [], sessions, reason: endReason(item) } };
      }
      return { data: { userId: item.target.id, sessions, reason: endReason(item) } };
    }
    case 'org.created':
    case 'org.updated':
      return { data: { id: orgId }, ...(details.from !== undefined && typeof details.from === 'string' ? { previous: { name: details.from } } : {}) };
    default:
      logger.warn('catalog audit event without a snapshot', { event: 'events.snapshot_missing', action: item.action });
      if (item.target.type === 'user') return { data: { id: item.target.id, ...(item.target.login ? { login: item.target.login } : {}) } };
      return { data: details };
  }
}

/** The audit event as a catalog event, or undefined when its action fires none. */
export async function eventFromAudit(item: AuditItem): Promise<GatehouseEvent | undefined> {
  const type = eventTypeOf(item.action);
  if (!type) return undefined;
  const orgId = orgIdOf(item);
  const { data, previous } = item.snapshot ?? recordedData(type, item, orgId);
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
