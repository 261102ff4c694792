import { orgSnapshot } from '../data/snapshots';
import { nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { getOrg, publicOrg, renameOrg, type OrgRecord } from '../data/orgs';
import { transact } from '../data/transact';
import { forbidden, notFound, preconditionFailed } from '../errors';

export const orgReply = (org: OrgRecord) => ({ status: 200, body: publicOrg(org), headers: { ETag: `"${org.version}"` } });

export async function readOrg(ctx: AuthedContext): Promise<OrgRecord> {
  const org = await getOrg(ctx.principal.orgId);
  if (!org) throw notFound();
  return org;
}

export async function rename(ctx: AuthedContext, name: string, ifMatch?: number): Promise<OrgRecord> {
  const actor = ctx.principal.user;
  if (actor.role !== 'root' && actor.role !== 'admin') throw forbidden('Only the owner and admins may rename the organization.');
  const org = await readOrg(ctx);
  if (ifMatch !== undefined && ifMatch !== org.version) throw preconditionFailed();
  const at = nowIso();
  const renamed: OrgRecord = { ...org, name, updatedAt: at, version: org.version + 1 };
  await transact([
    renameOrg(org, name, at),
    auditItem(ctx, {
      orgId: org.id,
      action: 'org.renamed',
      actor: actorOf(actor),
      target: { type: 'org', id: org.id },
      details: { from: org.name, to: name },
      snapshot: orgSnapshot(renamed, org),
    }, at),
  ]);
  return renamed;
}
