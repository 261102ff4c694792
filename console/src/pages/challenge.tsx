import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import type { Challenge, Enrolment, Tokens } from '../types';
import { Alert, Field, Form, RecoveryCodes, useAction } from '../ui';
import { cancelled, createPasskey, usePasskey } from '../passkeys';
import { sentenceFor } from '../problems';

type SetupOffer = { session: string; methods: Challenge['methods']; passkeyOptions?: Record<string, unknown> };
type ChallengeAnswer = Tokens | Challenge | (Enrolment & SetupOffer) | SetupOffer | (Tokens & { recoveryCodes: string[] });

export const isChallenge = (answer: unknown): answer is Challenge =>
  typeof answer === 'object' && answer !== null && 'challenge' in answer;

/** Checks a "type it again" field in the browser, with the same kind of error the API gives. */
export function mismatch(form: FormData, field: string, confirm: string): ApiError | undefined {
  if (form.get(field) === form.get(confirm)) return undefined;
  return new ApiError({ status: 400, code: 'validation_failed', errors: [{ path: confirm, message: 'The two passwords are not the same' }] });
}

/** An SVG string from the API shown as an image (no markup injected into the page). */
export const QrCode = (props: { svg: string; label: string }) => (
  <img class="qr" alt={props.label} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(props.svg)}`} width={200} height={200} />
);

export function TotpSetup(props: { enrolment: Enrolment }) {
  return (
    <div class="enrol">
      <p>Scan this code with an authenticator app (1Password, Google Authenticator, Authy…), then type the 6-digit code it shows.</p>
      <QrCode svg={props.enrolment.qrCodeSvg} label="QR code for your authenticator app" />
      <p>
        Cannot scan? Enter this key by hand: <code class="secret" data-testid="totp-secret">{props.enrolment.secret}</code>
      </p>
    </div>
  );
}

/**
 * Walks a login (or an activation) through whatever the API asks next: a new password, a
 * code, or two-factor setup, until tokens arrive. Each answer may carry a new `session`.
 */
export function ChallengeFlow(props: { initial: Challenge; onDone: (tokens: Tokens) => void; onRestart: () => void }) {
  const [step, setStep] = useState<Challenge>(props.initial);
  const [enrolment, setEnrolment] = useState<Enrolment>();
  const [setup, setSetup] = useState<SetupOffer>();
  const [codes, setCodes] = useState<{ tokens: Tokens; recoveryCodes: string[] }>();
  const action = useAction();

  const answer = (body: Record<string, unknown>) =>
    action.run(async () => {
      const { body: result } = await request<ChallengeAnswer>('POST', '/v1/auth/challenge', {
        anonymous: true,
        session: true,
        body: { session: step.session, challenge: step.challenge, ...body },
      });
      if ('methods' in result && !isChallenge(result)) {
        // MFA_SETUP_REQUIRED's offer: the TOTP secret and/or passkey creation options.
        if ('secret' in result) setEnrolment(result);
        setSetup(result);
        setStep({ challenge: 'MFA_SETUP_REQUIRED', session: result.session });
      } else if (isChallenge(result)) {
        setEnrolment(undefined);
        setStep(result);
      } else if ('recoveryCodes' in result) {
        setCodes({ tokens: result, recoveryCodes: result.recoveryCodes });
      } else {
        props.onDone(result);
      }
    });

  // Setup starts by asking the API for a secret and its QR code.
  useEffect(() => {
    if (step.challenge === 'MFA_SETUP_REQUIRED' && !setup) void answer({});
  }, [step]);

  /** Answers with a passkey: the browser's dialog on the options the challenge carries. */
  const withPasskey = (ceremony: () => Promise<unknown>, extra: Record<string, unknown> = {}) =>
    action.run(async () => {
      let passkey: unknown;
      try {
        passkey = await ceremony();
      } catch (error) {
        if (cancelled(error)) return;
        throw error;
      }
      const { body: result } = await request<ChallengeAnswer>('POST', '/v1/auth/challenge', {
        anonymous: true,
        session: true,
        body: { session: step.session, challenge: step.challenge, passkey, ...extra },
      });
      if ('recoveryCodes' in result) setCodes({ tokens: result, recoveryCodes: result.recoveryCodes });
      else if (isChallenge(result)) setStep(result);
      else if ('accessToken' in result) props.onDone(result);
    });

  const expired = action.error instanceof ApiError && action.error.code === 'invalid_session';
  if (expired) {
    return (
      <div>
        <Alert>This sign-in step has expired. Please start again.</Alert>
        <button type="button" class="primary" onClick={props.onRestart}>
          Start again
        </button>
      </div>
    );
  }

  if (codes) {
    return (
      <div>
        <p>Two-factor authentication is on.</p>
        <RecoveryCodes codes={codes.recoveryCodes} />
        <button type="button" class="primary" onClick={() => props.onDone(codes.tokens)}>
          I have saved my recovery codes — continue
        </button>
      </div>
    );
  }

  switch (step.challenge) {
    case 'NEW_PASSWORD_REQUIRED':
      return (
        <Form
          label="Choose a new password"
          busy={action.busy}
          error={action.error}
          submit="Set password"
          onSubmit={(form) => {
            const wrong = mismatch(form, 'newPassword', 'confirmPassword');
            if (wrong) return action.setError(wrong);
            return answer({ newPassword: String(form.get('newPassword')) });
          }}
        >
          <p>Your password was set by an administrator. Choose your own to continue.</p>
          <Field name="newPassword" label="New password" type="password" autocomplete="new-password" required hint="At least 15 characters; a few unrelated words work well." />
          <Field name="confirmPassword" label="New password, again" type="password" autocomplete="new-password" required />
        </Form>
      );
    case 'MFA_REQUIRED': {
      const passkeyOptions = step.passkeyOptions as Record<string, unknown> | undefined;
      const totp = !step.methods || step.methods.includes('totp');
      return (
        <div>
          {passkeyOptions ? (
            <div class="passkey-factor">
              <p>Use your passkey to confirm it is you.</p>
              <button type="button" class="primary" disabled={action.busy} onClick={() => void withPasskey(() => usePasskey(passkeyOptions))}>
                Use your passkey
              </button>
            </div>
          ) : null}
          <Form label="Two-factor code" busy={action.busy} error={action.error} submit="Verify" codeFields={{ invalid_code: 'code' }} onSubmit={(form) => answer({ code: String(form.get('code')).trim() })}>
            <Field
              name="code"
              label={totp ? 'Code from your authenticator app, or a recovery code' : 'Or a recovery code'}
              autocomplete="one-time-code"
              inputMode="text"
              required
              autoFocus={!passkeyOptions}
            />
          </Form>
        </div>
      );
    }
    case 'MFA_SETUP_REQUIRED':
      return setup ? (
        <div>
          <p>Your organization requires two-factor authentication. Set up {setup.passkeyOptions && enrolment ? 'one of these' : 'this'} to continue.</p>
          {setup.passkeyOptions ? (
            <div class="passkey-factor">
              <h2>A passkey</h2>
              {!enrolment && action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
              <button type="button" class="primary" disabled={action.busy} onClick={() => void withPasskey(() => createPasskey(setup.passkeyOptions!))}>
                Set up a passkey
              </button>
            </div>
          ) : null}
          {enrolment ? (
            <Form label="Set up two-factor" busy={action.busy} error={action.error} submit="Turn on two-factor" codeFields={{ invalid_code: 'code' }} onSubmit={(form) => answer({ code: String(form.get('code')).trim() })}>
              {setup.passkeyOptions ? <h2>An authenticator app</h2> : null}
              <TotpSetup enrolment={enrolment} />
              <Field name="code" label="6-digit code" autocomplete="one-time-code" inputMode="numeric" required />
            </Form>
          ) : null}
        </div>
      ) : action.error ? (
        <Alert>Two-factor setup could not start. Please start again.</Alert>
      ) : (
        <p aria-busy="true">Preparing two-factor setup…</p>
      );
  }
}

/** Sends the login form (organization, login, password): tokens, or the first challenge to answer. */
export async function submitLogin(form: FormData): Promise<Tokens | Challenge> {
  const { body } = await request<Tokens | Challenge>('POST', '/v1/auth/login', {
    anonymous: true,
    session: true,
    body: { org: String(form.get('org')).trim(), login: String(form.get('login')).trim(), password: String(form.get('password')) },
  });
  return body;
}
