import { useState } from 'preact/hooks';
import { get, request, versionOf } from '../../api';
import { sentenceFor } from '../../problems';
import { useSession } from '../../session';
import type { AuditEvent, Permission } from '../../types';
import { useT, type ConsoleKey } from '../../i18n';
import { TokenList } from '../../token-list';
import { Alert, CopyFailed, Form, Page, Select, Success, formatDate, useAction, useCopy, useLoad } from '../../ui';

interface Settings { baseUrl: string; defaultRole: 'admin' | 'developer'; users: number; groups: number; lastRequestAt: string | null; lastChangeAt: string | null; version: number }
interface ScimToken { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null }
interface Mapping { group: string; role: 'admin' | 'developer' | null; permissions: string[] }
interface GroupName { id: string; displayName: string; memberCount: number }

/**
 * Settings → Provisioning (root; admins read): the SCIM base URL to paste into Okta or Entra
 * ID, the SCIM tokens, the default role, the directory's recent activity, and the group
 * mapping list that turns the directory's groups into roles and permissions.
 */
export function Provisioning() {
  const { t } = useT();
  const { me } = useSession();
  const isRoot = me?.role === 'root';
  const settings = useLoad(() => request<Settings>('GET', '/v1/org/scim'), []);
  const [notice, setNotice] = useState<string>();
  return (
    <Page title={t('provisioning.title')} wide>
      <p>{t('provisioning.intro')}</p>
      {notice ? <Success>{notice}</Success> : null}
      {settings.error ? <Alert>{sentenceFor(settings.error)}</Alert> : null}
      {settings.data ? (
        <>
          <section aria-labelledby="connect-title">
            <h2 id="connect-title">{t('provisioning.connect')}</h2>
            <CopyField label={t('provisioning.baseUrl')} value={settings.data.body.baseUrl} />
            <dl class="facts">
              <dt>{t('provisioning.users')}</dt>
              <dd>{t('common.number', { value: settings.data.body.users })}</dd>
              <dt>{t('provisioning.groups')}</dt>
              <dd>{t('common.number', { value: settings.data.body.groups })}</dd>
              <dt>{t('provisioning.lastRequest')}</dt>
              <dd>{formatDate(settings.data.body.lastRequestAt)}</dd>
              <dt>{t('provisioning.lastChange')}</dt>
              <dd>{formatDate(settings.data.body.lastChangeAt)}</dd>
            </dl>
            {isRoot ? (
              <DefaultRole settings={settings.data.body} version={versionOf(settings.data.etag) ?? 0} onSaved={() => { setNotice(t('provisioning.defaultRole.saved')); settings.reload(); }} />
            ) : (
              <p>{t('provisioning.defaultRole.readOnly', { role: settings.data.body.defaultRole })}</p>
            )}
          </section>
          {isRoot ? <Tokens /> : null}
          <Mappings canEdit={isRoot} onSaved={() => setNotice(t('provisioning.mappings.saved'))} />
          <Activity />
        </>
      ) : null}
    </Page>
  );
}

function CopyField(props: { label: string; value: string }) {
  const { t } = useT();
  const copied = useCopy();
  return (
    <div class="field">
      <label for="scim-base-url">{props.label}</label>
      <input id="scim-base-url" readOnly value={props.value} data-testid="scim-base-url" />
      <button type="button" class="small" onClick={() => copied.copy(props.value)}>
        {copied.state === 'copied' ? t('ui.copied') : t('ui.copy')}
      </button>
      <CopyFailed state={copied.state} />
    </div>
  );
}

function DefaultRole(props: { settings: Settings; version: number; onSaved: () => void }) {
  const { t } = useT();
  const action = useAction();
  return (
    <Form
      key={props.version}
      label={t('provisioning.defaultRole')}
      busy={action.busy}
      error={action.error}
      submit={t('provisioning.defaultRole.save')}
      onSubmit={(form) =>
        action.run(async () => {
          await request('PATCH', '/v1/org/scim', { body: { defaultRole: String(form.get('defaultRole')) }, ifMatch: props.version });
          props.onSaved();
        })
      }
    >
      <Select
        name="defaultRole"
        label={t('provisioning.defaultRole.label')}
        value={props.settings.defaultRole}
        options={[['developer', t('common.role', { role: 'developer' })], ['admin', t('common.role', { role: 'admin' })]]}
      />
    </Form>
  );
}

function Tokens() {
  const { t } = useT();
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('provisioning.tokens')}</h2>
      <TokenList<ScimToken>
        path="/v1/org/scim/tokens"
        canManage
        testId="scim-token"
        nameMaxLength={64}
        words={{
          caption: t('provisioning.tokens'),
          empty: t('provisioning.tokens.none'),
          secret: (name) => t('provisioning.tokens.secret', { name }),
          create: t('provisioning.tokens.create'),
          nameHint: t('provisioning.tokens.nameHint'),
        }}
      />
    </section>
  );
}

function Mappings(props: { canEdit: boolean; onSaved: () => void }) {
  const { t } = useT();
  const loaded = useLoad(async () => {
    const [mappings, groups, catalog] = await Promise.all([
      request<{ items: Mapping[]; version: number }>('GET', '/v1/org/group-mappings'),
      get<{ items: GroupName[] }>('/v1/org/scim/groups?limit=100'),
      get<{ items: Permission[] }>('/v1/permissions'),
    ]);
    return { mappings: mappings.body, groups: groups.items, catalog: catalog.items };
  }, []);
  const [rows, setRows] = useState<Mapping[]>();
  const action = useAction();
  if (loaded.error) return <Alert>{sentenceFor(loaded.error)}</Alert>;
  if (!loaded.data) return <p aria-busy="true">{t('provisioning.mappings.loading')}</p>;
  const current = rows ?? loaded.data.mappings.items;
  const edit = (index: number, change: Partial<Mapping>) => setRows(current.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <section aria-labelledby="mappings-title">
      <h2 id="mappings-title">{t('provisioning.mappings')}</h2>
      <p>{t('provisioning.mappings.intro')}</p>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      <datalist id="scim-group-names">
        {loaded.data.groups.map((group) => <option key={group.id} value={group.displayName} />)}
      </datalist>
      {current.length === 0 ? <p>{t('provisioning.mappings.none')}</p> : null}
      {current.map((row, index) => (
        <fieldset key={index} disabled={!props.canEdit}>
          <legend>{t('provisioning.mapping', { number: index + 1 })}</legend>
          <div class="field">
            <label for={`mapping-group-${index}`}>{t('provisioning.mapping.group')}</label>
            <input id={`mapping-group-${index}`} list="scim-group-names" value={row.group} maxLength={256} onInput={(event) => edit(index, { group: event.currentTarget.value })} />
          </div>
          <Select
            name={`role-${index}`}
            label={t('provisioning.mapping.role')}
            value={row.role ?? ''}
            options={[['', t('provisioning.mapping.noRole')], ['developer', t('common.role', { role: 'developer' })], ['admin', t('common.role', { role: 'admin' })]]}
            onChange={(value) => edit(index, { role: (value || null) as Mapping['role'] })}
          />
          {loaded.data!.catalog.map((permission) => (
            <label key={permission.name} class="checkbox">
              <input
                type="checkbox"
                checked={row.permissions.includes(permission.name)}
                onChange={(event) => edit(index, { permissions: event.currentTarget.checked ? [...row.permissions, permission.name] : row.permissions.filter((name) => name !== permission.name) })}
              />
              {permission.name}
            </label>
          ))}
          {props.canEdit ? <button type="button" class="danger small" onClick={() => setRows(current.filter((_, at) => at !== index))}>{t('provisioning.mapping.remove')}</button> : null}
        </fieldset>
      ))}
      {props.canEdit ? (
        <p>
          <button type="button" onClick={() => setRows([...current, { group: '', role: null, permissions: [] }])}>{t('provisioning.mapping.add')}</button>{' '}
          <button
            type="button"
            disabled={action.busy || rows === undefined}
            onClick={() => action.run(async () => {
              await request('PUT', '/v1/org/group-mappings', { body: { items: current }, ifMatch: loaded.data!.mappings.version });
              setRows(undefined);
              loaded.reload();
              props.onSaved();
            })}
          >
            {t('provisioning.mappings.save')}
          </button>{' '}
          <button type="button" disabled={rows === undefined} onClick={() => setRows(undefined)}>{t('common.cancel')}</button>
        </p>
      ) : null}
    </section>
  );
}

/** What the directory did, in words; an action this list does not know shows as its event name. */
const ACTIONS: Record<string, ConsoleKey> = {
  'scim.user_provisioned': 'provisioning.action.userProvisioned',
  'scim.user_deprovisioned': 'provisioning.action.userDeprovisioned',
  'scim.group_changed': 'provisioning.action.groupChanged',
  'user.created': 'provisioning.action.userCreated',
  'user.updated': 'provisioning.action.userUpdated',
  'user.deactivated': 'provisioning.action.userDeactivated',
  'user.reactivated': 'provisioning.action.userReactivated',
  'user.deleted': 'provisioning.action.userDeleted',
  'user.role_changed': 'provisioning.action.roleChanged',
  'user.permissions_changed': 'provisioning.action.permissionsChanged',
};

function Activity() {
  const { t } = useT();
  const events = useLoad(() => get<{ items: AuditEvent[] }>('/v1/audit-events?actor=scim&limit=10'), []);
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">{t('provisioning.activity')}</h2>
      {events.error ? <Alert>{sentenceFor(events.error)}</Alert> : null}
      {events.data && events.data.items.length === 0 ? <p>{t('provisioning.activity.none')}</p> : null}
      {events.data && events.data.items.length > 0 ? (
        <table class="cards">
          <caption class="visually-hidden">{t('provisioning.activity')}</caption>
          <thead>
            <tr><th scope="col">{t('provisioning.activity.when')}</th><th scope="col">{t('provisioning.activity.what')}</th><th scope="col">{t('provisioning.activity.who')}</th></tr>
          </thead>
          <tbody>
            {events.data.items.map((event) => (
              <tr key={event.id}>
                <td data-label={t('provisioning.activity.when')}>{formatDate(event.at)}</td>
                <td data-label={t('provisioning.activity.what')}>{ACTIONS[event.action] ? t(ACTIONS[event.action]!) : event.action}</td>
                <td data-label={t('provisioning.activity.who')}>{event.target.login ?? String(event.details.displayName ?? event.target.id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
