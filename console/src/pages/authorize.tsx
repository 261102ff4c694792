import { useEffect, useState } from 'preact/hooks';
import { accessTokenNow, adoptTokens } from '../api';
import { useSession } from '../session';
import { Link } from '../router';
import type { Challenge, Tokens } from '../types';
import { Alert, Field, Form, useAction } from '../ui';
import { useT, type ConsoleKey } from '../i18n';
import { SignInPage } from '../signin-brand';
import { ChallengeFlow, isChallenge, submitLogin } from './challenge';
import { PasskeySignIn } from './passkey-signin';

/**
 * The console as the hosted sign-in page of the SaaS's own apps (OpenID Connect): opened as
 * `/login?request=<handle>` by `GET /oauth2/authorize`. It signs the person in (or uses the
 * browser's existing Gatehouse session: single sign-on), then asks the API to complete the
 * request and follows the `redirectTo` it answers, back to the app with a code. The app's
 * address comes only from the server, which matched it exactly against the registration.
 */
interface PendingRequest {
  client: { id: string; name: string };
  prompt: 'login' | 'none' | null;
  loginHint: string | null;
  org: string | null;
}

interface OAuthAnswer<T> {
  ok: boolean;
  status: number;
  body: T & { error?: string; error_description?: string };
}

async function oauth<T>(method: 'GET' | 'POST', path: string, options: { body?: unknown; token?: string } = {}): Promise<OAuthAnswer<T>> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  } catch {
    return { ok: false, status: 0, body: { error: 'network_error' } as never };
  }
  const body = (await response.json().catch(() => ({ error: 'server_error' }))) as OAuthAnswer<T>['body'];
  return { ok: response.ok, status: response.status, body };
}

/** Steps name their words by catalog key: the sentence is made when rendered, in the language of that moment. */
type Step =
  | { kind: 'working'; message: 'authorize.checking' | 'authorize.signingIn' }
  | { kind: 'form'; notice?: 'authorize.again' | 'authorize.orgOnly' }
  | { kind: 'challenge'; challenge: Challenge }
  | { kind: 'failed'; message: ConsoleKey }
  | { kind: 'leaving'; to: string };

const leave = (to: string): Step => {
  // A full navigation: the browser goes back to the app, which is another site.
  window.location.assign(to);
  return { kind: 'leaving', to };
};

export function AuthorizeFlow(props: { handle: string }) {
  const session = useSession();
  const action = useAction();
  const [pending, setPending] = useState<PendingRequest>();
  const [step, setStep] = useState<Step>({ kind: 'working', message: 'authorize.checking' });
  const { t } = useT();
  const appName = pending?.client.name ?? t('authorize.app');

  /** Answers the app without signing in (prompt=none without a session, or the person cancelled). */
  const refuse = async (error: 'login_required' | 'access_denied') => {
    const answer = await oauth<{ redirectTo: string }>('POST', '/oauth2/authorize/complete', { body: { request: props.handle, error } });
    setStep(answer.ok ? leave(answer.body.redirectTo) : failure(answer.body.error));
  };

  /** Completes the request as the signed-in person; what the server says decides what is next. */
  const complete = async (token: string, request: PendingRequest) => {
    const answer = await oauth<{ redirectTo: string }>('POST', '/oauth2/authorize/complete', { body: { request: props.handle }, token });
    if (answer.ok) return setStep(leave(answer.body.redirectTo));
    // login_required (prompt=login, max_age), or a session that ended meanwhile.
    if (answer.status === 401) {
      if (request.prompt === 'none') return refuse('login_required');
      return setStep({ kind: 'form', notice: 'authorize.again' });
    }
    if (answer.status === 403) return setStep({ kind: 'form', notice: 'authorize.orgOnly' });
    setStep(failure(answer.body.error));
  };

  // Read what the app asked for, once the browser's own session (if any) is known.
  useEffect(() => {
    if (session.state === 'loading' || pending) return;
    void (async () => {
      const answer = await oauth<PendingRequest>('GET', `/oauth2/authorize/request?request=${encodeURIComponent(props.handle)}`);
      if (!answer.ok) return setStep(failure(answer.body.error));
      const request = answer.body;
      setPending(request);
      const token = session.state === 'signed-in' && request.prompt !== 'login' ? await accessTokenNow() : undefined;
      if (token) return complete(token, request);
      if (request.prompt === 'none') return refuse('login_required');
      setStep({ kind: 'form' });
    })();
  }, [session.state]);

  /** Tokens of a fresh sign-in (password, then any challenge): the console session and the app's. */
  const signedIn = async (tokens: Tokens) => {
    setStep({ kind: 'working', message: 'authorize.signingIn' });
    adoptTokens(tokens);
    if (pending) await complete(tokens.accessToken, pending);
  };

  // The app's organization (a client bound to one, or `org=` in its request) brands the page.
  const org = pending?.org ?? null;
  if (step.kind === 'failed') {
    return (
      <SignInPage title={t('authorize.failed')} slug={org}>
        <Alert>{t(step.message)}</Alert>
        <p>{t('authorize.failed.back')}</p>
      </SignInPage>
    );
  }
  if (step.kind === 'working' || step.kind === 'leaving') {
    return (
      <SignInPage title={pending ? t('authorize.title', { app: appName }) : t('authorize.working')} slug={org}>
        <p aria-busy="true">{step.kind === 'leaving' ? t('authorize.returning', { app: appName }) : t(step.message, { app: appName })}</p>
      </SignInPage>
    );
  }
  return (
    <SignInPage title={t('authorize.title', { app: appName })} slug={org}>
      {step.kind === 'challenge' ? (
        <ChallengeFlow initial={step.challenge} onDone={(tokens) => void signedIn(tokens)} onRestart={() => setStep({ kind: 'form' })} />
      ) : (
        <>
          {step.notice ? <Alert>{t(step.notice, { app: appName, org: org ?? '' })}</Alert> : null}
          <Form
            label={t('authorize.form')}
            busy={action.busy}
            error={action.error}
            submit={t('authorize.submit')}
            onSubmit={(form) =>
              action.run(async () => {
                const body = await submitLogin(form);
                if (isChallenge(body)) setStep({ kind: 'challenge', challenge: body });
                else await signedIn(body);
              })
            }
          >
            <p>{t('authorize.intro', { app: appName })}</p>
            <Field name="org" label={t('signin.org')} hint={t('signin.orgHint')} required autocomplete="organization" defaultValue={pending?.org ?? ''} />
            <Field name="login" label={t('signin.login')} required autocomplete="username webauthn" defaultValue={pending?.loginHint ?? ''} />
            <Field name="password" label={t('signin.password')} type="password" required autocomplete="current-password" />
          </Form>
          <PasskeySignIn org={pending?.org ?? undefined} onDone={(tokens) => void signedIn(tokens)} />
          <p>
            {/* The reset link arrives by email; the app's sign-in starts again from the app afterwards. */}
            <Link href={org ? `/forgot-password?org=${encodeURIComponent(org)}` : '/forgot-password'}>{t('signin.login.forgot')}</Link>
          </p>
        </>
      )}
      <p>
        <Link href={`/sso?request=${encodeURIComponent(props.handle)}`}>{t('signin.login.sso')}</Link>
      </p>
      <p>
        <button type="button" onClick={() => void action.run(() => refuse('access_denied'))} disabled={action.busy}>
          {t('authorize.cancel', { app: appName })}
        </button>
      </p>
    </SignInPage>
  );
}

function failure(error: string | undefined): Step {
  const message: ConsoleKey =
    error === 'invalid_request' ? 'authorize.error.expired' : error === 'network_error' ? 'authorize.error.network' : 'authorize.error.server';
  return { kind: 'failed', message };
}
