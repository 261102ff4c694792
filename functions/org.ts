import { lambdaHandler } from '../shared/http/pipeline';
import { auditEvents } from '../shared/services/audit';
import { orgReply, readOrg, rename } from '../shared/services/orgs';

export const handler = lambdaHandler('org', {
  getOrg: async ({ ctx }) => orgReply(await readOrg(ctx)),
  patchOrg: async ({ ctx, body, ifMatch }) => orgReply(await rename(ctx, body.name, ifMatch)),
  listAuditEvents: async ({ ctx, query }) => ({ status: 200, body: await auditEvents(ctx, query) }),
});
