import { useState } from 'preact/hooks';
import { get, request } from '../api';
import { sentenceFor } from '../problems';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { InviteResult, Page as ListPage, User } from '../types';
import { Alert, Checkbox, Field, Form, OnceSecret, Page, Select, Success, formatDate, useAction, useLoad } from '../ui';
import { Pager, query, useCursorPages } from './paging';
import { PermissionFilter } from './permissions';
import { UsersImportExport } from './user-import';

const ROLE_FILTER: Array<[string, string]> = [['', 'Any role'], ['root', 'Owner (root)'], ['admin', 'Admin'], ['developer', 'Developer']];
const STATUS_FILTER: Array<[string, string]> = [['', 'Any status'], ['pending', 'Pending'], ['active', 'Active'], ['deactivated', 'Deactivated']];

export const describeDelivery = (delivery: 'sent' | 'failed' | 'none' | 'suppressed') =>
  delivery === 'sent'
    ? 'The email was sent.'
    : delivery === 'failed'
      ? 'The email could not be sent; pass the link on yourself.'
      : delivery === 'suppressed'
        ? 'No email was sent: this address bounced or complained before; pass the link on yourself.'
        : 'No email was sent.';

export function Users() {
  const { query: params } = useLocation();
  const filters = { q: params.get('q') ?? '', role: params.get('role') ?? '', status: params.get('status') ?? '', permission: params.get('permission') ?? '' };
  const pages = useCursorPages([filters.q, filters.role, filters.status, filters.permission]);
  const list = useLoad(
    () => get<ListPage<User>>(`/v1/users${query({ ...filters, limit: 25, cursor: pages.cursor })}`),
    [filters.q, filters.role, filters.status, filters.permission, pages.cursor],
  );
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(location.search);
    if (value) next.set(name, value);
    else next.delete(name);
    navigate(`/settings/users${next.toString() ? `?${next}` : ''}`, { replace: true });
  };
  return (
    <Page title="Users" wide>
      <Invite onInvited={list.reload} />
      <UsersImportExport />
      <form
        class="filters"
        role="search"
        aria-label="Find users"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter('q', String(new FormData(event.currentTarget).get('q') ?? '').trim());
        }}
      >
        <div class="field">
          <label for="user-search">Search</label>
          <input id="user-search" name="q" type="search" defaultValue={filters.q} placeholder="Start of a login, name or email" />
        </div>
        <button type="submit">Search</button>
        <Select name="role" label="Role" value={filters.role} options={ROLE_FILTER} onChange={(value) => setFilter('role', value)} />
        <Select name="status" label="Status" value={filters.status} options={STATUS_FILTER} onChange={(value) => setFilter('status', value)} />
        <PermissionFilter value={filters.permission} onChange={(value) => setFilter('permission', value)} />
      </form>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data ? (
        list.data.items.length ? (
          <table class="cards">
            <caption class="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Login</th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Two-factor</th>
                <th scope="col">Last login</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((user) => (
                <tr key={user.id}>
                  <td data-label="Login">
                    <Link href={`/settings/users/${encodeURIComponent(user.id)}`}>{user.login}</Link>
                  </td>
                  <td data-label="Name">{user.name}</td>
                  <td data-label="Email">{user.email ?? (user.type === 'service' ? 'service account' : '—')}</td>
                  <td data-label="Role">{user.role}</td>
                  <td data-label="Status">
                    <span class={`badge ${user.status}`}>{user.status}</span>
                  </td>
                  <td data-label="Two-factor">{user.mfa.enabled ? 'on' : user.mfa.required ? 'required, not set up' : 'off'}</td>
                  <td data-label="Last login">{formatDate(user.lastLoginAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>No users match.</p>
        )
      ) : !list.error ? (
        <p aria-busy="true">Loading…</p>
      ) : null}
      <Pager page={pages.page} nextCursor={list.data?.nextCursor} onNext={pages.next} onPrevious={pages.previous} />
    </Page>
  );
}

function Invite(props: { onInvited: () => void }) {
  const { me } = useSession();
  const action = useAction();
  const [kind, setKind] = useState<'human' | 'service'>('human');
  const [result, setResult] = useState<InviteResult>();
  const [open, setOpen] = useState(false);
  const roles: Array<[string, string]> = me?.role === 'root' ? [['developer', 'Developer'], ['admin', 'Admin']] : [['developer', 'Developer']];
  return (
    <details class="invite" open={open || Boolean(result)} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Invite someone</summary>
      {result ? (
        <div>
          <Success>
            {result.user.login} was added. {describeDelivery(result.emailDelivery)}
          </Success>
          {result.activation ? <OnceSecret label="Activation link" value={result.activation.url} testId="activation-link" /> : null}
          {result.temporaryPassword ? <OnceSecret label="Temporary password" value={result.temporaryPassword} testId="temporary-password" /> : null}
          {result.apiToken ? <OnceSecret label="API token of the service account" value={result.apiToken.token} testId="api-token" /> : null}
          <button type="button" onClick={() => setResult(undefined)}>
            Invite someone else
          </button>
        </div>
      ) : (
        <Form
          label="Invite someone"
          busy={action.busy}
          error={action.error}
          submit="Invite"
          codeFields={{ login_taken: 'login', email_taken: 'email' }}
          onSubmit={(form) =>
            action.run(async () => {
              const text = (name: string) => String(form.get(name) ?? '').trim();
              const body =
                kind === 'service'
                  ? { type: 'service', login: text('login'), name: text('name'), role: text('role') }
                  : {
                      login: text('login'),
                      name: text('name'),
                      email: text('email'),
                      role: text('role'),
                      delivery: text('delivery'),
                      requireMfa: form.get('requireMfa') === 'on',
                      ...(text('origin') ? { origin: text('origin') } : {}),
                      ...(text('location') ? { location: text('location') } : {}),
                    };
              const { body: invited } = await request<InviteResult>('POST', '/v1/users', { body });
              setResult(invited);
              props.onInvited();
            })
          }
        >
          <fieldset>
            <legend>Kind of account</legend>
            <label class="inline">
              <input type="radio" name="kind" value="human" checked={kind === 'human'} onChange={() => setKind('human')} /> A person
            </label>
            <label class="inline">
              <input type="radio" name="kind" value="service" checked={kind === 'service'} onChange={() => setKind('service')} /> A service account (API token only)
            </label>
          </fieldset>
          <Field name="login" label="Login" required hint="3–128 of a–z, 0–9, . _ - + @" />
          <Field name="name" label="Name" required />
          {kind === 'human' ? <Field name="email" label="Email" type="email" required /> : null}
          <Select name="role" label="Role" options={roles} />
          {kind === 'human' ? (
            <>
              <Select
                name="delivery"
                label="How they get in"
                options={[
                  ['link', 'An activation link (emailed, and shown here once)'],
                  ['temporaryPassword', 'A temporary password (shown here once; changed at first login)'],
                ]}
              />
              <Checkbox name="requireMfa" label="Require two-factor authentication" />
              <Field name="origin" label="Origin (optional)" hint="Where they come from, e.g. a team or partner." />
              <Field name="location" label="Location (optional)" />
            </>
          ) : null}
        </Form>
      )}
    </details>
  );
}
