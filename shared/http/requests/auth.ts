import * as z from 'zod';
import { Email, LocaleTag, Login, Name, Password, Slug } from '../schemas';
import { AuthenticationResponse, PasskeyName, RegistrationResponse } from './passkeys';

/** What the `auth` function (functions/auth.ts) takes: sign-up, login, challenges, credentials. */

export const SignUpBody = z.strictObject({
  orgName: Name,
  slug: Slug,
  login: Login,
  name: Name,
  email: Email,
  password: Password,
  locale: LocaleTag.optional().meta({ description: 'The root’s language and the organization’s first default language (absent: the root has none and the default is en)' }),
});

export const LoginBody = z.strictObject({
  org: z.string().min(1).max(64),
  login: z.string().min(1).max(256),
  password: Password,
});

/** Without `refreshToken`, a browser session's HttpOnly cookie is used (see `Prefer: refresh-token=cookie`). */
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512).optional() });
export const TokenBody = z.strictObject({ token: z.string().min(1).max(512) });

export const ActivateBody = z.strictObject({ token: z.string().min(1).max(512), password: Password });
export const ForgotPasswordBody = z.strictObject({ org: z.string().min(1).max(64), login: z.string().min(1).max(256) });
export const ResetPasswordBody = z.strictObject({ token: z.string().min(1).max(512), password: Password });

export const ChallengeBody = z.strictObject({
  session: z.string().min(1).max(512),
  challenge: z.enum(['NEW_PASSWORD_REQUIRED', 'MFA_REQUIRED', 'MFA_SETUP_REQUIRED']),
  newPassword: Password.optional(),
  code: z.string().min(1).max(64).optional(),
  /** MFA_REQUIRED: an AuthenticationResponseJSON; MFA_SETUP_REQUIRED: a RegistrationResponseJSON (api/passkeys.md). */
  passkey: z.union([AuthenticationResponse, RegistrationResponse]).optional(),
  passkeyName: PasskeyName.optional(),
});
