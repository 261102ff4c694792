import { config } from '../config';
import type { RequestContext } from '../context';
import { newId } from '../ids';
import { tableName } from './client';
import { keys } from './keys';
import type { TxItem } from './transact';

export interface AuditActor {
  id: string;
  login: string;
}

export interface AuditEvent {
  orgId: string;
  action: string;
  actor: AuditActor | null;
  target: { type: 'user' | 'org' | 'billing' | 'session'; id: string; login?: string };
  /** Non-secret facts about the change, e.g. which fields changed (never their secret values). */
  details?: Record<string, unknown>;
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
          ttl: expires,
        },
      },
    },
  };
}
