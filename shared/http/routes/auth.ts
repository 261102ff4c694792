import { route } from '../route';
import { ActivateBody, ChallengeBody, ForgotPasswordBody, LoginBody, RefreshBody, ResetPasswordBody, SignUpBody, TokenBody } from '../requests/auth';

/** The `auth` function's routes: sign-up, login, challenges and credentials (functions/auth.ts). */
export const authRoutes = [
  route({
    method: 'POST', path: '/v1/orgs', group: 'auth', operation: 'signUp', auth: 'public',
    summary: 'Sign up an organization and its root user', body: SignUpBody,
    responses: {
      201: { description: 'Organization and its root (active, email not yet verified)', schema: 'SignUpResult' },
      409: { description: '`slug_taken`' },
      429: { description: '`limit`: `signup`, `email_ip` or `recipient` (the root\'s address); see `Retry-After`; nothing created' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/login', group: 'auth', operation: 'login', auth: 'public', sessionCookie: 'issues',
    summary: 'Log in with organization slug, login and password', body: LoginBody,
    responses: {
      200: { description: 'Tokens, or the first challenge (new password, two-factor) to answer at /v1/auth/challenge', schema: 'TokensOrChallenge' },
      401: { description: '`invalid_credentials`, whatever the reason' },
      429: { description: '`limit`: `login` (locked for clients without its device cookie), `device` (this browser\'s own lock) or `ip` (too many failures from this address); see `Retry-After`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/refresh', group: 'auth', operation: 'refresh', auth: 'public', sessionCookie: 'reads',
    summary: 'Exchange a refresh token for new tokens (the refresh token is rotated)', body: RefreshBody,
    responses: {
      200: { description: 'New tokens; the presented refresh token is spent', schema: 'Tokens' },
      401: { description: 'Invalid, expired or revoked; presenting a spent token revokes its whole session' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/logout', group: 'auth', operation: 'logout', auth: 'public', sessionCookie: 'ends',
    summary: 'End the session of a refresh token', body: RefreshBody,
    responses: { 204: { description: 'Signed out (also when the token was already invalid)' } },
  }),
  route({
    method: 'POST', path: '/v1/auth/verify-email', group: 'auth', operation: 'verifyEmail', auth: 'public',
    summary: 'Verify an email address with the emailed token', body: TokenBody,
    responses: { 204: { description: 'Verified' }, 400: { description: '`invalid_token`' } },
  }),
  route({
    method: 'POST', path: '/v1/auth/challenge', group: 'auth', operation: 'answerChallenge', auth: 'public', sessionCookie: 'issues',
    summary: 'Answer a login challenge (new password, TOTP or recovery code, TOTP enrolment)', body: ChallengeBody,
    responses: {
      200: { description: 'Tokens, the next challenge, or (MFA_SETUP_REQUIRED without `code`) the enrolment secret and QR code; completing the setup adds `recoveryCodes`', schema: 'ChallengeResult' },
      401: { description: '`invalid_session` or `invalid_code`' },
      429: { description: '`limit`: `login` or `device` (locked after repeated failures); see `Retry-After`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/activate', group: 'auth', operation: 'activate', auth: 'public', sessionCookie: 'issues',
    summary: 'Activate an invited account with the emailed token and a chosen password', body: ActivateBody,
    responses: {
      200: { description: 'Tokens, or MFA_SETUP_REQUIRED when two-factor is required', schema: 'TokensOrChallenge' },
      400: { description: '`invalid_token` or a password that is refused, with the reason' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/password/forgot', group: 'auth', operation: 'forgotPassword', auth: 'public',
    summary: 'Email a password-reset link (the answer never tells whether the account exists)', body: ForgotPasswordBody,
    responses: {
      202: { description: 'Accepted, whether or not the account exists (and, past the recipient\'s email limit, nothing sent)' },
      429: { description: '`limit`: `email_ip`: too many requests from this address, whatever they asked for' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/password/reset', group: 'auth', operation: 'resetPassword', auth: 'public',
    summary: 'Set a new password with an emailed reset token; signs out everywhere', body: ResetPasswordBody,
    responses: { 204: { description: 'Password set' }, 400: { description: '`invalid_token` or a refused password' } },
  }),
] as const;
