import { useState } from 'preact/hooks';
import { get, request } from '../api';
import { sentenceFor } from '../problems';
import { useSession } from '../session';
import type { Permission, User } from '../types';
import { Alert, Form, Select, useAction, useLoad } from '../ui';

/**
 * Permissions in the SaaS product (PRODUCT.md "Permissions in the product"): toggles grouped by
 * module, dangerous ones marked and confirmed before granting, a Modified mark on each changed
 * row with Save and Cancel, and the 412 notice when someone else saved first.
 */

let catalogLoad: Promise<Permission[]> | undefined;
/** The deployment's catalog changes only with a deploy: one read per page load is enough. */
const loadCatalog = () => (catalogLoad ??= get<{ items: Permission[] }>('/v1/permissions').then((answer) => answer.items, (error) => {
  catalogLoad = undefined;
  throw error;
}));
export const useCatalog = () => useLoad(loadCatalog, []);

function byModule(entries: Permission[]): Array<[string, Permission[]]> {
  const groups = new Map<string, Permission[]>();
  for (const entry of entries) groups.set(entry.module, [...(groups.get(entry.module) ?? []), entry]);
  return [...groups];
}

const moduleTitle = (module: string) => module.charAt(0).toUpperCase() + module.slice(1).replace(/[-_]/g, ' ');

/** Why the viewer may not change this user's permissions, or undefined when it may. */
function readOnlyReason(me: User | undefined, user: User): string | undefined {
  if (user.role === 'root') return 'The owner holds every permission, always.';
  if (me?.role === 'root') return undefined;
  if (me?.role === 'admin' && user.role === 'developer' && me.id !== user.id) return undefined;
  return me?.role === 'admin' ? 'Admins change the permissions of developers only.' : 'Only the owner and admins change permissions.';
}

/** The user page's permissions: editable for those PRODUCT.md allows, read-only for the rest. */
export function UserPermissions(props: { user: User; version: number; path: string; onSaved: (user: User) => void; onReload: () => void }) {
  const { me } = useSession();
  const catalog = useCatalog();
  return (
    <section aria-labelledby="permissions-title">
      <h2 id="permissions-title">Permissions</h2>
      {catalog.error ? <Alert>{sentenceFor(catalog.error)}</Alert> : null}
      {catalog.data ? (
        <PermissionToggles
          // A new version (saved here or reloaded after a 412) starts again from what is stored.
          key={props.version}
          catalog={catalog.data}
          user={props.user}
          version={props.version}
          path={props.path}
          readOnly={readOnlyReason(me, props.user)}
          // An admin gives and takes only what it holds itself.
          grantable={me?.role === 'root' ? undefined : new Set(me?.permissions ?? [])}
          onSaved={props.onSaved}
          onReload={props.onReload}
        />
      ) : !catalog.error ? (
        <p aria-busy="true">Loading…</p>
      ) : null}
    </section>
  );
}

function PermissionToggles(props: {
  catalog: Permission[];
  user: User;
  version: number;
  path: string;
  readOnly?: string;
  grantable?: Set<string>;
  onSaved: (user: User) => void;
  onReload: () => void;
}) {
  const saved = new Set(props.user.permissions);
  const [draft, setDraft] = useState<Set<string>>(() => new Set(saved));
  const [confirming, setConfirming] = useState<Permission>();
  const action = useAction();
  const modified = props.catalog.filter((entry) => draft.has(entry.name) !== saved.has(entry.name)).map((entry) => entry.name);
  const set = (name: string, on: boolean) => {
    const next = new Set(draft);
    if (on) next.add(name);
    else next.delete(name);
    setDraft(next);
  };
  if (!props.catalog.length) return <p>This deployment declares no permissions.</p>;
  return (
    <Form
      label="Permissions"
      busy={action.busy}
      error={action.error}
      disabled={Boolean(props.readOnly) || modified.length === 0 || Boolean(confirming)}
      submit="Save"
      versioned={{
        what: 'these permissions',
        reload: () => {
          action.setError(undefined);
          props.onReload();
        },
      }}
      onSubmit={() =>
        action.run(async () => {
          const permissions = props.catalog.filter((entry) => draft.has(entry.name)).map((entry) => entry.name);
          const { body } = await request<User>('PATCH', props.path, { body: { permissions }, ifMatch: props.version });
          props.onSaved(body);
        })
      }
    >
      {props.readOnly ? <p class="hint">{props.readOnly}</p> : null}
      {byModule(props.catalog).map(([module, entries]) => (
        <fieldset key={module} class="permissions">
          <legend>{moduleTitle(module)}</legend>
          {entries.map((entry) => {
            const lacked = props.grantable !== undefined && !props.grantable.has(entry.name);
            const changed = modified.includes(entry.name);
            const id = `permission-${entry.name.replace(':', '-')}`;
            return (
              <div class={changed ? 'permission modified' : 'permission'} key={entry.name}>
                <input
                  type="checkbox"
                  role="switch"
                  id={id}
                  checked={draft.has(entry.name)}
                  disabled={Boolean(props.readOnly) || lacked || action.busy}
                  aria-describedby={`${id}-about`}
                  onChange={(event) => {
                    const on = event.currentTarget.checked;
                    // A dangerous permission is granted only after its warning was read and accepted.
                    if (on && entry.dangerous && !saved.has(entry.name)) {
                      event.currentTarget.checked = false;
                      setConfirming(entry);
                      return;
                    }
                    set(entry.name, on);
                  }}
                />
                <label for={id}>
                  <code>{entry.name}</code> {entry.dangerous ? <span class="badge dangerous">Dangerous</span> : null}{' '}
                  {changed ? <span class="badge modified">Modified</span> : null}
                </label>
                <p class="hint" id={`${id}-about`}>
                  {entry.description}
                  {lacked ? ' — you do not hold this permission, so you cannot give or take it.' : ''}
                </p>
              </div>
            );
          })}
        </fieldset>
      ))}
      {confirming ? (
        <div class="alert warning" role="alertdialog" aria-labelledby="dangerous-title" aria-describedby="dangerous-text">
          <p id="dangerous-title">
            <strong>Grant {confirming.name}?</strong>
          </p>
          <p id="dangerous-text">
            This permission is marked dangerous: {confirming.description}. {props.user.name} will be able to do this in the product.
          </p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              onClick={() => {
                set(confirming.name, true);
                setConfirming(undefined);
              }}
            >
              Grant {confirming.name}
            </button>
            <button type="button" onClick={() => setConfirming(undefined)}>
              Keep it off
            </button>
          </div>
        </div>
      ) : null}
      {modified.length ? (
        <p class="modified-summary" role="status">
          {modified.length === 1 ? '1 change' : `${modified.length} changes`} not saved yet.{' '}
          <button type="button" disabled={action.busy} onClick={() => setDraft(new Set(saved))}>
            Cancel
          </button>
        </p>
      ) : null}
    </Form>
  );
}

/** My account: what I hold, read-only, grouped like the toggles. */
export function OwnPermissions(props: { me: User }) {
  const catalog = useCatalog();
  const held = new Set(props.me.permissions);
  return (
    <section aria-labelledby="own-permissions-title" id="permissions">
      <h2 id="own-permissions-title">Permissions</h2>
      <p>What you may do in the product. {props.me.role === 'root' ? 'As the owner you hold every permission.' : 'The owner or an admin changes them.'}</p>
      {catalog.error ? <Alert>{sentenceFor(catalog.error)}</Alert> : null}
      {catalog.data ? (
        held.size ? (
          <ul class="own-permissions">
            {byModule(catalog.data.filter((entry) => held.has(entry.name))).map(([module, entries]) => (
              <li key={module}>
                <strong>{moduleTitle(module)}</strong>
                <ul>
                  {entries.map((entry) => (
                    <li key={entry.name}>
                      <code>{entry.name}</code> — {entry.description}
                      {entry.dangerous ? <span class="badge dangerous">Dangerous</span> : null}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        ) : (
          <p>You hold no permissions.</p>
        )
      ) : null}
    </section>
  );
}

/**
 * Creating an API token: all of its owner's permissions (following them), or only some. The
 * owner is read from the token list's own path (`/v1/me` or `/v1/users/{id}`).
 */
export function ScopeChoice(props: { base: string }) {
  const owner = useLoad(() => get<User>(props.base.replace(/\/api-tokens$/, '')), [props.base]);
  const [mode, setMode] = useState<'all' | 'some'>('all');
  const held = owner.data?.permissions ?? [];
  return (
    <fieldset>
      <legend>Permissions of the token</legend>
      <label class="inline">
        <input type="radio" name="scopeMode" value="all" checked={mode === 'all'} onChange={() => setMode('all')} /> All of the owner’s permissions, as they are at each use
      </label>
      <label class="inline">
        <input type="radio" name="scopeMode" value="some" checked={mode === 'some'} onChange={() => setMode('some')} /> Only these:
      </label>
      {mode === 'some' ? (
        held.length ? (
          <div class="scopes">
            {held.map((name) => (
              <label class="inline" key={name}>
                <input type="checkbox" name="scopes" value={name} /> <code>{name}</code>
              </label>
            ))}
          </div>
        ) : (
          <p class="hint">The owner holds no permissions; the token will carry none.</p>
        )
      ) : null}
    </fieldset>
  );
}

/** The body fields ScopeChoice contributes to the create request. */
export const scopesFrom = (form: FormData): { scopes?: string[] } =>
  form.get('scopeMode') === 'some' ? { scopes: form.getAll('scopes').map(String) } : {};

/** How a listed token's scopes read. */
export const describeScopes = (scopes: string[] | null) => (scopes === null ? 'all of the owner’s' : scopes.length ? scopes.join(', ') : 'none');

/** The users list's filter by permission. */
export function PermissionFilter(props: { value: string; onChange: (value: string) => void }) {
  const catalog = useCatalog();
  const options: Array<[string, string]> = [['', 'Any permission'], ...(catalog.data ?? []).map((entry): [string, string] => [entry.name, entry.name])];
  return <Select name="permission" label="Permission" value={props.value} options={options} onChange={props.onChange} />;
}
