import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { request, versionOf } from '../api';
import { sentenceFor } from '../problems';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import type { Link as IssuedLink, User } from '../types';
import { Alert, Checkbox, Field, Form, OnceSecret, Page, Select, Success, formatDate, useAction, useLoad } from '../ui';
import { ApiTokens } from './api-tokens';
import { UserPermissions, useCatalog } from './permissions';
import { UserSessions } from './sessions';
import { describeDelivery } from './users';
import { UserPasskeys } from './passkeys';

interface Loaded {
  user: User;
  version: number;
}

export function UserDetail(props: { id: string }) {
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
      <Page title="User">
        <Alert>{sentenceFor(loaded.error)}</Alert>
        <Link href="/settings/users">Back to users</Link>
      </Page>
    );
  }
  if (!loaded.data) return <Page title="User"><p aria-busy="true">Loading…</p></Page>;
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
    ['details', 'Details'],
    ['permissions', 'Permissions'],
    ...(hasAccess ? [['access', 'Sign-in and access'] as [string, string]] : []),
    ['sessions', 'Sessions'],
    ...(canSeeTokens ? [['api-tokens', 'API tokens'] as [string, string]] : []),
    ...(canDelete ? [['delete', 'Delete'] as [string, string]] : []),
  ];

  return (
    <Page title={`${user.name} (${user.login})`} sections={sections}>
      <p>
        <Link href="/settings/users">← All users</Link>
      </p>
      <section id="details" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl class="facts">
          <dt>Login</dt>
          <dd>{user.login}</dd>
          <dt>Kind</dt>
          <dd>{user.type === 'service' ? 'service account' : 'person'}</dd>
          <dt>Email</dt>
          <dd>{user.email ? `${user.email} (${user.emailVerified ? 'verified' : 'not verified'})` : '—'}</dd>
          <dt>Role</dt>
          <dd>{user.role}</dd>
          {user.managedBy ? (
            <>
              <dt>Managed by</dt>
              <dd><span class="badge managed">{user.managedBy === 'scim' ? 'Directory (SCIM)' : 'Single sign-on'}</span> — change its name, email and groups in your identity provider</dd>
            </>
          ) : null}
          <dt>Status</dt>
          <dd>
            <span class={`badge ${user.status}`}>{user.status}</span>
            {user.mustChangePassword ? ' (must choose a new password at next login)' : ''}
          </dd>
          <dt>Two-factor</dt>
          <dd>{user.mfa.enabled ? 'on' : 'off'}{user.mfa.required ? ', required' : ''}</dd>
          <dt>Created</dt>
          <dd>{formatDate(user.createdAt)}</dd>
          <dt>Last login</dt>
          <dd>{formatDate(user.lastLoginAt)}</dd>
        </dl>
        {isRoot && !self ? (
          <EditUser user={user} version={version} path={path} onSaved={() => done('details')('Saved.')} onReload={loaded.reload} notice={noticeIn('details')} />
        ) : null}
      </section>

      <div id="permissions">
        <UserPermissions user={user} version={version} path={path} onSaved={() => done('permissions')('Permissions saved.')} onReload={loaded.reload} />
        {noticeIn('permissions')}
      </div>

      {hasAccess ? (
        <section id="access" aria-labelledby="access-title">
          <h2 id="access-title">Sign-in and access</h2>
          {issued ? (
            <>
              <OnceSecret label={issued.label} value={issued.link.url} testId="issued-link" />
              <p>{describeDelivery(issued.link.emailDelivery)} It expires {formatDate(issued.link.expiresAt)}.</p>
            </>
          ) : null}
          {noticeIn('access')}
          {canActivate ? (
            <LinkActions
              title="Activation"
              path={`${path}/activation`}
              issue="Send a new activation link"
              revoke="Revoke the activation link"
              pending
              onIssued={(link) => {
                setIssued({ label: 'Activation link', link });
                done('access')('A new activation link was issued; the previous one no longer works.');
              }}
              onRevoked={() => done('access')('The activation link was revoked.')}
            />
          ) : null}
          {canReset ? (
            <LinkActions
              title="Password reset"
              path={`${path}/password-reset`}
              issue="Send a password-reset link"
              revoke="Cancel pending password reset"
              pending={user.passwordResetPending}
              onIssued={(link) => {
                setIssued({ label: 'Password-reset link', link });
                done('access')('A password-reset link was issued.');
              }}
              onRevoked={() => done('access')('Any pending password-reset link was cancelled.')}
            />
          ) : null}
          {canResetMfa ? <ResetMfa path={path} onDone={() => done('access')('Two-factor was removed; they set it up again at their next login if it is required.')} /> : null}
          {canTransfer ? <Transfer user={user} /> : null}
        </section>
      ) : null}

      <UserSessions user={user} />
      {user.type === 'human' && !self && (isRoot || me?.role === 'admin') ? <UserPasskeys userId={user.id} canRemove={isRoot} /> : null}

      {canSeeTokens ? (
        <section aria-labelledby="user-tokens-title" id="api-tokens">
          <h2 id="user-tokens-title">API tokens</h2>
          <ApiTokens base={`${path}/api-tokens`} canManage={isRoot && !self} />
        </section>
      ) : null}

      {canDelete ? <DeleteUser user={user} path={path} /> : null}
    </Page>
  );
}

function EditUser(props: { user: User; version: number; path: string; onSaved: () => void; onReload: () => void; notice?: ComponentChildren }) {
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
      <h3 id="edit-title">Edit</h3>
      <Form
        // A new version remounts the form with the latest values.
        key={props.version}
        label="Edit user"
        busy={action.busy}
        error={action.error}
        versioned={{
          what: 'this user',
          reload: () => {
            action.setError(undefined);
            props.onReload();
          },
        }}
        submit="Save changes"
        codeFields={{ email_taken: 'email', root_protected: 'role' }}
        onSubmit={(form) =>
          action.run(async () => {
            const text = (name: string) => String(form.get(name) ?? '').trim();
            const wanted: Partial<Record<keyof User, unknown>> = {
              name: text('name'),
              origin: text('origin') || null,
              location: text('location') || null,
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
        <Field name="name" label="Name" required defaultValue={user.name} readOnly={user.managedBy === 'scim'} hint={user.managedBy === 'scim' ? 'Managed by your directory.' : undefined} />
        {user.email !== null ? <Field name="email" label="Email" type="email" required defaultValue={user.email} readOnly={user.managedBy === 'scim'} /> : null}
        {canChangeRole ? (
          <>
            <Select name="role" label="Role" value={role} options={[['developer', 'Developer'], ['admin', 'Admin']]} onChange={setRole} />
            {newRole && defaults ? (
              sameAsDefaults ? (
                <p class="hint">Their permissions already match what a new {newRole} gets.</p>
              ) : (
                <fieldset class="role-grants">
                  <legend>Permissions as {newRole === 'admin' ? 'an admin' : 'a developer'}</legend>
                  <p class="hint">Changing the role does not change the permissions by itself. Choose:</p>
                  <label class="inline">
                    <input type="radio" name="grants" value="keep" required checked={grants === 'keep'} onChange={() => setGrants('keep')} /> Keep their
                    current permissions: {listOf(user.permissions)}
                  </label>
                  <label class="inline">
                    <input type="radio" name="grants" value="defaults" required checked={grants === 'defaults'} onChange={() => setGrants('defaults')} /> Give
                    them what a new {newRole} gets: {listOf(defaults)}
                  </label>
                </fieldset>
              )
            ) : null}
            {user.status !== 'pending' ? (
              <Select name="status" label="Status" value={user.status} options={[['active', 'Active'], ['deactivated', 'Deactivated (cannot log in; sessions end at once)']]} />
            ) : null}
          </>
        ) : null}
        {user.type === 'human' ? <Checkbox name="requireMfa" label="Require two-factor authentication" checked={user.mfa.required} /> : null}
        <Field name="origin" label="Origin" defaultValue={user.origin ?? ''} />
        <Field name="location" label="Location" defaultValue={user.location ?? ''} />
      </Form>
      {props.notice}
    </div>
  );
}

const listOf = (names: string[]) => (names.length ? names.join(', ') : 'none');

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
  const action = useAction();
  return (
    <section aria-labelledby="reset-mfa-title">
      <h3 id="reset-mfa-title">Two-factor</h3>
      <Form
        label="Reset two-factor"
        danger
        busy={action.busy}
        error={action.error}
        submit="Reset two-factor"
        onSubmit={() =>
          action.run(async () => {
            await request('DELETE', `${props.path}/mfa`);
            props.onDone();
          })
        }
      >
        <p>For someone who lost their authenticator app and recovery codes.</p>
      </Form>
    </section>
  );
}

function Transfer(props: { user: User }) {
  const session = useSession();
  const action = useAction();
  return (
    <section aria-labelledby="transfer-title">
      <h3 id="transfer-title">Transfer ownership</h3>
      <details>
        <summary>Make {props.user.login} the owner</summary>
        <Form
          label="Transfer ownership"
          danger
          busy={action.busy}
          error={action.error}
          submit="Transfer ownership"
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
          <p>You become an admin. Only the new owner can give ownership back.</p>
          <Field name="password" label="Your password" type="password" required autocomplete="current-password" />
          {session.me?.mfa.enabled ? <Field name="code" label="Your two-factor code" autocomplete="one-time-code" required /> : null}
        </Form>
      </details>
    </section>
  );
}

function DeleteUser(props: { user: User; path: string }) {
  const action = useAction();
  const [typed, setTyped] = useState('');
  const matches = typed === props.user.login;
  return (
    <section aria-labelledby="delete-title" class="danger-zone" id="delete">
      <h2 id="delete-title">Delete user</h2>
      <Form
        label="Delete user"
        danger
        busy={action.busy}
        disabled={!matches}
        error={action.error}
        submit="Delete this user"
        codeFields={{ confirmation_mismatch: 'confirm' }}
        onSubmit={(form) =>
          action.run(async () => {
            await request('DELETE', `${props.path}?confirm=${encodeURIComponent(String(form.get('confirm')))}`);
            navigate('/settings/users', { replace: true });
          })
        }
      >
        <p>
          This removes {props.user.login}, their sessions and API tokens for good. Type <strong>{props.user.login}</strong> to confirm.
        </p>
        <Field name="confirm" label="Login to confirm" required autocomplete="off" value={typed} onInput={(event) => setTyped(event.currentTarget.value)} />
      </Form>
    </section>
  );
}
