import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import type { Challenge, Enrolment, Tokens } from '../types';
import { Alert, Field, Form, RecoveryCodes, useAction } from '../ui';
import { cancelled, createPasskey, usePasskey } from '../passkeys';
import { sentenceFor } from '../problems';
import { useT } from '../i18n';

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
  const { t } = useT();
  return (
    <div class="enrol">
      <p>{t('challenge.totp.scan')}</p>
      <QrCode svg={props.enrolment.qrCodeSvg} label={t('challenge.totp.qr')} />
      <p>
        {t('challenge.totp.manual')} <code class="secret" data-testid="totp-secret">{props.enrolment.secret}</code>
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
  const { t } = useT();

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
        <Alert>{t('challenge.expired')}</Alert>
        <button type="button" class="primary" onClick={props.onRestart}>
          {t('challenge.restart')}
        </button>
      </div>
    );
  }

  if (codes) {
    return (
      <div>
        <p>{t('challenge.mfaOn')}</p>
        <RecoveryCodes codes={codes.recoveryCodes} />
        <button type="button" class="primary" onClick={() => props.onDone(codes.tokens)}>
          {t('challenge.codesSaved')}
        </button>
      </div>
    );
  }

  switch (step.challenge) {
    case 'NEW_PASSWORD_REQUIRED':
      return (
        <Form
          label={t('challenge.newPassword.title')}
          busy={action.busy}
          error={action.error}
          submit={t('challenge.newPassword.submit')}
          onSubmit={(form) => {
            const wrong = mismatch(form, 'newPassword', 'confirmPassword');
            if (wrong) return action.setError(wrong);
            return answer({ newPassword: String(form.get('newPassword')) });
          }}
        >
          <p>{t('challenge.newPassword.intro')}</p>
          <Field name="newPassword" label={t('signin.newPassword')} type="password" autocomplete="new-password" required hint={t('signin.passwordHint')} />
          <Field name="confirmPassword" label={t('signin.newPasswordAgain')} type="password" autocomplete="new-password" required />
        </Form>
      );
    case 'MFA_REQUIRED': {
      const passkeyOptions = step.passkeyOptions as Record<string, unknown> | undefined;
      const totp = !step.methods || step.methods.includes('totp');
      return (
        <div>
          {passkeyOptions ? (
            <div class="passkey-factor">
              <p>{t('challenge.passkey.intro')}</p>
              <button type="button" class="primary" disabled={action.busy} onClick={() => void withPasskey(() => usePasskey(passkeyOptions))}>
                {t('challenge.passkey.use')}
              </button>
            </div>
          ) : null}
          <Form label={t('challenge.code.title')} busy={action.busy} error={action.error} submit={t('challenge.code.submit')} codeFields={{ invalid_code: 'code' }} onSubmit={(form) => answer({ code: String(form.get('code')).trim() })}>
            <Field
              name="code"
              label={totp ? t('challenge.code.label') : t('challenge.code.recoveryOnly')}
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
          <p>{t('challenge.setup.intro', { choices: setup.passkeyOptions && enrolment ? 'several' : 'one' })}</p>
          {setup.passkeyOptions ? (
            <div class="passkey-factor">
              <h2>{t('challenge.setup.passkey')}</h2>
              {!enrolment && action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
              <button type="button" class="primary" disabled={action.busy} onClick={() => void withPasskey(() => createPasskey(setup.passkeyOptions!))}>
                {t('challenge.setup.createPasskey')}
              </button>
            </div>
          ) : null}
          {enrolment ? (
            <Form label={t('challenge.setup.title')} busy={action.busy} error={action.error} submit={t('challenge.setup.submit')} codeFields={{ invalid_code: 'code' }} onSubmit={(form) => answer({ code: String(form.get('code')).trim() })}>
              {setup.passkeyOptions ? <h2>{t('challenge.setup.app')}</h2> : null}
              <TotpSetup enrolment={enrolment} />
              <Field name="code" label={t('challenge.setup.code')} autocomplete="one-time-code" inputMode="numeric" required />
            </Form>
          ) : null}
        </div>
      ) : action.error ? (
        <Alert>{t('challenge.setup.failed')}</Alert>
      ) : (
        <p aria-busy="true">{t('challenge.setup.preparing')}</p>
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
