import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { Tokens } from '../types';
import { Alert, Field, Form, Page, Success, useAction } from '../ui';

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

const MESSAGES: Record<string, string> = {
  sso_failed: 'Your identity provider’s answer could not be accepted. Try again; if it keeps happening, tell your administrator.',
  sso_denied: 'Your identity provider did not sign you in.',
  email_domain_not_allowed: 'Your identity provider sent an email address this organization’s single sign-on does not cover.',
  user_not_provisioned: 'You have no account in this organization yet. Ask your administrator to add you.',
  user_deactivated: 'Your account is deactivated.',
  connection_disabled: 'Single sign-on is turned off for your organization.',
  invalid_handle: 'This sign-in link has expired or was already used. Start again.',
};

export function SsoSignIn() {
  const action = useAction();
  const { query } = useLocation();
  const request = query.get('request') ?? undefined;
  return (
    <Page title="Sign in with SSO">
      <Form
        busy={action.busy}
        error={action.error}
        submit="Continue"
        codeFields={{ sso_not_configured: 'email' }}
        onSubmit={(form) => action.run(() => startSso({ email: String(form.get('email')).trim(), ...(request ? { request } : {}) }))}
      >
        <Field name="email" label="Work email" type="email" required autocomplete="email" hint="We send you to your company’s sign-in page." />
      </Form>
      <p>
        <Link href={request ? `/login?request=${encodeURIComponent(request)}` : '/login'}>Sign in with a password instead</Link>
      </p>
    </Page>
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
      <Page title="Test sign-in">
        {report.ok ? <Success>The identity provider signed {report.email ?? report.subject} in. Nobody was signed in to Gatehouse.</Success> : <Alert>{report.reason ?? report.error}</Alert>}
        <dl data-testid="sso-test-report">
          <dt>Identifier (NameID or sub)</dt>
          <dd>{report.subject ?? '—'}</dd>
          <dt>Email</dt>
          <dd>{report.email ?? '—'}</dd>
          <dt>Name</dt>
          <dd>{report.name ?? '—'}</dd>
          <dt>Groups</dt>
          <dd>{report.groups.join(', ') || '—'}</dd>
          <dt>What Gatehouse would do</dt>
          <dd>{report.ok ? `${report.outcome} (role ${report.role})` : `refuse: ${report.error}`}</dd>
        </dl>
        <h2>Every attribute received</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">Values</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(report.attributes).map(([name, values]) => (
              <tr key={name}>
                <td>{name}</td>
                <td>{values.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <Link href="/settings/sso">Back to single sign-on</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title="Signing you in">
      {error ? (
        <>
          <Alert>{MESSAGES[error] ?? MESSAGES.sso_failed}</Alert>
          <p>
            <Link href="/sso">Try again</Link> · <Link href="/login">Sign in with a password</Link>
          </p>
        </>
      ) : (
        <p aria-busy="true">Finishing your sign-in…</p>
      )}
    </Page>
  );
}
