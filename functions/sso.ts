import { connectionById } from '../shared/data/sso';
import { notFound } from '../shared/errors';
import { lambdaHandler } from '../shared/http/pipeline';
import { ssoRoutes } from '../shared/http/routes/sso';
import { serviceProviderMetadata } from '../shared/sso/saml/metadata';
import {
  changeConnection,
  claimDomain,
  connectionReply,
  connections,
  createConnection,
  deleteConnection,
  domains,
  readConnection,
  removeDomain,
  spUrls,
  verifyDomain,
} from '../shared/services/sso-admin';
import { completeSignIn, oidcCallback, samlAcs, ssoCookieOf, startSignIn, startTest } from '../shared/services/sso-signin';

const seeOther = (location: string) => ({ status: 303, headers: { location } });

export const handler = lambdaHandler(ssoRoutes, {
  claimDomain: async ({ ctx, body }) => ({ status: 201, body: await claimDomain(ctx, body.domain) }),
  listDomains: async ({ ctx }) => ({ status: 200, body: await domains(ctx) }),
  verifyDomain: async ({ ctx, params }) => ({ status: 200, body: await verifyDomain(ctx, params.id!) }),
  removeDomain: async ({ ctx, params }) => {
    await removeDomain(ctx, params.id!);
    return { status: 204 };
  },
  createConnection: async ({ ctx, body }) => connectionReply(await createConnection(ctx, body), 201),
  listConnections: async ({ ctx }) => ({ status: 200, body: await connections(ctx) }),
  getConnection: async ({ ctx, params }) => connectionReply(await readConnection(ctx, params.id!)),
  patchConnection: async ({ ctx, params, body, ifMatch }) => connectionReply(await changeConnection(ctx, params.id!, body, ifMatch)),
  deleteConnection: async ({ ctx, params }) => {
    await deleteConnection(ctx, params.id!);
    return { status: 204 };
  },
  testConnection: async ({ ctx, params }) => {
    const started = await startTest(ctx.principal, await readConnection(ctx, params.id!));
    return { status: 200, body: { redirectTo: started.redirectTo }, cookies: [started.cookie] };
  },
  startSso: async ({ body }) => {
    const started = await startSignIn(body);
    return { status: 200, body: { redirectTo: started.redirectTo }, cookies: [started.cookie] };
  },
  completeSso: async ({ ctx, body, cookie }) => ({
    status: 200,
    body: await completeSignIn(ctx, { handle: body.handle, cookie: ssoCookieOf(cookie), principal: ctx.principal }),
  }),
  samlMetadata: async ({ params }) => {
    const connection = await connectionById(params.id!);
    if (!connection || connection.protocol !== 'saml') throw notFound('No such single sign-on connection.');
    const sp = spUrls(connection.id);
    return {
      status: 200,
      headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8' },
      body: serviceProviderMetadata({ entityId: sp.entityId, acsUrl: sp.acsUrl, certificate: connection.sp!.certificate, signRequests: connection.saml!.signRequests }),
    };
  },
  samlAcs: async ({ ctx, params, body }) => seeOther(await samlAcs(ctx, params.id!, body.SAMLResponse)),
  oidcCallback: async ({ ctx, params, rawQuery }) => seeOther(await oidcCallback(ctx, params.id!, rawQuery)),
});
