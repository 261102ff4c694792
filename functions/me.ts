import { lambdaHandler } from '../shared/http/pipeline';
import { meRoutes } from '../shared/http/routes/me';
import { changePassword, patchMe, resendVerification, userReply } from '../shared/services/account';
import { createApiToken, listApiTokens, revokeApiToken } from '../shared/services/api-tokens';
import { endMySessions, listSessions } from '../shared/services/session-management';
import { confirmEnrolment, disable, regenerateRecoveryCodes, startEnrolment } from '../shared/services/mfa';

export const handler = lambdaHandler(meRoutes, {
  getMe: async ({ ctx }) => userReply(ctx.principal.user),
  patchMe: async ({ ctx, body, ifMatch }) => userReply(await patchMe(ctx, body, ifMatch)),
  resendVerification: async ({ ctx }) => {
    await resendVerification(ctx);
    return { status: 202 };
  },
  changePassword: async ({ ctx, body }) => {
    await changePassword(ctx, body);
    return { status: 204 };
  },
  startTotpEnrolment: async ({ ctx }) => ({ status: 200, body: await startEnrolment(ctx) }),
  confirmTotpEnrolment: async ({ ctx, body }) => ({ status: 200, body: await confirmEnrolment(ctx, body.code) }),
  disableTotp: async ({ ctx, body }) => {
    await disable(ctx, body);
    return { status: 204 };
  },
  regenerateRecoveryCodes: async ({ ctx, body }) => ({ status: 200, body: await regenerateRecoveryCodes(ctx, body.code) }),
  listMyApiTokens: async ({ ctx }) => ({ status: 200, body: listApiTokens(ctx.principal.user) }),
  createMyApiToken: async ({ ctx, body }) => ({ status: 201, body: await createApiToken(ctx, ctx.principal.user, body) }),
  revokeMyApiToken: async ({ ctx, params }) => {
    await revokeApiToken(ctx, ctx.principal.user, params.tokenId!);
    return { status: 204 };
  },
  listMySessions: async ({ ctx }) => ({ status: 200, body: await listSessions(ctx.principal.user, ctx.principal.sessionId) }),
  endMySessions: async ({ ctx, body }) => ({ status: 200, body: await endMySessions(ctx, body) }),
});
