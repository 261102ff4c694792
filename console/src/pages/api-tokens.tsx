import { useState } from 'preact/hooks';
import { get, request } from '../api';
import type { ApiToken, NewApiToken, Page } from '../types';
import { Alert, Field, Form, OnceSecret, formatDate, useAction, useLoad } from '../ui';
import { sentenceFor } from '../problems';
import { ScopeChoice, describeScopes, scopesFrom } from './permissions';

/** API tokens of one user: `/v1/me/api-tokens` or `/v1/users/{id}/api-tokens`. */
export function ApiTokens(props: { base: string; canManage: boolean }) {
  const list = useLoad(() => get<Page<ApiToken>>(props.base), [props.base]);
  const create = useAction();
  const revoke = useAction();
  const [created, setCreated] = useState<NewApiToken>();
  // A fresh, empty form after each token: remounting clears what was typed.
  const [formKey, setFormKey] = useState(0);
  return (
    <div>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {revoke.error ? <Alert>{sentenceFor(revoke.error)}</Alert> : null}
      {list.data && list.data.items.length === 0 ? <p>No API tokens.</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <table class="cards">
          <caption class="visually-hidden">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Permissions</th>
              {props.canManage ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((token) => (
              <tr key={token.id}>
                <td data-label="Name">{token.name}</td>
                <td data-label="Starts with">
                  <code>{token.prefix}…</code>
                </td>
                <td data-label="Created">{formatDate(token.createdAt)}</td>
                <td data-label="Expires">{token.expiresAt ? formatDate(token.expiresAt) : 'never'}</td>
                <td data-label="Last used">{formatDate(token.lastUsedAt)}</td>
                <td data-label="Permissions">{describeScopes(token.scopes)}</td>
                {props.canManage ? (
                  <td>
                    <button
                      type="button"
                      class="danger small"
                      disabled={revoke.busy}
                      aria-label={`Revoke ${token.name}`}
                      onClick={() =>
                        revoke.run(async () => {
                          await request('DELETE', `${props.base}/${encodeURIComponent(token.id)}`);
                          if (created?.id === token.id) setCreated(undefined);
                          list.reload();
                        })
                      }
                    >
                      Revoke
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {created ? <OnceSecret label={`API token “${created.name}”`} value={created.token} testId="api-token" /> : null}
      {props.canManage ? (
        <details>
          <summary>Create an API token</summary>
          <Form
            key={formKey}
            label="Create an API token"
            busy={create.busy}
            error={create.error}
            submit="Create token"
            onSubmit={(form) =>
              create.run(async () => {
                const days = String(form.get('expiresInDays') ?? '').trim();
                const { body } = await request<NewApiToken>('POST', props.base, {
                  body: { name: String(form.get('name')), ...(days ? { expiresInDays: Number(days) } : {}), ...scopesFrom(form) },
                });
                setCreated(body);
                setFormKey((value) => value + 1);
                list.reload();
              })
            }
          >
            <Field name="name" label="Name" required hint="What uses it, e.g. “deploy script”." />
            <Field name="expiresInDays" label="Expires after (days)" type="number" min={1} max={365} hint="1–365; leave empty for no expiry." />
            <ScopeChoice base={props.base} />
          </Form>
        </details>
      ) : null}
    </div>
  );
}
