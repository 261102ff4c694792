import { useState } from 'preact/hooks';
import { request, versionOf } from '../api';
import { sentenceFor } from '../problems';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import type { Link as IssuedLink, User } from '../types';
import { Alert, Checkbox, Field, Form, OnceSecret, Page, Select, Success, formatDate, useAction, useLoad } from '../ui';
import { ApiTokens } from './api-tokens';
import { UserPermissions } from './permissions';
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
  const [notice, setNotice] = useState<string>();
  const [issued, setIssued] = useState<{ label: string; link: IssuedLink }>();

  if (loaded.error) {
    return (
      <Page title="User">
        <Alert>{sentenceFor(loaded.error)}</Alert>
        <Link href="/users">Back to users</Link>
      </Page>
    );
  }
  if (!loaded.data) return <Page title="User"><p aria-busy="true">Loading…</p></Page>;
  const { user, version } = loaded.data;
  const isRoot = me?.role === 'root';
  const self = me?.id === user.id;
  // Admins may re-issue or revoke the activation of pending developers only (PRODUCT.md).
  const canActivate = user.status === 'pending' && (isRoot || (me?.role === 'admin' && user.role === 'developer'));
  const done = (message: string) => {
    setNotice(message);
    loaded.reload();
  };

  return (
    <Page title={`${user.name} (${user.login})`}>
      <p>
        <Link href="/users">← All users</Link>
      </p>
      {notice ? <Success>{notice}</Success> : null}
      <dl class="facts">
        <dt>Login</dt>
        <dd>{user.login}</dd>
        <dt>Kind</dt>
        <dd>{user.type === 'service' ? 'service account' : 'person'}</dd>
        <dt>Email</dt>
        <dd>{user.email ? `${user.email} (${user.emailVerified ? 'verified' : 'not verified'})` : '—'}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
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
      {issued ? (
        <>
          <OnceSecret label={issued.label} value={issued.link.url} testId="issued-link" />
          <p>{describeDelivery(issued.link.emailDelivery)} It expires {formatDate(issued.link.expiresAt)}.</p>
        </>
      ) : null}

      {isRoot && !self ? <EditUser user={user} version={version} path={path} onSaved={() => done('Saved.')} onReload={loaded.reload} /> : null}

      <UserPermissions user={user} version={version} path={path} onSaved={() => done('Permissions saved.')} onReload={loaded.reload} />

      {canActivate ? (
        <LinkActions
          title="Activation"
          path={`${path}/activation`}
          issue="Send a new activation link"
          revoke="Revoke the activation link"
          onIssued={(link) => {
            setIssued({ label: 'Activation link', link });
            done('A new activation link was issued; the previous one no longer works.');
          }}
          onRevoked={() => done('The activation link was revoked.')}
        />
      ) : null}

      {isRoot && !self && user.type === 'human' && user.status === 'active' ? (
        <LinkActions
          title="Password reset"
          path={`${path}/password-reset`}
          issue="Send a password-reset link"
          revoke="Cancel pending password reset"
          onIssued={(link) => {
            setIssued({ label: 'Password-reset link', link });
            done('A password-reset link was issued.');
          }}
          onRevoked={() => done('Any pending password-reset link was cancelled.')}
        />
      ) : null}

      {isRoot && !self && user.mfa.enabled ? <ResetMfa path={path} onDone={() => done('Two-factor was removed; they set it up again at their next login if it is required.')} /> : null}

      {isRoot && !self && user.role === 'admin' && user.type === 'human' && user.status === 'active' ? <Transfer user={user} /> : null}

      <UserSessions user={user} />
      {user.type === 'human' && !self && (isRoot || me?.role === 'admin') ? <UserPasskeys userId={user.id} canRemove={isRoot} /> : null}

      {(isRoot || me?.role === 'admin') ? (
        <section aria-labelledby="user-tokens-title">
          <h2 id="user-tokens-title">API tokens</h2>
          <ApiTokens base={`${path}/api-tokens`} canManage={isRoot && !self} />
        </section>
      ) : null}

      {isRoot && !self && user.role !== 'root' ? <DeleteUser user={user} path={path} /> : null}
    </Page>
  );
}

function EditUser(props: { user: User; version: number; path: string; onSaved: () => void; onReload: () => void }) {
  const action = useAction();
  const { user } = props;
  const canChangeRole = user.role !== 'root';
  return (
    <section aria-labelledby="edit-title">
      <h2 id="edit-title">Edit</h2>
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
            if (!Object.keys(body).length) return props.onSaved();
            await request('PATCH', props.path, { body, ifMatch: props.version });
            props.onSaved();
          })
        }
      >
        <Field name="name" label="Name" required defaultValue={user.name} />
        {user.email !== null ? <Field name="email" label="Email" type="email" required defaultValue={user.email} /> : null}
        {canChangeRole ? (
          <>
            <Select name="role" label="Role" value={user.role} options={[['developer', 'Developer'], ['admin', 'Admin']]} />
            {user.status !== 'pending' ? (
              <Select name="status" label="Status" value={user.status} options={[['active', 'Active'], ['deactivated', 'Deactivated (cannot log in; sessions end at once)']]} />
            ) : null}
          </>
        ) : null}
        {user.type === 'human' ? <Checkbox name="requireMfa" label="Require two-factor authentication" checked={user.mfa.required} /> : null}
        <Field name="origin" label="Origin" defaultValue={user.origin ?? ''} />
        <Field name="location" label="Location" defaultValue={user.location ?? ''} />
      </Form>
    </section>
  );
}

function LinkActions(props: { title: string; path: string; issue: string; revoke: string; onIssued: (link: IssuedLink) => void; onRevoked: () => void }) {
  const action = useAction();
  return (
    <section aria-label={props.title}>
      <h2>{props.title}</h2>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      <div class="actions">
        <button type="button" disabled={action.busy} onClick={() => action.run(async () => props.onIssued((await request<IssuedLink>('POST', props.path)).body))}>
          {props.issue}
        </button>
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
      </div>
    </section>
  );
}

function ResetMfa(props: { path: string; onDone: () => void }) {
  const action = useAction();
  return (
    <section aria-labelledby="reset-mfa-title">
      <h2 id="reset-mfa-title">Two-factor</h2>
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
      <h2 id="transfer-title">Transfer ownership</h2>
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
              navigate('/users');
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
    <section aria-labelledby="delete-title" class="danger-zone">
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
            navigate('/users', { replace: true });
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
