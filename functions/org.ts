import { lambdaHandler } from '../shared/http/pipeline';
import { brandingOrgRoutes } from '../shared/http/routes/branding';
import { orgRoutes } from '../shared/http/routes/org';
import { brandingReply, readBranding, writeBranding } from '../shared/services/branding';
import { listTemplateTypes, previewTemplate, readTemplate, removeTemplate, saveTemplate, templateReply } from '../shared/services/email-templates';
import { auditEvents } from '../shared/services/audit';
import { billingReply, invoices, readBilling, writeBilling } from '../shared/services/billing';
import { orgReply, readOrg, rename } from '../shared/services/orgs';
import { listCatalog } from '../shared/services/permissions';
import { assertRoot } from '../shared/auth/policy';
import { changeMfaPolicy } from '../shared/services/mfa-policy';

export const handler = lambdaHandler([...orgRoutes, ...brandingOrgRoutes] as const, {
  getOrg: async ({ ctx }) => orgReply(await readOrg(ctx)),
  patchOrg: async ({ ctx, body, ifMatch }) => {
    // The policy is root's alone: checked before anything is written, so an admin's mixed request changes nothing.
    if (body.mfaPolicy) assertRoot(ctx.principal, 'Only the organization owner may change the two-factor policy.');
    let org = body.name !== undefined ? await rename(ctx, body.name, ifMatch) : undefined;
    if (body.mfaPolicy) org = await changeMfaPolicy(ctx, body.mfaPolicy, org ? org.version : ifMatch);
    return orgReply(org!);
  },
  getBilling: async ({ ctx }) => billingReply(await readBilling(ctx)),
  putBilling: async ({ ctx, body, ifMatch }) => billingReply(await writeBilling(ctx, body, ifMatch)),
  listInvoices: async ({ ctx, query }) => ({ status: 200, body: await invoices(ctx, query) }),
  listAuditEvents: async ({ ctx, query }) => ({ status: 200, body: await auditEvents(ctx, query) }),
  listPermissions: async () => ({ status: 200, body: listCatalog() }),
  getBranding: async ({ ctx }) => brandingReply(await readBranding(ctx)),
  putBranding: async ({ ctx, body, ifMatch }) => brandingReply(await writeBranding(ctx, body, ifMatch)),
  listEmailTemplates: async ({ ctx }) => ({ status: 200, body: await listTemplateTypes(ctx) }),
  getEmailTemplate: async ({ ctx, params }) => templateReply(await readTemplate(ctx, params.type!, params.locale!)),
  putEmailTemplate: async ({ ctx, params, body, ifMatch }) => templateReply(await saveTemplate(ctx, params.type!, params.locale!, body, ifMatch)),
  deleteEmailTemplate: async ({ ctx, params }) => {
    await removeTemplate(ctx, params.type!, params.locale!);
    return { status: 204 };
  },
  previewEmailTemplate: async ({ ctx, params, body, query }) => ({
    status: 200,
    body: await previewTemplate(ctx, params.type!, params.locale!, body, query.send === 'true'),
  }),
});
