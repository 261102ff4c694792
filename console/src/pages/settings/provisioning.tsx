import { useState } from 'preact/hooks';
import { get, request, versionOf } from '../../api';
import { sentenceFor } from '../../problems';
import { useSession } from '../../session';
import type { AuditEvent, Permission } from '../../types';
import { Alert, Field, Form, OnceSecret, Page, Select, Success, formatDate, useAction, useLoad } from '../../ui';

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
  const { me } = useSession();
  const isRoot = me?.role === 'root';
  const settings = useLoad(() => request<Settings>('GET', '/v1/org/scim'), []);
  const [notice, setNotice] = useState<string>();
  return (
    <Page title="Provisioning" wide>
      <p>Your identity provider (Okta, Microsoft Entra ID or any SCIM 2.0 client) creates, updates and deactivates your people here, and its groups set their roles.</p>
      {notice ? <Success>{notice}</Success> : null}
      {settings.error ? <Alert>{sentenceFor(settings.error)}</Alert> : null}
      {settings.data ? (
        <>
          <section aria-labelledby="connect-title">
            <h2 id="connect-title">Connect your directory</h2>
            <CopyField label="SCIM base URL" value={settings.data.body.baseUrl} />
            <dl class="facts">
              <dt>Managed users</dt>
              <dd>{settings.data.body.users}</dd>
              <dt>Groups</dt>
              <dd>{settings.data.body.groups}</dd>
              <dt>Last request</dt>
              <dd>{formatDate(settings.data.body.lastRequestAt)}</dd>
              <dt>Last change</dt>
              <dd>{formatDate(settings.data.body.lastChangeAt)}</dd>
            </dl>
            {isRoot ? (
              <DefaultRole settings={settings.data.body} version={versionOf(settings.data.etag) ?? 0} onSaved={() => { setNotice('Default role saved.'); settings.reload(); }} />
            ) : (
              <p>Users who are in no mapped group get the role <strong>{settings.data.body.defaultRole}</strong>.</p>
            )}
          </section>
          {isRoot ? <Tokens /> : null}
          <Mappings canEdit={isRoot} onSaved={() => setNotice('Group mappings saved. Managed users’ roles follow within seconds.')} />
          <Activity />
        </>
      ) : null}
    </Page>
  );
}

function CopyField(props: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="field">
      <label for="scim-base-url">{props.label}</label>
      <input id="scim-base-url" readOnly value={props.value} data-testid="scim-base-url" />
      <button type="button" class="small" onClick={async () => { await navigator.clipboard?.writeText(props.value).catch(() => undefined); setCopied(true); }}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

function DefaultRole(props: { settings: Settings; version: number; onSaved: () => void }) {
  const action = useAction();
  return (
    <Form
      key={props.version}
      label="Default role"
      busy={action.busy}
      error={action.error}
      submit="Save default role"
      onSubmit={(form) =>
        action.run(async () => {
          await request('PATCH', '/v1/org/scim', { body: { defaultRole: String(form.get('defaultRole')) }, ifMatch: props.version });
          props.onSaved();
        })
      }
    >
      <Select name="defaultRole" label="Role of users in no mapped group" value={props.settings.defaultRole} options={[['developer', 'Developer'], ['admin', 'Admin']]} />
    </Form>
  );
}

function Tokens() {
  const list = useLoad(() => get<{ items: ScimToken[] }>('/v1/org/scim/tokens'), []);
  const create = useAction();
  const revoke = useAction();
  const [created, setCreated] = useState<ScimToken & { token: string }>();
  const [formKey, setFormKey] = useState(0);
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">SCIM tokens</h2>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {revoke.error ? <Alert>{sentenceFor(revoke.error)}</Alert> : null}
      {list.data && list.data.items.length === 0 ? <p>No SCIM tokens yet.</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <table>
          <caption class="visually-hidden">SCIM tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td><code>{token.prefix}…</code></td>
                <td>{formatDate(token.createdAt)}</td>
                <td>{formatDate(token.lastUsedAt)}</td>
                <td>
                  <button
                    type="button"
                    class="danger small"
                    disabled={revoke.busy}
                    aria-label={`Revoke ${token.name}`}
                    onClick={() => revoke.run(async () => {
                      await request('DELETE', `/v1/org/scim/tokens/${encodeURIComponent(token.id)}`);
                      if (created?.id === token.id) setCreated(undefined);
                      list.reload();
                    })}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {created ? <OnceSecret label={`SCIM token “${created.name}”`} value={created.token} testId="scim-token" /> : null}
      <Form
        key={formKey}
        label="Create a SCIM token"
        busy={create.busy}
        error={create.error}
        submit="Create token"
        onSubmit={(form) =>
          create.run(async () => {
            const { body } = await request<ScimToken & { token: string }>('POST', '/v1/org/scim/tokens', { body: { name: String(form.get('name')).trim() } });
            setCreated(body);
            setFormKey((value) => value + 1);
            list.reload();
          })
        }
      >
        <Field name="name" label="Name" required maxLength={64} hint="Which directory uses it, e.g. “Okta production”. It never expires; revoke it when the connection ends." />
      </Form>
    </section>
  );
}

function Mappings(props: { canEdit: boolean; onSaved: () => void }) {
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
  if (!loaded.data) return <p aria-busy="true">Loading group mappings…</p>;
  const current = rows ?? loaded.data.mappings.items;
  const edit = (index: number, change: Partial<Mapping>) => setRows(current.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <section aria-labelledby="mappings-title">
      <h2 id="mappings-title">Group mappings</h2>
      <p>The directory’s groups give roles and permissions: the highest role of a user’s groups wins and permissions add up. Groups never make anyone owner. The same list serves single sign-on.</p>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      <datalist id="scim-group-names">
        {loaded.data.groups.map((group) => <option key={group.id} value={group.displayName} />)}
      </datalist>
      {current.length === 0 ? <p>No mappings: groups change no one’s role, and you edit roles by hand.</p> : null}
      {current.map((row, index) => (
        <fieldset key={index} disabled={!props.canEdit}>
          <legend>Mapping {index + 1}</legend>
          <div class="field">
            <label for={`mapping-group-${index}`}>Group</label>
            <input id={`mapping-group-${index}`} list="scim-group-names" value={row.group} maxLength={256} onInput={(event) => edit(index, { group: event.currentTarget.value })} />
          </div>
          <Select name={`role-${index}`} label="Role" value={row.role ?? ''} options={[['', 'No role'], ['developer', 'Developer'], ['admin', 'Admin']]} onChange={(value) => edit(index, { role: (value || null) as Mapping['role'] })} />
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
          {props.canEdit ? <button type="button" class="danger small" onClick={() => setRows(current.filter((_, at) => at !== index))}>Remove mapping</button> : null}
        </fieldset>
      ))}
      {props.canEdit ? (
        <p>
          <button type="button" onClick={() => setRows([...current, { group: '', role: null, permissions: [] }])}>Add mapping</button>{' '}
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
            Save mappings
          </button>{' '}
          <button type="button" disabled={rows === undefined} onClick={() => setRows(undefined)}>Cancel</button>
        </p>
      ) : null}
    </section>
  );
}

function Activity() {
  const events = useLoad(() => get<{ items: AuditEvent[] }>('/v1/audit-events?actor=scim&limit=10'), []);
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">Recent directory changes</h2>
      {events.error ? <Alert>{sentenceFor(events.error)}</Alert> : null}
      {events.data && events.data.items.length === 0 ? <p>The directory has changed nothing yet.</p> : null}
      {events.data && events.data.items.length > 0 ? (
        <table>
          <caption class="visually-hidden">Recent directory changes</caption>
          <thead>
            <tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th></tr>
          </thead>
          <tbody>
            {events.data.items.map((event) => (
              <tr key={event.id}>
                <td>{formatDate(event.at)}</td>
                <td>{event.action}</td>
                <td>{event.target.login ?? String(event.details.displayName ?? event.target.id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
