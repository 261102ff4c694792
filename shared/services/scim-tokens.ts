import { randomBytes } from 'node:crypto';
import { nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { requireOrg } from '../data/orgs';
import { deleteScimToken, getScimSettings, getScimTokenLookups, initScimSettings, putScimToken, type ScimTokenMeta } from '../data/scim';
import { transact } from '../data/transact';
import { forbidden, notFound } from '../errors';
import { hashToken } from '../ids';
import { assertRoot } from '../auth/policy';

import { SCIM_TOKEN_PREFIX, SCIM_TOKEN_PURPOSE } from './scim-auth';

const publicScimToken = (meta: ScimTokenMeta, lastUsedAt: string | null) => ({
  id: meta.id,
  name: meta.name,
  prefix: meta.prefix,
  createdAt: meta.createdAt,
  lastUsedAt,
});

export async function listScimTokens(ctx: AuthedContext) {
  assertRoot(ctx.principal, 'Only the organization owner may manage SCIM tokens.');
  const settings = await getScimSettings(ctx.principal.orgId);
  const metas = Object.values(settings.tokens).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const lookups = new Map((await getScimTokenLookups(metas.map((meta) => meta.hash))).map((lookup) => [lookup.id, lookup]));
  return { items: metas.map((meta) => publicScimToken(meta, lookups.get(meta.id)?.lastUsedAt ?? null)) };
}

/** Creating one needs a verified root email, as inviting does (PRODUCT.md "Connecting"). */
export async function createScimToken(ctx: AuthedContext, name: string) {
  assertRoot(ctx.principal, 'Only the organization owner may manage SCIM tokens.');
  // The same rule as inviting (services/users.ts assertVerifiedInviter), without loading that module.
  if (!ctx.principal.user.emailVerified) throw forbidden('Verify your email address before creating SCIM tokens.', 'email_not_verified');
  const org = await requireOrg(ctx.principal.orgId);
  await initScimSettings(org.id);
  const token = SCIM_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const at = nowIso();
  const meta: ScimTokenMeta = {
    id: randomBytes(8).toString('base64url'),
    name,
    prefix: token.slice(0, SCIM_TOKEN_PREFIX.length + 6),
    hash: hashToken(SCIM_TOKEN_PURPOSE, token),
    createdAt: at,
  };
  await transact([
    ...putScimToken(org.id, org.slug, meta),
    auditItem(ctx, {
      orgId: org.id,
      action: 'scim.token_created',
      actor: actorOf(ctx.principal.user),
      target: { type: 'org', id: org.id },
      details: { tokenId: meta.id, name },
    }, at),
  ]);
  return { ...publicScimToken(meta, null), token };
}

export async function revokeScimToken(ctx: AuthedContext, tokenId: string): Promise<void> {
  assertRoot(ctx.principal, 'Only the organization owner may manage SCIM tokens.');
  const settings = await getScimSettings(ctx.principal.orgId);
  const meta = Object.hasOwn(settings.tokens, tokenId) ? settings.tokens[tokenId] : undefined;
  if (!meta) throw notFound('No such SCIM token.');
  await transact([
    ...deleteScimToken(ctx.principal.orgId, meta),
    auditItem(ctx, {
      orgId: ctx.principal.orgId,
      action: 'scim.token_revoked',
      actor: actorOf(ctx.principal.user),
      target: { type: 'org', id: ctx.principal.orgId },
      details: { tokenId: meta.id, name: meta.name },
    }, nowIso()),
  ]);
}

