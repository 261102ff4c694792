import type { AuthedContext } from '../context';
import { listAudit, type AuditFilter } from '../data/audit';
import { decodeCursor, encodeCursor } from '../data/cursor';
import { forbidden } from '../errors';

export async function auditEvents(ctx: AuthedContext, query: AuditFilter & { limit: number; cursor?: string }) {
  if (ctx.principal.user.role === 'developer') throw forbidden('Only the owner and admins may read the audit log.');
  const { orgId } = ctx.principal;
  const listName = `audit:${query.action ?? ''}:${query.actor ?? ''}:${query.target ?? ''}`;
  const page = await listAudit(orgId, { ...query, start: await decodeCursor(orgId, listName, query.cursor) });
  return { items: page.items, nextCursor: await encodeCursor(orgId, listName, page.next) };
}
