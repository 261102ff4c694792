import type { RequestContext } from '../context';
import { validationFailed } from '../errors';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../auth/webauthn';
import { answerMfa, answerMfaSetup } from './mfa';
import { answerMfaSetupWithPasskey, answerMfaWithPasskey, passkeySetupOptions } from './passkeys';

/** The two-factor challenges' answers, by method: a code (TOTP or recovery) or a passkey. */
interface Answer {
  session: string;
  code?: string;
  passkey?: unknown;
  passkeyName?: string;
}

const exactlyOne = () =>
  validationFailed([{ path: 'code', message: 'send exactly one of `code` and `passkey`' }]);

/** MFA_REQUIRED: exactly one of a code and a passkey assertion. */
export async function answerSecondFactor(ctx: RequestContext, answer: Answer) {
  if (answer.code !== undefined && answer.passkey !== undefined) throw exactlyOne();
  if (answer.passkey !== undefined) return answerMfaWithPasskey(ctx, answer.session, answer.passkey as AuthenticationResponseJSON);
  return answerMfa(ctx, answer.session, answer.code);
}

/**
 * MFA_SETUP_REQUIRED: without an answer, what may be set up (the TOTP secret when TOTP is
 * allowed, passkey creation options when passkeys are); with `code` or `passkey`, completes it.
 */
export async function answerSecondFactorSetup(ctx: RequestContext, answer: Answer) {
  if (answer.code !== undefined && answer.passkey !== undefined) throw exactlyOne();
  if (answer.passkey !== undefined) return answerMfaSetupWithPasskey(ctx, answer.session, answer.passkey as RegistrationResponseJSON, answer.passkeyName);
  if (answer.code !== undefined) return answerMfaSetup(ctx, answer.session, answer.code);
  const offer = await passkeySetupOptions(answer.session);
  const totp = offer.methods.includes('totp') ? await answerMfaSetup(ctx, answer.session, undefined) : { session: answer.session };
  return { ...totp, ...offer };
}
