import { nowSeconds } from '../clock';
import { auditItem, userTarget, type AuditActor } from '../data/audit';
import type { TxItem } from '../data/transact';
import type { UserRecord } from '../data/users';
import type { SessionEndReason } from '../events/catalog';

/**
 * The `session.ended` audit event for a change that ends a user's sessions as a side effect
 * (a password change, deactivation, deletion), written in the same transaction. A session that
 * ends before it expires fires one `session.ended`, whatever ended it; one already expired fires
 * nothing (api/events.md), so only live sessions are named, and no item when none is.
 */
export function sessionsEndedAudit(
  ctx: { requestId: string; ip: string },
  actor: AuditActor | null,
  user: Pick<UserRecord, 'orgId' | 'id' | 'login' | 'sessions'>,
  reason: SessionEndReason,
  at: string,
  keep: string[] = [],
): TxItem[] {
  const now = nowSeconds();
  const ended = Object.entries(user.sessions ?? {}).filter(([id, expiresAt]) => expiresAt > now && !keep.includes(id)).map(([id]) => id);
  if (!ended.length) return [];
  return [auditItem(ctx, { orgId: user.orgId, action: 'session.ended', actor, target: userTarget(user), details: { sessions: ended, reason } }, at)];
}
