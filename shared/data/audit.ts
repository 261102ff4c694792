import { config } from '../config';
import type { RequestContext } from '../context';
import { newId } from '../ids';
import { tableName } from './client';
import { filteredPage } from './pages';
import { keys } from './keys';
import type { TxItem } from './transact';

/**
 * A user; the organization's directory acting through a SCIM token; or an SSO connection
 * acting for its IdP (just-in-time users, group-mapped roles): events name it `sso`.
 */
export type AuditActor = { id: string; login: string } | { type: 'scim'; id: string; name: string } | { type: 'sso'; id: string; login: string };

export interface AuditEvent {
  orgId: string;
  action: string;
  actor: AuditActor | null;
  target: { type: 'user' | 'org' | 'billing' | 'session' | 'webhook'; id: string; login?: string };
  /** Non-secret facts about the change, e.g. which fields changed (never their secret values). */
  details?: Record<string, unknown>;
  /**
   * For audit events that are also catalog events (shared/events/catalog.ts): the public object
   * after the change and the old values of what changed, so the event carries the object as it
   * was at that moment. Without it the dispatcher reads the object when it sends the event.
   */
  snapshot?: { data: unknown; previous?: Record<string, unknown> };
}

/** The audit event as a transaction item, so it is written with the change it records or not at all. */
export function auditItem(ctx: RequestContext, event: AuditEvent, at: string): TxItem {
  const id = newId();
  const expires = Math.floor(Date.parse(at) / 1000) + config().AUDIT_RETENTION_DAYS * 86400;
  return {
    write: {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.audit(event.orgId, at, id),
          entity: 'audit',
          id,
          at,
          action: event.action,
          actor: event.actor,
          target: event.target,
          ip: ctx.ip,
          requestId: ctx.requestId,
          details: event.details ?? {},
          ...(event.snapshot ? { snapshot: event.snapshot } : {}),
          ttl: expires,
        },
      },
    },
  };
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  target?: string;
}

/** Newest first; see filteredPage for how filters shape a page. */
export async function listAudit(orgId: string, options: AuditFilter & { limit: number; start?: Record<string, unknown> }) {
  const page = await filteredPage(
    {
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.auditPrefix },
      ScanIndexForward: false,
    },
    // `actor=scim`: every event the directory made, whichever of its tokens it used.
    options.actor === 'scim'
      ? { action: options.action, 'actor.type': 'scim', 'target.id': options.target }
      : { action: options.action, 'actor.id': options.actor, 'target.id': options.target },
    options.limit,
    options.start,
  );
  return {
    items: page.items.map(({ id, at, actor, action, target, ip, requestId, details }) => ({ id, at, actor, action, target, ip, requestId, details })),
    next: page.next,
  };
}

/** The audit log's names for who acted and on whom. */
export const actorOf = (user: { id: string; login: string }): AuditActor => ({ id: user.id, login: user.login });
export const userTarget = (user: { id: string; login: string }) => ({ type: 'user' as const, id: user.id, login: user.login });
