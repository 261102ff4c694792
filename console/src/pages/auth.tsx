import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { nextPath } from '../next';
import { Link, linkToken, navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { Challenge, Org, Tokens, User } from '../types';
import { sentenceFor } from '../problems';
import { Alert, Field, Form, ORG_HINT, Page, Success, useAction } from '../ui';
import { AuthorizeFlow } from './authorize';
import { ssoStartOf, startSso } from './sso';
import { ChallengeFlow, isChallenge, submitLogin, mismatch } from './challenge';
import { PasskeySignIn } from './passkey-signin';

const PASSWORD_HINT = 'At least 15 characters; a few unrelated words work well.';


function useFinish() {
  const session = useSession();
  const { query } = useLocation();
  return async (tokens: Tokens) => {
    await session.begin(tokens);
    navigate(nextPath(query), { replace: true });
  };
}

export function SignUp() {
  const action = useAction();
  const finish = useFinish();
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  return (
    <Page title="Create your organization">
      <Form
        busy={action.busy}
        error={action.error}
        submit="Create organization"
        codeFields={{ slug_taken: 'slug' }}
        onSubmit={(form) =>
          action.run(async () => {
            const body = Object.fromEntries(['orgName', 'slug', 'login', 'name', 'email', 'password'].map((key) => [key, String(form.get(key) ?? '')]));
            await request<{ org: Org; user: User }>('POST', '/v1/orgs', { anonymous: true, body });
            const { body: tokens } = await request<Tokens | Challenge>('POST', '/v1/auth/login', {
              anonymous: true,
              session: true,
              body: { org: body.slug, login: body.login, password: body.password },
            });
            if (!isChallenge(tokens)) await finish(tokens);
          })
        }
      >
        <Field
          name="orgName"
          label="Organization name"
          required
          autocomplete="organization"
          onInput={(event) => {
            if (!slugEdited) setSlug(suggestSlug(event.currentTarget.value));
          }}
        />
        <Field
          name="slug"
          label="Organization address"
          hint="Lower-case letters, digits and hyphens; people type it when they log in."
          required
          value={slug}
          onInput={(event) => {
            setSlugEdited(true);
            setSlug(event.currentTarget.value);
          }}
        />
        <Field name="name" label="Your name" required autocomplete="name" />
        <Field name="login" label="Your login" required autocomplete="username" hint="3–128 of a–z, 0–9, . _ - + @" />
        <Field name="email" label="Your email" type="email" required autocomplete="email" />
        <Field name="password" label="Password" type="password" required autocomplete="new-password" hint={PASSWORD_HINT} />
      </Form>
      <p>
        Already have an organization? <Link href="/login">Log in</Link>
      </p>
    </Page>
  );
}

const suggestSlug = (name: string) =>
  name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);

export function Login() {
  const { query } = useLocation();
  const handle = query.get('request');
  return handle ? <AuthorizeFlow handle={handle} /> : <ConsoleLogin />;
}

function ConsoleLogin() {
  const action = useAction();
  const finish = useFinish();
  const [challenge, setChallenge] = useState<Challenge>();
  const { query } = useLocation();
  return (
    <Page title="Log in">
      {challenge ? (
        <ChallengeFlow initial={challenge} onDone={finish} onRestart={() => setChallenge(undefined)} />
      ) : (
        <>
          <Form
            busy={action.busy}
            error={action.error}
            submit="Log in"
            onSubmit={(form) =>
              action.run(async () => {
                // An enforced SSO domain answers sso_required: the browser goes to its IdP by itself.
                const body = await submitLogin(form).catch(async (error: unknown) => {
                  const ssoStart = ssoStartOf(error);
                  if (!ssoStart) throw error;
                  await startSso(ssoStart);
                  return undefined;
                });
                if (!body) return;
                if (isChallenge(body)) setChallenge(body);
                else await finish(body);
              })
            }
          >
            <Field name="org" label="Organization" hint={ORG_HINT} required autocomplete="organization" defaultValue={query.get('org') ?? ''} />
            <Field name="login" label="Login" required autocomplete="username webauthn" />
            <Field name="password" label="Password" type="password" required autocomplete="current-password" />
          </Form>
          <PasskeySignIn onDone={finish} />
          <p>
            <Link href="/forgot-password">Forgot your password?</Link> · <Link href="/signup">Create an organization</Link>
          </p>
          <p>
            <Link href="/sso">Sign in with SSO</Link>
          </p>
        </>
      )}
    </Page>
  );
}

export function ForgotPassword() {
  const action = useAction();
  const [sent, setSent] = useState(false);
  return (
    <Page title="Reset your password">
      {sent ? (
        <Success>If an account matches, a reset link is on its way to its email address. The link works for one hour.</Success>
      ) : (
        <Form
          busy={action.busy}
          error={action.error}
          submit="Send reset link"
          onSubmit={(form) =>
            action.run(async () => {
              await request('POST', '/v1/auth/password/forgot', { anonymous: true, body: { org: String(form.get('org')).trim(), login: String(form.get('login')).trim() } });
              setSent(true);
            })
          }
        >
          <Field name="org" label="Organization" hint={ORG_HINT} required />
          <Field name="login" label="Login" required autocomplete="username" />
        </Form>
      )}
      <p>
        <Link href="/login">Back to log in</Link>
      </p>
    </Page>
  );
}

const MissingToken = () => <Alert>This page needs the link from your email. Open the link again, or ask for a new one.</Alert>;

export function Activate() {
  const action = useAction();
  const finish = useFinish();
  const [token] = useState(linkToken);
  const [challenge, setChallenge] = useState<Challenge>();
  return (
    <Page title="Activate your account">
      {!token ? (
        <MissingToken />
      ) : challenge ? (
        <ChallengeFlow initial={challenge} onDone={finish} onRestart={() => navigate('/login', { replace: true })} />
      ) : (
        <Form
          busy={action.busy}
          error={action.error}
          submit="Activate"
          onSubmit={(form) => {
            const wrong = mismatch(form, 'password', 'confirmPassword');
            if (wrong) return action.setError(wrong);
            return action.run(async () => {
              const { body } = await request<Tokens | Challenge>('POST', '/v1/auth/activate', {
                anonymous: true,
                session: true,
                body: { token, password: String(form.get('password')) },
              });
              // The link is spent: drop it from the address bar and history.
              history.replaceState(null, '', '/activate');
              if (isChallenge(body)) setChallenge(body);
              else await finish(body);
            });
          }}
        >
          <p>Welcome! Choose the password you will log in with.</p>
          <Field name="password" label="Password" type="password" required autocomplete="new-password" hint={PASSWORD_HINT} />
          <Field name="confirmPassword" label="Password, again" type="password" required autocomplete="new-password" />
        </Form>
      )}
    </Page>
  );
}

export function ResetPassword() {
  const action = useAction();
  const [token] = useState(linkToken);
  const [done, setDone] = useState(false);
  return (
    <Page title="Choose a new password">
      {!token ? (
        <MissingToken />
      ) : done ? (
        <Success>
          Your password is changed and every session was signed out. <Link href="/login">Log in</Link> with the new password.
        </Success>
      ) : (
        <Form
          busy={action.busy}
          error={action.error}
          submit="Change password"
          onSubmit={(form) => {
            const wrong = mismatch(form, 'password', 'confirmPassword');
            if (wrong) return action.setError(wrong);
            return action.run(async () => {
              await request('POST', '/v1/auth/password/reset', { anonymous: true, body: { token, password: String(form.get('password')) } });
              history.replaceState(null, '', '/reset-password');
              setDone(true);
            });
          }}
        >
          <Field name="password" label="New password" type="password" required autocomplete="new-password" hint={PASSWORD_HINT} />
          <Field name="confirmPassword" label="New password, again" type="password" required autocomplete="new-password" />
        </Form>
      )}
    </Page>
  );
}

export function VerifyEmail() {
  const session = useSession();
  const action = useAction();
  const [token] = useState(linkToken);
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!token) return;
    void action.run(async () => {
      await request('POST', '/v1/auth/verify-email', { anonymous: true, body: { token } });
      history.replaceState(null, '', '/verify-email');
      setDone(true);
      if (session.state === 'signed-in') await session.reload();
    });
  }, []);
  return (
    <Page title="Verify your email">
      {!token ? (
        <MissingToken />
      ) : done ? (
        <Success>
          Your email address is verified. <Link href={session.state === 'signed-in' ? '/account' : '/login'}>Continue</Link>
        </Success>
      ) : action.error ? (
        <Alert>{sentenceFor(action.error)}</Alert>
      ) : (
        <p aria-busy="true">Verifying…</p>
      )}
    </Page>
  );
}
