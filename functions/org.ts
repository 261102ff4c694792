import { lambdaHandler } from '../shared/http/pipeline';
import { orgRoutes } from '../shared/http/routes/org';
import { auditEvents } from '../shared/services/audit';
import { billingReply, invoices, readBilling, writeBilling } from '../shared/services/billing';
import { orgReply, readOrg, rename } from '../shared/services/orgs';
import { listCatalog } from '../shared/services/permissions';

export const handler = lambdaHandler(orgRoutes, {
  getOrg: async ({ ctx }) => orgReply(await readOrg(ctx)),
  patchOrg: async ({ ctx, body, ifMatch }) => orgReply(await rename(ctx, body.name, ifMatch)),
  getBilling: async ({ ctx }) => billingReply(await readBilling(ctx)),
  putBilling: async ({ ctx, body, ifMatch }) => billingReply(await writeBilling(ctx, body, ifMatch)),
  listInvoices: async ({ ctx, query }) => ({ status: 200, body: await invoices(ctx, query) }),
  listAuditEvents: async ({ ctx, query }) => ({ status: 200, body: await auditEvents(ctx, query) }),
  listPermissions: async () => ({ status: 200, body: listCatalog() }),
});
