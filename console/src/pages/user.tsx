import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { request, versionOf } from '../api';
import { ENDONYMS, useT, type T } from '../i18n';
import { sentenceFor } from '../problems';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import type { Link as IssuedLink, User } from '../types';
import { Alert, Checkbox, Field, Form, OnceSecret, Page, Select, Success, useAction, useLoad } from '../ui';
import { describeDelivery, formatWhen, roleName, statusName } from './admin-words';
import { ApiTokens } from './api-tokens';
import { UserPermissions, useCatalog } from './permissions';
import { UserSessions } from './sessions';
import { localeOptions } from './users';
import { UserPasskeys } from './passkeys';

interface Loaded {
  user: User;
  version: number;
}

export function UserDetail(props: { id: string }) {
  const { t, locale } = useT();
  const { me } = useSession();
  const path = `/v1/users/${encodeURIComponent(props.id)}`;
  const loaded = useLoad<Loaded>(async () => {
    const answer = await request<User>('GET', path);
    return { user: answer.body, version: versionOf(answer.etag) ?? answer.body.version };
  }, [path]);
  // Feedback appears in the section whose button caused it, not at the top of a long page.
  const [notice, setNotice] = useState<{ where: string; message: string }>();
  const [issued, setIssued] = useState<{ label: string; link: IssuedLink }>();

  if (loaded.error) {
    return (
      <Page title={t('user.title')}>
        <Alert>{sentenceFor(loaded.error)}</Alert>
        <Link href="/settings/users">{t('user.back')}</Link>
      </Page>
    );
  }
  if (!loaded.data) return <Page title={t('user.title')}><p aria-busy="true">{t('admin.loading')}</p></Page>;
  const { user, version } = loaded.data;
  const isRoot = me?.role === 'root';
  const self = me?.id === user.id;
  // Admins may re-issue or revoke the activation of pending developers only (PRODUCT.md).
  const canActivate = user.status === 'pending' && (isRoot || (me?.role === 'admin' && user.role === 'developer'));
  const canReset = isRoot && !self && user.type === 'human' && user.status === 'active';
  const canResetMfa = isRoot && !self && user.mfa.enabled;
  const canTransfer = isRoot && !self && user.role === 'admin' && user.type === 'human' && user.status === 'active';
  const hasAccess = canActivate || canReset || canResetMfa || canTransfer;
  const canSeeTokens = isRoot || me?.role === 'admin';
  const canDelete = isRoot && !self && user.role !== 'root';
  const done = (where: string) => (message: string) => {
    setNotice({ where, message });
    loaded.reload();
  };
  const noticeIn = (where: string) => (notice?.where === where ? <Success>{notice.message}</Success> : null);
  const sections: Array<[string, string]> = [
    ['details', t('user.details')],
    ['permissions', t('user.permissions')],
    ...(hasAccess ? [['access', t('user.access')] as [string, string]] : []),
    ['sessions', t('user.sessions')],
    ...(canSeeTokens ? [['api-tokens', t('user.apiTokens')] as [string, string]] : []),
    ...(canDelete ? [['delete', t('admin.delete')] as [string, string]] : []),
  ];

  return (
    <Page title={t('user.heading', { name: user.name, login: user.login })} sections={sections}>
      <p>
        <Link href="/settings/users">{t('user.all')}</Link>
      </p>
      <section id="details" aria-labelledby="details-title">
        <h2 id="details-title">{t('user.details')}</h2>
        <dl class="facts">
          <dt>{t('admin.login')}</dt>
          <dd>{user.login}</dd>
          <dt>{t('user.kind')}</dt>
          <dd>{t('user.kind.value', { type: user.type })}</dd>
          <dt>{t('admin.email')}</dt>
          <dd>{user.email ? t('user.email.value', { email: user.email, verified: String(user.emailVerified) }) : '—'}</dd>
          <dt>{t('admin.role')}</dt>
          <dd>{roleName(t, user.role)}</dd>
          {user.managedBy ? (
            <>
              <dt>{t('user.managedBy')}</dt>
              <dd><span class="badge managed">{t('user.managedBy.value', { by: user.managedBy })}</span> {t('user.managedBy.hint', { by: user.managedBy })}</dd>
            </>
          ) : null}
          <dt>{t('admin.status')}</dt>
          <dd>
            <span class={`badge ${user.status}`}>{statusName(t, user.status)}</span>
            {user.mustChangePassword ? ` ${t('user.mustChangePassword')}` : ''}
          </dd>
          <dt>{t('admin.twoFactor')}</dt>
          <dd>{t('user.mfa.value', { enabled: String(user.mfa.enabled), required: String(user.mfa.required) })}</dd>
          <dt>{t('admin.locale')}</dt>
          <dd>{user.locale ? <span lang={user.locale}>{ENDONYMS[user.locale]}</span> : t('admin.locale.default')}</dd>
          <dt>{t('admin.created')}</dt>
          <dd>{formatWhen(locale, user.createdAt)}</dd>
          <dt>{t('admin.lastLogin')}</dt>
          <dd>{formatWhen(locale, user.lastLoginAt)}</dd>
        </dl>
        {isRoot && !self ? (
          <EditUser user={user} version={version} path={path} onSaved={() => done('details')(t('admin.saved'))} onReload={loaded.reload} notice={noticeIn('details')} />
        ) : null}
      </section>

      <div id="permissions">
        <UserPermissions user={user} version={version} path={path} onSaved={() => done('permissions')(t('user.permissions.saved'))} onReload={loaded.reload} />
        {noticeIn('permissions')}
      </div>

      {hasAccess ? (
        <section id="access" aria-labelledby="access-title">
          <h2 id="access-title">{t('user.access')}</h2>
          {issued ? (
            <>
              <OnceSecret label={issued.label} value={issued.link.url} testId="issued-link" />
              <p>{describeDelivery(t, issued.link.emailDelivery)} {t('user.link.expires', { when: formatWhen(locale, issued.link.expiresAt) })}</p>
            </>
          ) : null}
          {noticeIn('access')}
          {canActivate ? (
            <LinkActions
              title={t('user.activation')}
              path={`${path}/activation`}
              issue={t('user.activation.issue')}
              revoke={t('user.activation.revoke')}
              pending
              onIssued={(link) => {
                setIssued({ label: t('admin.activationLink'), link });
                done('access')(t('user.activation.issued'));
              }}
              onRevoked={() => done('access')(t('user.activation.revoked'))}
            />
          ) : null}
          {canReset ? (
            <LinkActions
              title={t('user.reset')}
              path={`${path}/password-reset`}
              issue={t('user.reset.issue')}
              revoke={t('user.reset.revoke')}
              pending={user.passwordResetPending}
              onIssued={(link) => {
                setIssued({ label: t('user.reset.link'), link });
                done('access')(t('user.reset.issued'));
              }}
              onRevoked={() => done('access')(t('user.reset.revoked'))}
            />
          ) : null}
          {canResetMfa ? <ResetMfa path={path} onDone={() => done('access')(t('user.resetMfa.done'))} /> : null}
          {canTransfer ? <Transfer user={user} /> : null}
        </section>
      ) : null}

      <UserSessions user={user} />
      {user.type === 'human' && !self && (isRoot || me?.role === 'admin') ? <UserPasskeys userId={user.id} canRemove={isRoot} /> : null}

      {canSeeTokens ? (
        <section aria-labelledby="user-tokens-title" id="api-tokens">
          <h2 id="user-tokens-title">{t('user.apiTokens')}</h2>
          <ApiTokens base={`${path}/api-tokens`} canManage={isRoot && !self} />
        </section>
      ) : null}

      {canDelete ? <DeleteUser user={user} path={path} /> : null}
    </Page>
  );
}

function EditUser(props: { user: User; version: number; path: string; onSaved: () => void; onReload: () => void; notice?: ComponentChildren }) {
  const { t } = useT();
  const action = useAction();
  const { user } = props;
  const canChangeRole = user.role !== 'root';
  const catalog = useCatalog();
  const [role, setRole] = useState<string>(user.role);
  const [grants, setGrants] = useState<'keep' | 'defaults'>();
  const newRole = canChangeRole && role !== user.role ? (role as 'admin' | 'developer') : undefined;
  // A new role does not change the permissions list by itself (the API keeps it): the owner says which.
  const defaults = newRole && catalog.data ? catalog.data.filter((entry) => entry.defaultFor.includes(newRole)).map((entry) => entry.name) : undefined;
  const sameAsDefaults = defaults !== undefined && defaults.length === user.permissions.length && defaults.every((name) => user.permissions.includes(name));
  return (
    <div>
      <h3 id="edit-title">{t('admin.edit')}</h3>
      <Form
        // A new version remounts the form with the latest values.
        key={props.version}
        label={t('user.edit')}
        busy={action.busy}
        error={action.error}
        versioned={{
          what: t('user.versioned'),
          reload: () => {
            action.setError(undefined);
            props.onReload();
          },
        }}
        submit={t('user.edit.submit')}
        codeFields={{ email_taken: 'email', root_protected: 'role', unsupported_locale: 'locale' }}
        onSubmit={(form) =>
          action.run(async () => {
            const text = (name: string) => String(form.get(name) ?? '').trim();
            const wanted: Partial<Record<keyof User, unknown>> = {
              name: text('name'),
              origin: text('origin') || null,
              location: text('location') || null,
              locale: text('locale') || null,
              ...(user.email !== null ? { email: text('email') } : {}),
              ...(canChangeRole ? { role: text('role') } : {}),
              // Pending users become active only by activating.
              ...(canChangeRole && user.status !== 'pending' ? { status: text('status') } : {}),
            };
            // Only what changed goes out, so the audit log records what someone actually did.
            const body: Record<string, unknown> = Object.fromEntries(
              Object.entries(wanted).filter(([key, value]) => user[key as keyof User] !== value),
            );
            if (user.type === 'human' && (form.get('requireMfa') === 'on') !== user.mfa.required) body.requireMfa = form.get('requireMfa') === 'on';
            if (body.role !== undefined && defaults && !sameAsDefaults && form.get('grants') === 'defaults') body.permissions = defaults;
            if (!Object.keys(body).length) return props.onSaved();
            await request('PATCH', props.path, { body, ifMatch: props.version });
            props.onSaved();
          })
        }
      >
        <Field name="name" label={t('admin.name')} required defaultValue={user.name} readOnly={user.managedBy === 'scim'} hint={user.managedBy === 'scim' ? t('user.managedByDirectory') : undefined} />
        {user.email !== null ? <Field name="email" label={t('admin.email')} type="email" required defaultValue={user.email} readOnly={user.managedBy === 'scim'} /> : null}
        {canChangeRole ? (
          <>
            <Select name="role" label={t('admin.role')} value={role} options={[['developer', roleName(t, 'developer')], ['admin', roleName(t, 'admin')]]} onChange={setRole} />
            {newRole && defaults ? (
              sameAsDefaults ? (
                <p class="hint">{t('user.grants.same', { role: newRole })}</p>
              ) : (
                <fieldset class="role-grants">
                  <legend>{t('user.grants.legend', { role: newRole })}</legend>
                  <p class="hint">{t('user.grants.hint')}</p>
                  <label class="inline">
                    <input type="radio" name="grants" value="keep" required checked={grants === 'keep'} onChange={() => setGrants('keep')} />{' '}
                    {t('user.grants.keep', { list: listOf(t, user.permissions) })}
                  </label>
                  <label class="inline">
                    <input type="radio" name="grants" value="defaults" required checked={grants === 'defaults'} onChange={() => setGrants('defaults')} />{' '}
                    {t('user.grants.defaults', { role: newRole, list: listOf(t, defaults) })}
                  </label>
                </fieldset>
              )
            ) : null}
            {user.status !== 'pending' ? (
              <Select name="status" label={t('admin.status')} value={user.status} options={[['active', statusName(t, 'active')], ['deactivated', t('user.status.deactivated')]]} />
            ) : null}
          </>
        ) : null}
        {user.type === 'human' ? <Select name="locale" label={t('admin.locale')} value={user.locale ?? ''} options={localeOptions(t('admin.locale.default'))} /> : null}
        {user.type === 'human' ? <Checkbox name="requireMfa" label={t('admin.requireMfa')} checked={user.mfa.required} /> : null}
        <Field name="origin" label={t('user.origin')} defaultValue={user.origin ?? ''} />
        <Field name="location" label={t('user.location')} defaultValue={user.location ?? ''} />
      </Form>
      {props.notice}
    </div>
  );
}

const listOf = (t: T, names: string[]) => (names.length ? names.join(', ') : t('user.grants.none'));

/** `pending: false`: nothing to revoke, so no revoke button (it would do nothing). */
function LinkActions(props: { title: string; path: string; issue: string; revoke: string; pending: boolean; onIssued: (link: IssuedLink) => void; onRevoked: () => void }) {
  const action = useAction();
  return (
    <section aria-label={props.title}>
      <h3>{props.title}</h3>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      <div class="actions">
        <button type="button" disabled={action.busy} onClick={() => action.run(async () => props.onIssued((await request<IssuedLink>('POST', props.path)).body))}>
          {props.issue}
        </button>
        {props.pending ? (
          <button
            type="button"
            class="danger"
            disabled={action.busy}
            onClick={() =>
              action.run(async () => {
                await request('DELETE', props.path);
                props.onRevoked();
              })
            }
          >
            {props.revoke}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function ResetMfa(props: { path: string; onDone: () => void }) {
  const { t } = useT();
  const action = useAction();
  return (
    <section aria-labelledby="reset-mfa-title">
      <h3 id="reset-mfa-title">{t('admin.twoFactor')}</h3>
      <Form
        label={t('user.resetMfa')}
        danger
        busy={action.busy}
        error={action.error}
        submit={t('user.resetMfa')}
        onSubmit={() =>
          action.run(async () => {
            await request('DELETE', `${props.path}/mfa`);
            props.onDone();
          })
        }
      >
        <p>{t('user.resetMfa.hint')}</p>
      </Form>
    </section>
  );
}

function Transfer(props: { user: User }) {
  const { t } = useT();
  const session = useSession();
  const action = useAction();
  return (
    <section aria-labelledby="transfer-title">
      <h3 id="transfer-title">{t('user.transfer')}</h3>
      <details>
        <summary>{t('user.transfer.summary', { login: props.user.login })}</summary>
        <Form
          label={t('user.transfer')}
          danger
          busy={action.busy}
          error={action.error}
          submit={t('user.transfer')}
          codeFields={{ reauthentication_failed: 'password' }}
          onSubmit={(form) =>
            action.run(async () => {
              const code = String(form.get('code') ?? '').trim();
              await request('POST', '/v1/org/transfer', {
                body: { userId: props.user.id, password: String(form.get('password')), ...(code ? { code } : {}) },
              });
              await session.reload();
              navigate('/settings/users');
            })
          }
        >
          <p>{t('user.transfer.hint')}</p>
          <Field name="password" label={t('user.transfer.password')} type="password" required autocomplete="current-password" />
          {session.me?.mfa.enabled ? <Field name="code" label={t('user.transfer.code')} autocomplete="one-time-code" required /> : null}
        </Form>
      </details>
    </section>
  );
}

function DeleteUser(props: { user: User; path: string }) {
  const { t } = useT();
  const action = useAction();
  const [typed, setTyped] = useState('');
  const matches = typed === props.user.login;
  return (
    <section aria-labelledby="delete-title" class="danger-zone" id="delete">
      <h2 id="delete-title">{t('user.delete')}</h2>
      <Form
        label={t('user.delete')}
        danger
        busy={action.busy}
        disabled={!matches}
        error={action.error}
        submit={t('user.delete.submit')}
        codeFields={{ confirmation_mismatch: 'confirm' }}
        onSubmit={(form) =>
          action.run(async () => {
            await request('DELETE', `${props.path}?confirm=${encodeURIComponent(String(form.get('confirm')))}`);
            navigate('/settings/users', { replace: true });
          })
        }
      >
        <p>
          {t('user.delete.hint', { login: props.user.login })} {t('user.delete.type')} <strong>{props.user.login}</strong>
        </p>
        <Field name="confirm" label={t('user.delete.confirm')} required autocomplete="off" value={typed} onInput={(event) => setTyped(event.currentTarget.value)} />
      </Form>
    </section>
  );
}
