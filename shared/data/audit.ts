import { config } from '../config';
import type { RequestContext } from '../context';
import { newId } from '../ids';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './client';
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

export interface AuditFilter {
  action?: string;
  actor?: string;
  target?: string;
}

const MAX_EXAMINED_PER_PAGE = 1000;

/** Newest first; filters are applied by DynamoDB after reading, so a page may hold fewer than `limit`. */
export async function listAudit(orgId: string, options: AuditFilter & { limit: number; start?: Record<string, unknown> }) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': keys.orgPartition(orgId), ':prefix': keys.auditPrefix };
  const filters: string[] = [];
  if (options.action) {
    names['#action'] = 'action';
    values[':action'] = options.action;
    filters.push('#action = :action');
  }
  if (options.actor) {
    names['#actor'] = 'actor';
    values[':actor'] = options.actor;
    filters.push('#actor.id = :actor');
  }
  if (options.target) {
    names['#target'] = 'target';
    values[':target'] = options.target;
    filters.push('#target.id = :target');
  }
  const items: Record<string, unknown>[] = [];
  let start = options.start;
  let examined = 0;
  do {
    const { Items = [], LastEvaluatedKey, ScannedCount = 0 } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: filters.length ? filters.join(' AND ') : undefined,
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        ExclusiveStartKey: start,
        Limit: options.limit - items.length,
      }),
    );
    items.push(...Items);
    examined += ScannedCount;
    start = LastEvaluatedKey;
  } while (start && items.length < options.limit && examined < MAX_EXAMINED_PER_PAGE);
  return {
    items: items.map(({ id, at, actor, action, target, ip, requestId, details }) => ({ id, at, actor, action, target, ip, requestId, details })),
    next: start,
  };
}
