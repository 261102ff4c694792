import { useEffect, useState } from 'preact/hooks';
import { request } from '../api';
import { nextPath } from '../next';
import { Link, linkToken, navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { Challenge, Org, Tokens, User } from '../types';
import { sentenceFor } from '../problems';
import { Alert, Field, Form, Success, useAction } from '../ui';
import { currentLocale, useT } from '../i18n';
import { SignInPage, useTypedSlug } from '../signin-brand';
import { AuthorizeFlow } from './authorize';
import { ssoStartOf, startSso } from './sso';
import { ChallengeFlow, isChallenge, submitLogin, mismatch } from './challenge';
import { PasskeySignIn } from './passkey-signin';

/**
 * The organization an emailed link is for: `org` rides in the fragment beside the token
 * (shared/email/render.ts), so the page can wear its brand before anything is spent.
 */
const linkOrg = () => new URLSearchParams(location.hash.slice(1)).get('org') ?? new URLSearchParams(location.search).get('org');

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
  const { t } = useT();
  return (
    <SignInPage title={t('signin.signup.title')}>
      <Form
        busy={action.busy}
        error={action.error}
        submit={t('signin.signup.submit')}
        codeFields={{ slug_taken: 'slug' }}
        onSubmit={(form) =>
          action.run(async () => {
            const body = Object.fromEntries(['orgName', 'slug', 'login', 'name', 'email', 'password'].map((key) => [key, String(form.get(key) ?? '')]));
            // The language the page is shown in is the root's and the organization's first default.
            await request<{ org: Org; user: User }>('POST', '/v1/orgs', { anonymous: true, body: { ...body, locale: currentLocale() } });
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
          label={t('signin.signup.orgName')}
          required
          autocomplete="organization"
          onInput={(event) => {
            if (!slugEdited) setSlug(suggestSlug(event.currentTarget.value));
          }}
        />
        <Field
          name="slug"
          label={t('signin.signup.slug')}
          hint={t('signin.signup.slugHint')}
          required
          value={slug}
          onInput={(event) => {
            setSlugEdited(true);
            setSlug(event.currentTarget.value);
          }}
        />
        <Field name="name" label={t('signin.signup.name')} required autocomplete="name" />
        <Field name="login" label={t('signin.signup.login')} required autocomplete="username" hint={t('signin.signup.loginHint')} />
        <Field name="email" label={t('signin.signup.email')} type="email" required autocomplete="email" />
        <Field name="password" label={t('signin.password')} type="password" required autocomplete="new-password" hint={t('signin.passwordHint')} />
      </Form>
      <p>
        {t('signin.signup.haveOrg')} <Link href="/login">{t('signin.login.submit')}</Link>
      </p>
    </SignInPage>
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
  const { t } = useT();
  const org = useTypedSlug(query.get('org'));
  return (
    <SignInPage title={t('signin.login.title')} slug={org.slug}>
      {challenge ? (
        <ChallengeFlow initial={challenge} onDone={finish} onRestart={() => setChallenge(undefined)} />
      ) : (
        <>
          <Form
            busy={action.busy}
            error={action.error}
            submit={t('signin.login.submit')}
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
            <Field
              name="org"
              label={t('signin.org')}
              hint={t('signin.orgHint')}
              required
              autocomplete="organization"
              defaultValue={query.get('org') ?? ''}
              onInput={org.onInput}
              onBlur={org.settle}
            />
            <Field name="login" label={t('signin.login')} required autocomplete="username webauthn" />
            <Field name="password" label={t('signin.password')} type="password" required autocomplete="current-password" />
          </Form>
          <PasskeySignIn onDone={finish} />
          <p>
            <Link href={withOrg('/forgot-password', org.slug)}>{t('signin.login.forgot')}</Link> · <Link href="/signup">{t('signin.login.createOrg')}</Link>
          </p>
          <p>
            <Link href={withOrg('/sso', org.slug)}>{t('signin.login.sso')}</Link>
          </p>
        </>
      )}
    </SignInPage>
  );
}

export function ForgotPassword() {
  const action = useAction();
  const [sent, setSent] = useState(false);
  const { query } = useLocation();
  const { t } = useT();
  const org = useTypedSlug(query.get('org'));
  return (
    <SignInPage title={t('signin.forgot.title')} slug={org.slug}>
      {sent ? (
        <Success>{t('signin.forgot.sent')}</Success>
      ) : (
        <Form
          busy={action.busy}
          error={action.error}
          submit={t('signin.forgot.submit')}
          onSubmit={(form) =>
            action.run(async () => {
              await request('POST', '/v1/auth/password/forgot', { anonymous: true, body: { org: String(form.get('org')).trim(), login: String(form.get('login')).trim() } });
              setSent(true);
            })
          }
        >
          <Field name="org" label={t('signin.org')} hint={t('signin.orgHint')} required defaultValue={query.get('org') ?? ''} onInput={org.onInput} onBlur={org.settle} />
          <Field name="login" label={t('signin.login')} required autocomplete="username" />
        </Form>
      )}
      <p>
        <Link href={withOrg('/login', org.slug)}>{t('signin.backToLogin')}</Link>
      </p>
    </SignInPage>
  );
}

function MissingToken() {
  const { t } = useT();
  return <Alert>{t('signin.missingToken')}</Alert>;
}

/** A sign-in page's link that keeps the organization the page knows (its brand follows). */
const withOrg = (path: string, slug: string | null | undefined) => (slug && /^[a-z0-9-]{3,40}$/.test(slug.trim()) ? `${path}?org=${encodeURIComponent(slug.trim())}` : path);

export function Activate() {
  const action = useAction();
  const finish = useFinish();
  const [token] = useState(linkToken);
  const [challenge, setChallenge] = useState<Challenge>();
  const [org] = useState(linkOrg);
  const { t } = useT();
  return (
    <SignInPage title={t('signin.activate.title')} slug={org}>
      {!token ? (
        <MissingToken />
      ) : challenge ? (
        <ChallengeFlow initial={challenge} onDone={finish} onRestart={() => navigate(withOrg('/login', org), { replace: true })} />
      ) : (
        <Form
          busy={action.busy}
          error={action.error}
          submit={t('signin.activate.submit')}
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
          <p>{t('signin.activate.welcome')}</p>
          <Field name="password" label={t('signin.password')} type="password" required autocomplete="new-password" hint={t('signin.passwordHint')} />
          <Field name="confirmPassword" label={t('signin.passwordAgain')} type="password" required autocomplete="new-password" />
        </Form>
      )}
    </SignInPage>
  );
}

export function ResetPassword() {
  const action = useAction();
  const [token] = useState(linkToken);
  const [done, setDone] = useState(false);
  const [org] = useState(linkOrg);
  const { t } = useT();
  return (
    <SignInPage title={t('signin.reset.title')} slug={org}>
      {!token ? (
        <MissingToken />
      ) : done ? (
        <Success>
          {t('signin.reset.done')} <Link href={withOrg('/login', org)}>{t('signin.reset.logIn')}</Link>
        </Success>
      ) : (
        <Form
          busy={action.busy}
          error={action.error}
          submit={t('signin.reset.submit')}
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
          <Field name="password" label={t('signin.newPassword')} type="password" required autocomplete="new-password" hint={t('signin.passwordHint')} />
          <Field name="confirmPassword" label={t('signin.newPasswordAgain')} type="password" required autocomplete="new-password" />
        </Form>
      )}
    </SignInPage>
  );
}

export function VerifyEmail() {
  const session = useSession();
  const action = useAction();
  const [token] = useState(linkToken);
  const [done, setDone] = useState(false);
  const [org] = useState(linkOrg);
  const { t } = useT();
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
    <SignInPage title={t('signin.verify.title')} slug={org}>
      {!token ? (
        <MissingToken />
      ) : done ? (
        <Success>
          {t('signin.verify.done')} <Link href={session.state === 'signed-in' ? '/account' : withOrg('/login', org)}>{t('signin.continue')}</Link>
        </Success>
      ) : action.error ? (
        <Alert>{sentenceFor(action.error)}</Alert>
      ) : (
        <p aria-busy="true">{t('signin.verify.working')}</p>
      )}
    </SignInPage>
  );
}
