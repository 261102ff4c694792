import { nowIso, nowSeconds } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem, userTarget } from '../data/audit';
import { requireOrg } from '../data/orgs';
import { deleteSessionItems, getSessions, type SessionRecord } from '../data/sessions';
import { transact, type TxItem } from '../data/transact';
import { secondFactorUpdate, sessionHolders, type UserRecord } from '../data/users';
import { Problem, conflict, reauthenticationFailed } from '../errors';
import { verifyPassword } from '../auth/passwords';
import { assertRoot } from '../auth/policy';
import { guardedAttempt } from './attempts';
import { checkSecondFactor, type FactorUse } from './mfa';
import { loadTarget } from './users';

/**
 * Seeing and ending sessions (ASVS 7.5.2, 7.4.5). A session is live while the user item lists
 * it: ending one removes it there, so its refresh token is refused and its access tokens stop
 * at their next request on Gatehouse's API (the one user read every request makes already
 * says so). The session items are deleted afterwards, as tidying only.
 */

/** A DynamoDB transaction holds at most 100 items: 99 users and the audit event of the batch. */
const USERS_PER_BATCH = 99;

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

function view(record: SessionRecord, expiresAt: number, currentId: string | undefined) {
  return {
    id: record.id,
    current: record.id === currentId,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt ?? record.createdAt,
    expiresAt: iso(expiresAt),
    ip: record.ip ?? null,
    userAgent: record.userAgent ?? null,
    browser: record.browser ?? null,
    os: record.os ?? null,
    client: record.client ?? null,
    mfa: record.mfa ?? null,
  };
}

const liveIds = (user: Pick<UserRecord, 'sessions'>, now = nowSeconds()) =>
  Object.entries(user.sessions ?? {}).filter(([, expiresAt]) => expiresAt > now).map(([id]) => id);

/** The user's live sessions, newest first: the user item (already read) and one batch read. */
export async function listSessions(user: UserRecord, currentId: string | undefined) {
  const records = await getSessions(user.orgId, liveIds(user));
  const items = records
    .filter((record) => record.userId === user.id)
    .map((record) => view(record, user.sessions[record.id]!, currentId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { items, nextCursor: null };
}

/**
 * Ends sessions of one user: one transaction of the user write (which also spends the code
 * the caller confirmed with, if any) and its audit event; then the items go.
 */
async function endSessions(ctx: AuthedContext, target: UserRecord, ids: string[], options: { use?: FactorUse; by: 'self' | 'owner' }) {
  const use = options.use ?? {};
  const spendsCode = use.step !== undefined || use.recoveryHash !== undefined;
  if (!ids.length && !spendsCode) return 0;
  const live = new Set(liveIds(target));
  const ended = ids.filter((id) => live.has(id));
  const at = nowIso();
  await transact([
    secondFactorUpdate(target, use, { remove: ids.map((id) => `sessions.${id}`), bumpVersion: false }, reauthenticationFailed),
    ...(ids.length
      ? [auditItem(ctx, {
          orgId: target.orgId,
          action: 'session.ended',
          actor: actorOf(ctx.principal.user),
          target: userTarget(target),
          details: { sessions: ended, by: options.by },
        }, at)]
      : []),
  ]);
  await deleteSessionItems(target.orgId, ids);
  return ended.length;
}

/**
 * The caller proves it is still itself: the password, or a code (TOTP or recovery), either
 * enough, and both checked when both are given. Failures count towards the login's lockout,
 * so a stolen access token cannot be used to guess. A missing factor is no guess and is not counted.
 */
async function confirmEither(user: UserRecord, proof: { password?: string; code?: string }): Promise<FactorUse> {
  if (proof.password === undefined && proof.code === undefined) throw reauthenticationFailed();
  const org = await requireOrg(user.orgId);
  return guardedAttempt(org.slug, user.login, async () => {
    if (proof.password !== undefined && !(await verifyPassword(user.passwordHash, proof.password))) return undefined;
    if (proof.code !== undefined) return checkSecondFactor(user, proof.code);
    return {};
  }, reauthenticationFailed);
}

/** `POST /v1/me/sessions/end`: some of one's own sessions, or all but this one. */
export async function endMySessions(ctx: AuthedContext, input: { sessions: 'others' | string[]; password?: string; code?: string }) {
  const { user, sessionId } = ctx.principal;
  const use = await confirmEither(user, input);
  const ids = input.sessions === 'others'
    ? Object.keys(user.sessions).filter((id) => id !== sessionId)
    : input.sessions.filter((id) => id in user.sessions);
  return { ended: await endSessions(ctx, user, ids, { use, by: 'self' }) };
}

/** Root: a user's sessions (its own too, with `current` marked). */
export async function listUserSessions(ctx: AuthedContext, userId: string) {
  assertRoot(ctx.principal, 'Only the organization owner may see another user’s sessions.');
  const target = await loadTarget(ctx, userId);
  return listSessions(target, ctx.principal.sessionId);
}

/** Root: signs a user out everywhere (itself included, if it asks for its own id). */
export async function endUserSessions(ctx: AuthedContext, userId: string) {
  assertRoot(ctx.principal, 'Only the organization owner may end another user’s sessions.');
  const target = await loadTarget(ctx, userId);
  await endSessions(ctx, target, Object.keys(target.sessions), { by: 'owner' });
}

/**
 * Root, after an incident: every session of the organization ends but the one asking.
 * The users with sessions are found by one query of the organization's partition (paged),
 * then signed out in transactions of 99 users plus that batch's audit event. Each user's
 * map is replaced whole, so a session started while this runs ends too.
 *
 * Batches are independent: if one fails, the ones before it stay done (and audited) and the
 * answer is 503; asking again ends the rest, since users already signed out are skipped.
 */
export async function endOrgSessions(ctx: AuthedContext, input: { password: string; code?: string }) {
  assertRoot(ctx.principal, 'Only the organization owner may sign everyone out.');
  const { user: root, sessionId } = ctx.principal;
  const org = await requireOrg(root.orgId);
  const use = await guardedAttempt<FactorUse>(org.slug, root.login, async () => {
    if (!(await verifyPassword(root.passwordHash, input.password))) return undefined;
    if (!root.mfa.enabled) return {};
    return input.code ? checkSecondFactor(root, input.code) : undefined;
  }, reauthenticationFailed);

  const now = nowSeconds();
  const writes: Array<{ userId: string; ended: number; item: TxItem }> = [];
  const rootKeeps = sessionId && (root.sessions[sessionId] ?? 0) > now ? { [sessionId]: root.sessions[sessionId]! } : {};
  const rootEnds = liveIds(root, now).filter((id) => id !== sessionId).length;
  // The root's own write comes first, always when it spends a code, so the code is used once.
  if (rootEnds || use.step !== undefined || use.recoveryHash !== undefined) {
    writes.push({
      userId: root.id,
      ended: rootEnds,
      item: secondFactorUpdate(root, use, { set: { sessions: rootKeeps }, bumpVersion: false }, reauthenticationFailed),
    });
  }
  const changedMeanwhile = () => conflict('concurrent_change', 'A user changed while everyone was being signed out; try again.');
  for await (const holder of sessionHolders(org.id)) {
    const ended = liveIds(holder, now).length;
    if (holder.id === root.id || !ended) continue;
    writes.push({ userId: holder.id, ended, item: secondFactorUpdate(holder, {}, { set: { sessions: {} }, bumpVersion: false }, changedMeanwhile) });
  }

  const batches = Math.ceil(writes.length / USERS_PER_BATCH);
  let done = 0;
  let ended = 0;
  for (let index = 0; index < batches; index += 1) {
    const batch = writes.slice(index * USERS_PER_BATCH, (index + 1) * USERS_PER_BATCH);
    const endedHere = batch.reduce((sum, write) => sum + write.ended, 0);
    try {
      await transact([
        ...batch.map((write) => write.item),
        auditItem(ctx, {
          orgId: org.id,
          action: 'org.sessions_ended',
          actor: actorOf(root),
          target: { type: 'org', id: org.id },
          details: { users: batch.filter((write) => write.ended).map((write) => write.userId), sessionsEnded: endedHere, batch: index + 1, batches },
        }, nowIso()),
      ]);
    } catch (error) {
      if (index === 0) throw error;
      throw new Problem(503, 'partially_done',
        `${done} of ${writes.length} users were signed out before a failure; send the request again to sign out the rest.`,
        undefined, { 'Retry-After': '1' });
    }
    done += batch.length;
    ended += endedHere;
  }
  return { ended, users: writes.filter((write) => write.ended).length };
}
