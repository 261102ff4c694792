import { lambdaHandler } from '../shared/http/pipeline';
import { passkeysRoutes } from '../shared/http/routes/passkeys';
import { loadTarget } from '../shared/services/users';
import {
  listPasskeys,
  listUserPasskeys,
  passwordlessOptions,
  passwordlessSignIn,
  registerPasskey,
  registrationOptions,
  removeOwnPasskey,
  removeUserPasskey,
  renamePasskey,
} from '../shared/services/passkeys';

export const handler = lambdaHandler(passkeysRoutes, {
  passkeyCreationOptions: async ({ ctx, body }) => ({ status: 200, body: await registrationOptions(ctx, body ?? {}) }),
  registerPasskey: async ({ ctx, body }) => ({ status: 201, body: await registerPasskey(ctx, body) }),
  listMyPasskeys: async ({ ctx }) => ({ status: 200, body: listPasskeys(ctx.principal.user) }),
  renameMyPasskey: async ({ ctx, params, body }) => ({ status: 200, body: await renamePasskey(ctx, params.passkeyId!, body.name) }),
  removeMyPasskey: async ({ ctx, params, body }) => {
    await removeOwnPasskey(ctx, params.passkeyId!, body ?? {});
    return { status: 204 };
  },
  listUserPasskeys: async ({ ctx, params }) => ({ status: 200, body: listUserPasskeys(ctx, await loadTarget(ctx, params.id!)) }),
  removeUserPasskey: async ({ ctx, params }) => {
    await removeUserPasskey(ctx, await loadTarget(ctx, params.id!), params.passkeyId!);
    return { status: 204 };
  },
  passwordlessOptions: async ({ body }) => ({ status: 200, body: await passwordlessOptions(body ?? {}) }),
  passwordlessSignIn: async ({ ctx, body }) => ({ status: 200, body: await passwordlessSignIn(ctx, body as never) }),
});
