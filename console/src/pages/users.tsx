import { useState } from 'preact/hooks';
import { get, request } from '../api';
import { ENDONYMS, LOCALES, useT } from '../i18n';
import { sentenceFor } from '../problems';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { InviteResult, Page as ListPage, User } from '../types';
import { Alert, Checkbox, Field, Form, OnceSecret, Page, Select, Success, useAction, useLoad } from '../ui';
import { describeDelivery, formatWhen, roleName, statusName } from './admin-words';
import { Pager, query, useCursorPages } from './paging';
import { PermissionFilter } from './permissions';
import { UsersImportExport } from './user-import';

export function Users() {
  const { t, locale } = useT();
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
  const roleFilter: Array<[string, string]> = [['', t('users.anyRole')], ['root', t('users.role.rootFilter')], ['admin', roleName(t, 'admin')], ['developer', roleName(t, 'developer')]];
  const statusFilter: Array<[string, string]> = [['', t('users.anyStatus')], ...(['pending', 'active', 'deactivated'] as const).map((status): [string, string] => [status, statusName(t, status)])];
  const column = {
    login: t('admin.login'),
    name: t('admin.name'),
    email: t('admin.email'),
    role: t('admin.role'),
    status: t('admin.status'),
    mfa: t('admin.twoFactor'),
    lastLogin: t('admin.lastLogin'),
  };
  return (
    <Page title={t('users.title')} wide>
      <Invite onInvited={list.reload} />
      <UsersImportExport />
      <form
        class="filters"
        role="search"
        aria-label={t('users.find')}
        onSubmit={(event) => {
          event.preventDefault();
          setFilter('q', String(new FormData(event.currentTarget).get('q') ?? '').trim());
        }}
      >
        <div class="field">
          <label for="user-search">{t('users.search')}</label>
          <input id="user-search" name="q" type="search" defaultValue={filters.q} placeholder={t('users.search.placeholder')} />
        </div>
        <button type="submit">{t('users.search')}</button>
        <Select name="role" label={column.role} value={filters.role} options={roleFilter} onChange={(value) => setFilter('role', value)} />
        <Select name="status" label={column.status} value={filters.status} options={statusFilter} onChange={(value) => setFilter('status', value)} />
        <PermissionFilter value={filters.permission} onChange={(value) => setFilter('permission', value)} />
      </form>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data ? (
        list.data.items.length ? (
          <table class="cards">
            <caption class="visually-hidden">{t('users.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{column.login}</th>
                <th scope="col">{column.name}</th>
                <th scope="col">{column.email}</th>
                <th scope="col">{column.role}</th>
                <th scope="col">{column.status}</th>
                <th scope="col">{column.mfa}</th>
                <th scope="col">{column.lastLogin}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((user) => (
                <tr key={user.id}>
                  <td data-label={column.login}>
                    <Link href={`/settings/users/${encodeURIComponent(user.id)}`}>{user.login}</Link>
                  </td>
                  <td data-label={column.name}>{user.name}</td>
                  <td data-label={column.email}>{user.email ?? (user.type === 'service' ? t('users.serviceAccount') : '—')}</td>
                  <td data-label={column.role}>{roleName(t, user.role)}</td>
                  <td data-label={column.status}>
                    <span class={`badge ${user.status}`}>{statusName(t, user.status)}</span>
                  </td>
                  <td data-label={column.mfa}>{t('users.mfa', { state: user.mfa.enabled ? 'on' : user.mfa.required ? 'required' : 'off' })}</td>
                  <td data-label={column.lastLogin}>{formatWhen(locale, user.lastLoginAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('users.none')}</p>
        )
      ) : !list.error ? (
        <p aria-busy="true">{t('admin.loading')}</p>
      ) : null}
      <Pager page={pages.page} nextCursor={list.data?.nextCursor} onNext={pages.next} onPrevious={pages.previous} />
    </Page>
  );
}

/** The language choices of a user: none (the organization's default applies) or one of the six, each named in itself. */
export const localeOptions = (noneLabel: string): Array<[string, string]> => [['', noneLabel], ...LOCALES.map((tag): [string, string] => [tag, ENDONYMS[tag]])];

function Invite(props: { onInvited: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const action = useAction();
  const [kind, setKind] = useState<'human' | 'service'>('human');
  const [result, setResult] = useState<InviteResult>();
  const [open, setOpen] = useState(false);
  const roles: Array<[string, string]> = (me?.role === 'root' ? (['developer', 'admin'] as const) : (['developer'] as const)).map((role): [string, string] => [role, roleName(t, role)]);
  return (
    <details class="invite" open={open || Boolean(result)} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('users.invite')}</summary>
      {result ? (
        <div>
          <Success>
            {t('users.invited', { login: result.user.login })} {describeDelivery(t, result.emailDelivery)}
          </Success>
          {result.activation ? <OnceSecret label={t('admin.activationLink')} value={result.activation.url} testId="activation-link" /> : null}
          {result.temporaryPassword ? <OnceSecret label={t('users.temporaryPassword')} value={result.temporaryPassword} testId="temporary-password" /> : null}
          {result.apiToken ? <OnceSecret label={t('users.serviceToken')} value={result.apiToken.token} testId="api-token" /> : null}
          <button type="button" onClick={() => setResult(undefined)}>
            {t('users.inviteAnother')}
          </button>
        </div>
      ) : (
        <Form
          label={t('users.invite')}
          busy={action.busy}
          error={action.error}
          submit={t('users.invite.submit')}
          codeFields={{ login_taken: 'login', email_taken: 'email', unsupported_locale: 'locale' }}
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
                      ...(text('locale') ? { locale: text('locale') } : {}),
                    };
              const { body: invited } = await request<InviteResult>('POST', '/v1/users', { body });
              setResult(invited);
              props.onInvited();
            })
          }
        >
          <fieldset>
            <legend>{t('users.kind')}</legend>
            <label class="inline">
              <input type="radio" name="kind" value="human" checked={kind === 'human'} onChange={() => setKind('human')} /> {t('users.kind.human')}
            </label>
            <label class="inline">
              <input type="radio" name="kind" value="service" checked={kind === 'service'} onChange={() => setKind('service')} /> {t('users.kind.service')}
            </label>
          </fieldset>
          <Field name="login" label={t('admin.login')} required hint={t('users.login.hint')} />
          <Field name="name" label={t('admin.name')} required />
          {kind === 'human' ? <Field name="email" label={t('admin.email')} type="email" required /> : null}
          <Select name="role" label={t('admin.role')} options={roles} />
          {kind === 'human' ? (
            <>
              <Select
                name="delivery"
                label={t('users.delivery')}
                options={[
                  ['link', t('users.delivery.link')],
                  ['temporaryPassword', t('users.delivery.temporaryPassword')],
                ]}
              />
              <Select name="locale" label={t('admin.locale')} options={localeOptions(t('admin.locale.default'))} />
              <Checkbox name="requireMfa" label={t('admin.requireMfa')} />
              <Field name="origin" label={t('users.origin.optional')} hint={t('users.origin.hint')} />
              <Field name="location" label={t('users.location.optional')} />
            </>
          ) : null}
        </Form>
      )}
    </details>
  );
}
