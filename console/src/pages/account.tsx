import { useState } from 'preact/hooks';
import { get, request } from '../api';
import { Link } from '../router';
import { sentenceFor } from '../problems';
import { useSession } from '../session';
import type { Enrolment, Page as ListPage, User } from '../types';
import { Alert, Field, Form, Page, RecoveryCodes, Success, useAction, useLoad } from '../ui';
import { ApiTokens } from './api-tokens';
import { TotpSetup, mismatch } from './challenge';
import { Passkeys } from './passkeys';
import { OwnPermissions } from './permissions';
import { MySessions } from './sessions';

const ACCOUNT_SECTIONS: Array<[string, string]> = [
  ['profile', 'Profile'],
  ['permissions', 'Permissions'],
  ['email', 'Email'],
  ['password', 'Password'],
  ['two-factor', 'Two-factor'],
  ['sessions', 'Sessions'],
  ['api-tokens', 'API tokens'],
];

export function Account() {
  const session = useSession();
  const me = session.me!;
  return (
    <Page title="My account" sections={ACCOUNT_SECTIONS.filter(([id]) => id !== 'email' || me.email)}>
      {me.role === 'root' ? <FirstRun me={me} /> : null}
      <Profile me={me} onSaved={(user) => session.adopt({ me: user })} />
      <OwnPermissions me={me} />
      <EmailSection me={me} />
      <PasswordSection login={me.login} />
      <TwoFactor me={me} onChanged={session.reload} />
      <Passkeys />
      <MySessions />
      <section aria-labelledby="tokens-title" id="api-tokens">
        <h2 id="tokens-title">API tokens</h2>
        <p>Tokens let scripts call the API as you, with your role. Each is shown once, when it is created.</p>
        <ApiTokens base="/v1/me/api-tokens" canManage />
      </section>
    </Page>
  );
}

/**
 * After sign-up, the owner's first steps in order: verify the email, invite someone, turn on
 * two-factor. Each is ticked from the account's real state; the list goes once all are done.
 */
function FirstRun(props: { me: User }) {
  const others = useLoad(() => get<ListPage<User>>('/v1/users?limit=2'), []);
  const invited = (others.data?.items.length ?? 0) > 1;
  const steps: Array<{ done: boolean; label: string; href: string; action: string }> = [
    { done: props.me.emailVerified, label: 'Verify your email address', href: '#email', action: 'Open the link we emailed you' },
    { done: invited, label: 'Invite a colleague', href: '/settings/users', action: 'Invite someone' },
    { done: props.me.mfa.enabled, label: 'Turn on two-factor sign-in', href: '#two-factor', action: 'Set up two-factor' },
  ];
  if (!others.data || steps.every((step) => step.done)) return null;
  const next = steps.find((step) => !step.done);
  return (
    <section class="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Getting started</h2>
      <ol>
        {steps.map((step) => (
          <li key={step.label} class={step.done ? 'done' : undefined}>
            <span class="visually-hidden">{step.done ? 'Done: ' : 'To do: '}</span>
            {step.label}
            {!step.done && step === next ? (
              <>
                {' — '}
                {step.href.startsWith('#') ? <a href={step.href}>{step.action}</a> : <Link href={step.href}>{step.action}</Link>}
              </>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Profile(props: { me: User; onSaved: (user: User) => void }) {
  const action = useAction();
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="profile-title" id="profile">
      <h2 id="profile-title">Profile</h2>
      <dl class="facts">
        <dt>Login</dt>
        <dd>{props.me.login}</dd>
        <dt>Role</dt>
        <dd>{props.me.role}</dd>
      </dl>
      {saved ? <Success>Saved.</Success> : null}
      <Form
        label="Profile"
        busy={action.busy}
        error={action.error}
        submit="Save profile"
        onSubmit={(form) =>
          action.run(async () => {
            setSaved(false);
            const location = String(form.get('location') ?? '').trim();
            const { body } = await request<User>('PATCH', '/v1/me', { body: { name: String(form.get('name')), location: location || null } });
            props.onSaved(body);
            setSaved(true);
          })
        }
      >
        <Field name="name" label="Name" required defaultValue={props.me.name} autocomplete="name" />
        <Field name="location" label="Location" defaultValue={props.me.location ?? ''} />
      </Form>
    </section>
  );
}

function EmailSection(props: { me: User }) {
  const action = useAction();
  const [sent, setSent] = useState(false);
  if (!props.me.email) return null;
  return (
    <section aria-labelledby="email-title" id="email">
      <h2 id="email-title">Email</h2>
      <p>
        {props.me.email} — {props.me.emailVerified ? 'verified' : 'not verified yet'}
      </p>
      {!props.me.emailVerified ? (
        sent ? (
          <Success>A new verification link is on its way.</Success>
        ) : (
          <Form
            label="Email verification"
            busy={action.busy}
            error={action.error}
            submit="Send a new verification link"
            onSubmit={() =>
              action.run(async () => {
                await request('POST', '/v1/me/email-verification');
                setSent(true);
              })
            }
          >
            {null}
          </Form>
        )
      ) : null}
    </section>
  );
}

function PasswordSection(props: { login: string }) {
  const action = useAction();
  const [done, setDone] = useState(0);
  return (
    <section aria-labelledby="password-title" id="password">
      <h2 id="password-title">Password</h2>
      {done ? <Success>Password changed. Every other session was signed out.</Success> : null}
      <Form
        // Passwords do not stay in the fields after a change.
        key={done}
        label="Change password"
        busy={action.busy}
        error={action.error}
        submit="Change password"
        codeFields={{ reauthentication_failed: 'currentPassword' }}
        onSubmit={(form) => {
          const wrong = mismatch(form, 'newPassword', 'confirmPassword');
          if (wrong) return action.setError(wrong);
          return action.run(async () => {
            await request('POST', '/v1/me/password', {
              body: { currentPassword: String(form.get('currentPassword')), newPassword: String(form.get('newPassword')) },
            });
            setDone((count) => count + 1);
          });
        }}
      >
 {/* Lets password managers tie the new password to this account. */}
        <input type="text" name="username" autocomplete="username" value={props.login} readOnly hidden />
        <Field name="currentPassword" label="Current password" type="password" required autocomplete="current-password" />
        <Field name="newPassword" label="New password" type="password" required autocomplete="new-password" hint="At least 15 characters." />
        <Field name="confirmPassword" label="New password, again" type="password" required autocomplete="new-password" />
      </Form>
    </section>
  );
}

function TwoFactor(props: { me: User; onChanged: () => Promise<void> }) {
  const start = useAction();
  const verify = useAction();
  const regenerate = useAction();
  const disable = useAction();
  const [enrolment, setEnrolment] = useState<Enrolment>();
  const [codes, setCodes] = useState<string[]>();
  // Remounts the code forms once a code is spent, so the used code does not linger.
  const [formKey, setFormKey] = useState(0);
  const { enabled, required } = props.me.mfa;
  return (
    <section aria-labelledby="mfa-title" id="two-factor">
      <h2 id="mfa-title">Two-factor authentication</h2>
      <p data-testid="mfa-state">
        {enabled ? 'On: logging in asks for a code from your authenticator app.' : 'Off.'}
        {required ? ' Your organization requires it.' : ''}
      </p>
      {codes ? <RecoveryCodes codes={codes} onSaved={() => setCodes(undefined)} /> : null}
      {!enabled && !enrolment ? (
        <>
          {start.error ? <Alert>{sentenceFor(start.error)}</Alert> : null}
          <button
            type="button"
            class="primary"
            disabled={start.busy}
            onClick={() =>
              start.run(async () => {
                setCodes(undefined);
                setEnrolment((await request<Enrolment>('POST', '/v1/me/mfa/totp')).body);
              })
            }
          >
            Set up two-factor
          </button>
        </>
      ) : null}
      {!enabled && enrolment ? (
        <Form
          label="Confirm two-factor setup"
          busy={verify.busy}
          error={verify.error}
          submit="Turn on two-factor"
          codeFields={{ invalid_code: 'code' }}
          onSubmit={(form) =>
            verify.run(async () => {
              const { body } = await request<{ recoveryCodes: string[] }>('POST', '/v1/me/mfa/totp/verify', { body: { code: String(form.get('code')).trim() } });
              setEnrolment(undefined);
              setCodes(body.recoveryCodes);
              await props.onChanged();
            })
          }
        >
          <TotpSetup enrolment={enrolment} />
          <Field name="code" label="6-digit code" autocomplete="one-time-code" inputMode="numeric" required />
        </Form>
      ) : null}
      {enabled ? (
        <>
          <h3>New recovery codes</h3>
          <Form
            key={`regenerate-${formKey}`}
            label="New recovery codes"
            busy={regenerate.busy}
            error={regenerate.error}
            submit="Make new recovery codes"
            codeFields={{ reauthentication_failed: 'code', invalid_code: 'code' }}
            onSubmit={(form) =>
              regenerate.run(async () => {
                const { body } = await request<{ recoveryCodes: string[] }>('POST', '/v1/me/mfa/recovery-codes', { body: { code: String(form.get('code')).trim() } });
                setCodes(body.recoveryCodes);
                setFormKey((value) => value + 1);
              })
            }
          >
            <p>The old codes stop working.</p>
            <Field name="code" label="Current code from your app" autocomplete="one-time-code" required />
          </Form>
          {!required ? (
            <>
              <h3>Turn off</h3>
              <Form
                label="Turn off two-factor"
                danger
                busy={disable.busy}
                error={disable.error}
                submit="Turn off two-factor"
                codeFields={{ reauthentication_failed: 'password' }}
                onSubmit={(form) =>
                  disable.run(async () => {
                    await request('DELETE', '/v1/me/mfa/totp', { body: { password: String(form.get('password')) } });
                    setCodes(undefined);
                    await props.onChanged();
                  })
                }
              >
                <Field name="password" label="Your password" type="password" required autocomplete="current-password" />
              </Form>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
