import { lambdaHandler } from '../shared/http/pipeline';
import { oauthRoutes } from '../shared/http/routes/oauth';
import { discoveryDocument } from '../shared/oauth/discovery';
import { introspect, revoke } from '../shared/oauth/introspection';
import { token } from '../shared/oauth/token';

let discovery: ReturnType<typeof discoveryDocument> | undefined;

export const handler = lambdaHandler(oauthRoutes, {
  openidConfiguration: async () => ({ status: 200, body: (discovery ??= discoveryDocument()) }),
  authorizationServerMetadata: async () => ({ status: 200, body: (discovery ??= discoveryDocument()) }),
  token: async ({ ctx, authorization, body }) => ({ status: 200, body: await token(ctx, authorization, body) }),
  introspect: async ({ authorization, body }) => ({ status: 200, body: await introspect(authorization, body) }),
  revoke: async ({ ctx, authorization, body }) => {
    await revoke(ctx, authorization, body);
    return { status: 200 };
  },
});
