import { htmlPage } from '../shared/http/html-page';
import { lambdaHandler, type Reply } from '../shared/http/pipeline';
import { oidcRoutes } from '../shared/http/routes/oidc';
import { clearRefreshCookie } from '../shared/http/session-cookie';
import { LoginRequired } from '../shared/oauth/errors';
import { type AuthorizeAnswer, authorize, completeRequest, describeRequest, refuseRequest, rpLogout, userinfo } from '../shared/services/oidc';

/** A redirect, or a page where OpenID Connect forbids redirecting. */
const answer = (outcome: AuthorizeAnswer): Reply =>
  outcome.kind === 'redirect' ? { status: 302, headers: { location: outcome.location } } : htmlPage(outcome.status, outcome.title, outcome.message);

export const handler = lambdaHandler(oidcRoutes, {
  authorize: async ({ rawQuery }) => answer(await authorize(rawQuery)),
  // The form's parameters, as a query string: the service judges both ways of sending them alike.
  authorizeByForm: async ({ body }) => answer(await authorize(new URLSearchParams(body as Record<string, string>).toString())),
  describeAuthorizeRequest: async ({ query }) => ({ status: 200, body: await describeRequest(query.request) }),
  completeAuthorize: async ({ ctx, body }) => {
    if (body.error && !ctx.principal) return { status: 200, body: await refuseRequest(body.request, body.error) };
    if (!ctx.principal) throw new LoginRequired('Sign in first, then complete the request with your access token.');
    return { status: 200, body: await completeRequest(ctx, body.request, ctx.principal) };
  },
  userinfo: async ({ ctx }) => ({ status: 200, body: await userinfo(ctx.principal) }),
  endSession: async ({ rawQuery }) => {
    const outcome = await rpLogout(rawQuery);
    // The browser that comes here is the one that signed in: its refresh cookie names a dead session.
    return outcome.signedOut ? { ...answer(outcome), cookies: [clearRefreshCookie()] } : answer(outcome);
  },
});
