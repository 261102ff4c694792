import { useState } from 'preact/hooks';
import { get, request } from '../api';
import { Link } from '../router';
import { sentenceFor } from '../problems';
import { useSession } from '../session';
import type { Enrolment, Page as ListPage, User } from '../types';
import { canonicalLocale } from '../../../shared/i18n/locales';
import { ENDONYMS, LOCALES, setLocale } from '../i18n';
import { Alert, Field, Form, Page, RecoveryCodes, Select, Success, useAction, useLoad } from '../ui';
import { useT, type ConsoleKey } from '../i18n';
import { ApiTokens } from './api-tokens';
import { TotpSetup, mismatch } from './challenge';
import { Passkeys } from './passkeys';
import { OwnPermissions } from './permissions';
import { MySessions } from './sessions';

const ACCOUNT_SECTIONS: Array<[string, ConsoleKey]> = [
  ['profile', 'account.toc.profile'],
  ['permissions', 'account.toc.permissions'],
  ['email', 'account.toc.email'],
  ['password', 'account.toc.password'],
  ['two-factor', 'account.toc.twoFactor'],
  ['passkeys', 'account.toc.passkeys'],
  ['sessions', 'account.toc.sessions'],
  ['api-tokens', 'account.toc.apiTokens'],
];

export function Account() {
  const session = useSession();
  const { t } = useT();
  const me = session.me!;
  const sections = ACCOUNT_SECTIONS.filter(([id]) => id !== 'email' || me.email).map(([id, key]): [string, string] => [id, t(key)]);
  return (
    <Page title={t('account.title')} sections={sections}>
      {me.role === 'root' ? <FirstRun me={me} /> : null}
      <Profile me={me} onSaved={(user) => session.adopt({ me: user })} />
      <OwnPermissions me={me} />
      <EmailSection me={me} />
      <PasswordSection login={me.login} />
      <TwoFactor me={me} onChanged={session.reload} />
      <Passkeys />
      <MySessions />
      <section aria-labelledby="tokens-title" id="api-tokens">
        <h2 id="tokens-title">{t('apiTokens.title')}</h2>
        <p>{t('apiTokens.intro')}</p>
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
  const { t } = useT();
  const others = useLoad(() => get<ListPage<User>>('/v1/users?limit=2'), []);
  const invited = (others.data?.items.length ?? 0) > 1;
  const steps: Array<{ done: boolean; label: string; href: string; action: string }> = [
    { done: props.me.emailVerified, label: t('account.firstRun.verify'), href: '#email', action: t('account.firstRun.verifyAction') },
    { done: invited, label: t('account.firstRun.invite'), href: '/settings/users', action: t('account.firstRun.inviteAction') },
    { done: props.me.mfa.enabled, label: t('account.firstRun.twoFactor'), href: '#two-factor', action: t('account.firstRun.twoFactorAction') },
  ];
  if (!others.data || steps.every((step) => step.done)) return null;
  const next = steps.find((step) => !step.done);
  return (
    <section class="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">{t('account.firstRun.title')}</h2>
      <ol>
        {steps.map((step) => (
          <li key={step.label} class={step.done ? 'done' : undefined}>
            <span class="visually-hidden">{step.done ? t('account.firstRun.done') : t('account.firstRun.toDo')} </span>
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
  const { t } = useT();
  const action = useAction();
  const [saved, setSaved] = useState(false);
  return (
    <section aria-labelledby="profile-title" id="profile">
      <h2 id="profile-title">{t('account.profile.title')}</h2>
      <dl class="facts">
        <dt>{t('account.profile.login')}</dt>
        <dd>{props.me.login}</dd>
        <dt>{t('account.profile.role')}</dt>
        <dd>{t('common.role', { role: props.me.role })}</dd>
      </dl>
      {saved ? <Success>{t('account.profile.saved')}</Success> : null}
      <Form
        label={t('account.profile.title')}
        busy={action.busy}
        error={action.error}
        submit={t('account.profile.save')}
        onSubmit={(form) =>
          action.run(async () => {
            setSaved(false);
            const location = String(form.get('location') ?? '').trim();
            const locale = canonicalLocale(String(form.get('locale') ?? '')) ?? null;
            const { body } = await request<User>('PATCH', '/v1/me', { body: { name: String(form.get('name')), location: location || null, locale } });
            props.onSaved(body);
            // Chosen: the console speaks it now. Back to the default: the browser's language until the next visit.
            if (locale) setLocale(locale, false);
            setSaved(true);
          })
        }
      >
        <Field name="name" label={t('account.profile.name')} required defaultValue={props.me.name} autocomplete="name" />
        <Field name="location" label={t('account.profile.location')} defaultValue={props.me.location ?? ''} />
        <Select
          name="locale"
          label={t('account.profile.locale')}
          value={props.me.locale ?? ''}
          options={[['', t('account.profile.localeDefault')], ...LOCALES.map((tag): [string, string] => [tag, ENDONYMS[tag]])]}
        />
      </Form>
    </section>
  );
}

function EmailSection(props: { me: User }) {
  const { t } = useT();
  const action = useAction();
  const [sent, setSent] = useState(false);
  if (!props.me.email) return null;
  return (
    <section aria-labelledby="email-title" id="email">
      <h2 id="email-title">{t('account.email.title')}</h2>
      <p>{t('account.email.state', { email: props.me.email, verified: String(props.me.emailVerified) })}</p>
      {!props.me.emailVerified ? (
        sent ? (
          <Success>{t('account.email.sent')}</Success>
        ) : (
          <Form
            label={t('account.email.verification')}
            busy={action.busy}
            error={action.error}
            submit={t('account.email.send')}
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
  const { t } = useT();
  const action = useAction();
  const [done, setDone] = useState(0);
  return (
    <section aria-labelledby="password-title" id="password">
      <h2 id="password-title">{t('account.password.title')}</h2>
      {done ? <Success>{t('account.password.changed')}</Success> : null}
      <Form
        // Passwords do not stay in the fields after a change.
        key={done}
        label={t('account.password.change')}
        busy={action.busy}
        error={action.error}
        submit={t('account.password.change')}
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
        <Field name="currentPassword" label={t('account.password.current')} type="password" required autocomplete="current-password" />
        <Field name="newPassword" label={t('account.password.new')} type="password" required autocomplete="new-password" hint={t('account.password.newHint', { count: 15 })} />
        <Field name="confirmPassword" label={t('account.password.again')} type="password" required autocomplete="new-password" />
      </Form>
    </section>
  );
}

function TwoFactor(props: { me: User; onChanged: () => Promise<void> }) {
  const { t } = useT();
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
      <h2 id="mfa-title">{t('account.mfa.title')}</h2>
      <p data-testid="mfa-state">{t('account.mfa.state', { enabled: String(enabled), required: String(required) })}</p>
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
            {t('account.mfa.setUp')}
          </button>
        </>
      ) : null}
      {!enabled && enrolment ? (
        <Form
          label={t('account.mfa.confirmSetup')}
          busy={verify.busy}
          error={verify.error}
          submit={t('account.mfa.turnOn')}
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
          <Field name="code" label={t('account.mfa.code')} autocomplete="one-time-code" inputMode="numeric" required />
        </Form>
      ) : null}
      {enabled ? (
        <>
          <h3>{t('account.mfa.newCodes')}</h3>
          <Form
            key={`regenerate-${formKey}`}
            label={t('account.mfa.newCodes')}
            busy={regenerate.busy}
            error={regenerate.error}
            submit={t('account.mfa.makeCodes')}
            codeFields={{ reauthentication_failed: 'code', invalid_code: 'code' }}
            onSubmit={(form) =>
              regenerate.run(async () => {
                const { body } = await request<{ recoveryCodes: string[] }>('POST', '/v1/me/mfa/recovery-codes', { body: { code: String(form.get('code')).trim() } });
                setCodes(body.recoveryCodes);
                setFormKey((value) => value + 1);
              })
            }
          >
            <p>{t('account.mfa.oldCodes')}</p>
            <Field name="code" label={t('account.mfa.currentCode')} autocomplete="one-time-code" required />
          </Form>
          {!required ? (
            <>
              <h3>{t('account.mfa.off')}</h3>
              <Form
                label={t('account.mfa.turnOff')}
                danger
                busy={disable.busy}
                error={disable.error}
                submit={t('account.mfa.turnOff')}
                codeFields={{ reauthentication_failed: 'password' }}
                onSubmit={(form) =>
                  disable.run(async () => {
                    await request('DELETE', '/v1/me/mfa/totp', { body: { password: String(form.get('password')) } });
                    setCodes(undefined);
                    await props.onChanged();
                  })
                }
              >
                <Field name="password" label={t('common.yourPassword')} type="password" required autocomplete="current-password" />
              </Form>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
