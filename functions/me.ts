import { lambdaHandler } from '../shared/http/pipeline';
import { changePassword, patchMe, resendVerification, userReply } from '../shared/services/account';

export const handler = lambdaHandler('me', {
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
});
