import { useState } from 'preact/hooks';
import { get, request } from '../api';
import { sentenceFor } from '../problems';
import { useSession } from '../session';
import type { Permission, User } from '../types';
import { useT, type T } from '../i18n';
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
function readOnlyReason(t: T, me: User | undefined, user: User): string | undefined {
  if (user.role === 'root') return t('permissions.readOnly.owner');
  if (me?.role === 'root') return undefined;
  if (me?.role === 'admin' && user.role === 'developer' && me.id !== user.id) return undefined;
  return me?.role === 'admin' ? t('permissions.readOnly.admin') : t('permissions.readOnly.developer');
}

/** The user page's permissions: editable for those PRODUCT.md allows, read-only for the rest. */
export function UserPermissions(props: { user: User; version: number; path: string; onSaved: (user: User) => void; onReload: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const catalog = useCatalog();
  return (
    <section aria-labelledby="permissions-title">
      <h2 id="permissions-title">{t('permissions.title')}</h2>
      {catalog.error ? <Alert>{sentenceFor(catalog.error)}</Alert> : null}
      {catalog.data ? (
        <PermissionToggles
          // A new version (saved here or reloaded after a 412) starts again from what is stored.
          key={props.version}
          catalog={catalog.data}
          user={props.user}
          version={props.version}
          path={props.path}
          readOnly={readOnlyReason(t, me, props.user)}
          // An admin gives and takes only what it holds itself.
          grantable={me?.role === 'root' ? undefined : new Set(me?.permissions ?? [])}
          onSaved={props.onSaved}
          onReload={props.onReload}
        />
      ) : !catalog.error ? (
        <p aria-busy="true">{t('common.loading')}</p>
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
  const { t } = useT();
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
  if (!props.catalog.length) return <p>{t('permissions.noCatalog')}</p>;
  return (
    <Form
      label={t('permissions.title')}
      busy={action.busy}
      error={action.error}
      disabled={Boolean(props.readOnly) || modified.length === 0 || Boolean(confirming)}
      submit={t('common.save')}
      versioned={{
        what: t('permissions.these'),
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
                  <code>{entry.name}</code> {entry.dangerous ? <span class="badge dangerous">{t('permissions.dangerous')}</span> : null}{' '}
                  {changed ? <span class="badge modified">{t('permissions.modified')}</span> : null}
                </label>
                <p class="hint" id={`${id}-about`}>
                  {entry.description}
                  {lacked ? <span class="lacked"> — {t('permissions.lacked')}</span> : null}
                </p>
              </div>
            );
          })}
        </fieldset>
      ))}
      {confirming ? (
        <div class="alert warning" role="alertdialog" aria-labelledby="dangerous-title" aria-describedby="dangerous-text">
          <p id="dangerous-title">
            <strong>{t('permissions.grant.question', { name: confirming.name })}</strong>
          </p>
          <p id="dangerous-text">
            {t('permissions.grant.text', { description: confirming.description, user: props.user.name })}
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
              {t('permissions.grant', { name: confirming.name })}
            </button>
            <button type="button" onClick={() => setConfirming(undefined)}>
              {t('permissions.keepOff')}
            </button>
          </div>
        </div>
      ) : null}
      {modified.length ? (
        <p class="modified-summary" role="status">
          {t('permissions.unsaved', { count: modified.length })}{' '}
          <button type="button" disabled={action.busy} onClick={() => setDraft(new Set(saved))}>
            {t('common.cancel')}
          </button>
        </p>
      ) : null}
    </Form>
  );
}

/** My account: what I hold, read-only, grouped like the toggles. */
export function OwnPermissions(props: { me: User }) {
  const { t } = useT();
  const catalog = useCatalog();
  const held = new Set(props.me.permissions);
  return (
    <section aria-labelledby="own-permissions-title" id="permissions">
      <h2 id="own-permissions-title">{t('permissions.title')}</h2>
      <p>{t('permissions.own.intro', { owner: String(props.me.role === 'root') })}</p>
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
                      {entry.dangerous ? <span class="badge dangerous">{t('permissions.dangerous')}</span> : null}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('permissions.own.none')}</p>
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
  const { t } = useT();
  const owner = useLoad(() => get<User>(props.base.replace(/\/api-tokens$/, '')), [props.base]);
  const [mode, setMode] = useState<'all' | 'some'>('all');
  const held = owner.data?.permissions ?? [];
  return (
    <fieldset>
      <legend>{t('permissions.scopes.legend')}</legend>
      <label class="inline">
        <input type="radio" name="scopeMode" value="all" checked={mode === 'all'} onChange={() => setMode('all')} /> {t('permissions.scopes.all')}
      </label>
      <label class="inline">
        <input type="radio" name="scopeMode" value="some" checked={mode === 'some'} onChange={() => setMode('some')} /> {t('permissions.scopes.some')}
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
          <p class="hint">{t('permissions.scopes.none')}</p>
        )
      ) : null}
    </fieldset>
  );
}

/** The body fields ScopeChoice contributes to the create request. */
export const scopesFrom = (form: FormData): { scopes?: string[] } =>
  form.get('scopeMode') === 'some' ? { scopes: form.getAll('scopes').map(String) } : {};

/** How a listed token's scopes read. */
export const describeScopes = (t: T, scopes: string[] | null) => (scopes === null ? t('permissions.scopes.allOfOwner') : scopes.length ? scopes.join(', ') : t('permissions.scopes.empty'));

/** The users list's filter by permission. */
export function PermissionFilter(props: { value: string; onChange: (value: string) => void }) {
  const { t } = useT();
  const catalog = useCatalog();
  const options: Array<[string, string]> = [['', t('permissions.filter.any')], ...(catalog.data ?? []).map((entry): [string, string] => [entry.name, entry.name])];
  return <Select name="permission" label={t('permissions.filter')} value={props.value} options={options} onChange={props.onChange} />;
}
