import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { get, request } from './api';
import { useT } from './i18n';
import { sentenceFor } from './problems';
import { Alert, Field, Form, OnceSecret, formatDate, useAction, useLoad } from './ui';

/** What every kind of bearer token the console lists has in common (API tokens, SCIM tokens). */
export interface ListedToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The words that differ between kinds of token, already in the console's language. */
export interface TokenWords {
  /** The table's caption, for screen readers. */
  caption: string;
  empty: string;
  /** Label of the once-shown secret, naming the new token. */
  secret: (name: string) => string;
  /** The create form's name (and its summary when collapsed). */
  create: string;
  nameHint: string;
}

/**
 * A list of one kind of token under `path` (GET lists, POST creates, DELETE `path/{id}` revokes),
 * the new token's secret shown once, and the create form. API tokens and SCIM tokens are the same
 * thing to a person: a name, the first characters, dates, Revoke; a kind adds its own columns and
 * fields.
 */
export function TokenList<Token extends ListedToken>(props: {
  path: string;
  canManage: boolean;
  words: TokenWords;
  /** Columns after "Created", e.g. expiry and permissions. */
  columns?: Array<{ label: string; cell: (token: Token) => ComponentChildren }>;
  /** Extra fields of the create form, after the name. */
  fields?: ComponentChildren;
  /** The create request's body beyond `name`. */
  body?: (form: FormData) => Record<string, unknown>;
  nameMaxLength?: number;
  /** The create form folded away in a <details> (where the list shares a page with much else). */
  collapsed?: boolean;
  /** `data-testid` of the once-shown secret. */
  testId: string;
}) {
  const { t } = useT();
  const list = useLoad(() => get<{ items: Token[] }>(props.path), [props.path]);
  const create = useAction();
  const revoke = useAction();
  const [created, setCreated] = useState<Token & { token: string }>();
  // A fresh, empty form after each token: remounting clears what was typed.
  const [formKey, setFormKey] = useState(0);
  const columns = props.columns ?? [];
  const form = (
    <Form
      key={formKey}
      label={props.words.create}
      busy={create.busy}
      error={create.error}
      submit={t('tokens.create')}
      onSubmit={(data) =>
        create.run(async () => {
          const { body } = await request<Token & { token: string }>('POST', props.path, {
            body: { name: String(data.get('name')).trim(), ...props.body?.(data) },
          });
          setCreated(body);
          setFormKey((value) => value + 1);
          list.reload();
        })
      }
    >
      <Field name="name" label={t('common.name')} required maxLength={props.nameMaxLength} hint={props.words.nameHint} />
      {props.fields}
    </Form>
  );
  return (
    <div>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {revoke.error ? <Alert>{sentenceFor(revoke.error)}</Alert> : null}
      {list.data && list.data.items.length === 0 ? <p>{props.words.empty}</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <table class="cards">
          <caption class="visually-hidden">{props.words.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col">{t('tokens.prefix')}</th>
              <th scope="col">{t('common.created')}</th>
              {columns.map((column) => (
                <th scope="col" key={column.label}>{column.label}</th>
              ))}
              <th scope="col">{t('common.lastUsed')}</th>
              {props.canManage ? <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((token) => (
              <tr key={token.id}>
                <td data-label={t('common.name')}>{token.name}</td>
                <td data-label={t('tokens.prefix')}>
                  <code>{token.prefix}…</code>
                </td>
                <td data-label={t('common.created')}>{formatDate(token.createdAt)}</td>
                {columns.map((column) => (
                  <td data-label={column.label} key={column.label}>{column.cell(token)}</td>
                ))}
                <td data-label={t('common.lastUsed')}>{formatDate(token.lastUsedAt)}</td>
                {props.canManage ? (
                  <td>
                    <button
                      type="button"
                      class="danger small"
                      disabled={revoke.busy}
                      aria-label={t('tokens.revoke.label', { name: token.name })}
                      onClick={() =>
                        revoke.run(async () => {
                          await request('DELETE', `${props.path}/${encodeURIComponent(token.id)}`);
                          if (created?.id === token.id) setCreated(undefined);
                          list.reload();
                        })
                      }
                    >
                      {t('tokens.revoke')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {created ? <OnceSecret label={props.words.secret(created.name)} value={created.token} testId={props.testId} /> : null}
      {props.canManage ? (
        props.collapsed ? (
          <details>
            <summary>{props.words.create}</summary>
            {form}
          </details>
        ) : (
          form
        )
      ) : null}
    </div>
  );
}
