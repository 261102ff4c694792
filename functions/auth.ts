import { lambdaHandler } from '../shared/http/pipeline';
import { authRoutes } from '../shared/http/routes/auth';
import { completeNewPassword } from '../shared/services/challenges';
import { activate, forgotPassword, resetPassword, verifyEmail } from '../shared/services/credentials';
import { login } from '../shared/services/login';
import { answerSecondFactor, answerSecondFactorSetup } from '../shared/services/second-factor';
import { logout, refresh } from '../shared/services/sessions';
import { signUp } from '../shared/services/signup';

export const handler = lambdaHandler(authRoutes, {
  signUp: async ({ ctx, body }) => ({ status: 201, body: await signUp(ctx, body) }),
  login: async ({ ctx, body }) => ({ status: 200, body: await login(ctx, body) }),
  answerChallenge: async ({ ctx, body }) => {
    switch (body.challenge) {
      case 'NEW_PASSWORD_REQUIRED':
        return { status: 200, body: await completeNewPassword(ctx, body.session, body.newPassword) };
      case 'MFA_REQUIRED':
        return { status: 200, body: await answerSecondFactor(ctx, body) };
      case 'MFA_SETUP_REQUIRED':
        return { status: 200, body: await answerSecondFactorSetup(ctx, body) };
    }
  },
  refresh: async ({ ctx, body }) => ({ status: 200, body: await refresh(body.refreshToken, ctx) }),
  logout: async ({ ctx, body }) => {
    await logout(body.refreshToken, ctx);
    return { status: 204 };
  },
  activate: async ({ ctx, body }) => ({ status: 200, body: await activate(ctx, body) }),
  verifyEmail: async ({ ctx, body }) => {
    await verifyEmail(ctx, body.token);
    return { status: 204 };
  },
  forgotPassword: async ({ ctx, body }) => {
    await forgotPassword(ctx, body);
    return { status: 202 };
  },
  resetPassword: async ({ ctx, body }) => {
    await resetPassword(ctx, body);
    return { status: 204 };
  },
});
