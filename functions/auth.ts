import { warmDummyHash } from '../shared/auth/passwords';
import { lambdaHandler } from '../shared/http/pipeline';
import { verifyEmail } from '../shared/services/account';
import { login } from '../shared/services/login';
import { logout, refresh } from '../shared/services/sessions';
import { signUp } from '../shared/services/signup';

warmDummyHash();

export const handler = lambdaHandler('auth', {
  signUp: async ({ ctx, body }) => ({ status: 201, body: await signUp(ctx, body) }),
  login: async ({ body }) => ({ status: 200, body: await login(body) }),
  refresh: async ({ body }) => ({ status: 200, body: await refresh(body.refreshToken) }),
  logout: async ({ body }) => {
    await logout(body.refreshToken);
    return { status: 204 };
  },
  verifyEmail: async ({ ctx, body }) => {
    await verifyEmail(ctx, body.token);
    return { status: 204 };
  },
});
