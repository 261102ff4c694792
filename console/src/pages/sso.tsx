import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { Tokens } from '../types';
import { Alert, Field, Form, Page, Success, useAction } from '../ui';
import { useT, type ConsoleKey } from '../i18n';
import { SignInPage } from '../signin-brand';

/**
 * Signing in through the organization's own identity provider (shared/api/sso.md): the email
 * first, then the IdP, then /sso/complete finishes with the one-time handle. The body of a
 * `sso_required` refusal (`ssoStart`) starts the same flow, so an enforced domain goes to its
 * IdP by itself.
 */
export async function startSso(body: { email?: string; org?: string; connection?: string; request?: string }): Promise<void> {
  const started = await request<{ redirectTo: string }>('POST', '/v1/auth/sso/start', { anonymous: true, body });
  window.location.assign(started.body.redirectTo);
}

/** `sso_required`'s start body, when a password sign-in was refused for SSO. */
export const ssoStartOf = (error: unknown) =>
  error instanceof ApiError && error.code === 'sso_required' ? (error.problem as unknown as { ssoStart?: { org: string; connection: string } }).ssoStart : undefined;

/** The sign-in's own refusals, by the code the complete route sends back in the fragment. */
const MESSAGES: Record<string, ConsoleKey> = {
  sso_failed: 'signin.sso.error.failed',
  sso_denied: 'signin.sso.error.denied',
  email_domain_not_allowed: 'signin.sso.error.domain',
  user_not_provisioned: 'signin.sso.error.notProvisioned',
  user_deactivated: 'signin.sso.error.deactivated',
  connection_disabled: 'signin.sso.error.disabled',
  invalid_handle: 'signin.sso.error.handle',
};

export function SsoSignIn() {
  const action = useAction();
  const { query } = useLocation();
  const { t } = useT();
  const request = query.get('request') ?? undefined;
  const org = query.get('org');
  return (
    <SignInPage title={t('signin.sso.title')} slug={org}>
      <Form
        busy={action.busy}
        error={action.error}
        submit={t('signin.continue')}
        codeFields={{ sso_not_configured: 'email' }}
        onSubmit={(form) => action.run(() => startSso({ email: String(form.get('email')).trim(), ...(request ? { request } : {}) }))}
      >
        <Field name="email" label={t('signin.sso.email')} type="email" required autocomplete="email" hint={t('signin.sso.emailHint')} />
      </Form>
      <p>
        <Link href={request ? `/login?request=${encodeURIComponent(request)}` : org ? `/login?org=${encodeURIComponent(org)}` : '/login'}>{t('signin.sso.withPasswordInstead')}</Link>
      </p>
    </SignInPage>
  );
}

interface TestReport {
  ok: boolean;
  error?: string;
  reason?: string;
  subject: string | null;
  email: string | null;
  name: string | null;
  groups: string[];
  attributes: Record<string, string[]>;
  outcome?: string;
  role?: string;
}

export function SsoComplete() {
  const session = useSession();
  const [fragment] = useState(() => new URLSearchParams(window.location.hash.slice(1)));
  const [error, setError] = useState<string | undefined>(fragment.get('error') ?? undefined);
  const [report, setReport] = useState<TestReport>();
  const { t } = useT();
  useEffect(() => {
    const handle = fragment.get('handle');
    // The handle must not linger in the address bar or history.
    history.replaceState(null, '', '/sso/complete');
    if (!handle) {
      setError((current) => current ?? 'invalid_handle');
      return;
    }
    void (async () => {
      try {
        const done = await request<Tokens | { redirectTo: string } | { test: TestReport }>('POST', '/v1/auth/sso/complete', { body: { handle }, session: true });
        const body = done.body;
        if ('test' in body) setReport(body.test);
        else if ('redirectTo' in body) window.location.assign(body.redirectTo);
        else {
          await session.begin(body);
          navigate('/account', { replace: true });
        }
      } catch (failure) {
        setError(failure instanceof ApiError ? failure.code : 'sso_failed');
      }
    })();
  }, []);
  if (report) {
    return (
      <Page title={t('signin.sso.test.title')}>
        {report.ok ? <Success>{t('signin.sso.test.ok', { who: report.email ?? report.subject ?? '' })}</Success> : <Alert>{report.reason ?? report.error}</Alert>}
        <dl data-testid="sso-test-report">
          <dt>{t('signin.sso.test.subject')}</dt>
          <dd>{report.subject ?? '—'}</dd>
          <dt>{t('signin.sso.test.email')}</dt>
          <dd>{report.email ?? '—'}</dd>
          <dt>{t('signin.sso.test.name')}</dt>
          <dd>{report.name ?? '—'}</dd>
          <dt>{t('signin.sso.test.groups')}</dt>
          <dd>{report.groups.join(', ') || '—'}</dd>
          <dt>{t('signin.sso.test.outcome')}</dt>
          <dd>{report.ok ? t('signin.sso.test.accept', { outcome: report.outcome, role: report.role }) : t('signin.sso.test.refuse', { error: report.error })}</dd>
        </dl>
        <h2>{t('signin.sso.test.attributes')}</h2>
        <table class="cards">
          <thead>
            <tr>
              <th scope="col">{t('signin.sso.test.attribute')}</th>
              <th scope="col">{t('signin.sso.test.values')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(report.attributes).map(([name, values]) => (
              <tr key={name}>
                <td data-label={t('signin.sso.test.attribute')}>{name}</td>
                <td data-label={t('signin.sso.test.values')}>{values.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <Link href="/settings/sso">{t('signin.sso.test.back')}</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title={t('signin.sso.completing')}>
      {error ? (
        <>
          <Alert>{t(MESSAGES[error] ?? 'signin.sso.error.failed')}</Alert>
          <p>
            <Link href="/sso">{t('signin.sso.retry')}</Link> · <Link href="/login">{t('signin.sso.withPassword')}</Link>
          </p>
        </>
      ) : (
        <p aria-busy="true">{t('signin.sso.finishing')}</p>
      )}
    </Page>
  );
}
