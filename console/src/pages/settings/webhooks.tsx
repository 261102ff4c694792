import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { get, request } from '../../api';
import { useT, type ConsoleKey, type T } from '../../i18n';
import { sentenceFor } from '../../problems';
import { Alert, Field, Form, OnceSecret, Page, useAction, useLoad } from '../../ui';
import { formatWhen } from '../admin-words';

/** Settings → Webhooks (root): endpoints, the secret once, rotation, deliveries with Retry, Send test (api/events.md). */

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabledReason: null | 'manual' | 'failing' | 'gone';
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

interface Attempt {
  at: string;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string;
}

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: Attempt[];
  nextAttemptAt: string | null;
  createdAt: string;
  payload: unknown;
}

const DISABLED_BECAUSE: Record<NonNullable<Endpoint['disabledReason']>, ConsoleKey> = {
  manual: 'webhooks.disabled.manual',
  failing: 'webhooks.disabled.failing',
  gone: 'webhooks.disabled.gone',
};

const DELIVERY_STATUS: Record<Delivery['status'], ConsoleKey> = {
  pending: 'webhooks.delivery.pending',
  succeeded: 'webhooks.delivery.succeeded',
  failed: 'webhooks.delivery.failed',
};

/** The catalog's types (shared/events/catalog.ts) in words; a type added later shows by its name. */
const EVENT_NAMES: Record<string, ConsoleKey> = {
  'org.created': 'webhooks.event.org.created',
  'org.updated': 'webhooks.event.org.updated',
  'user.created': 'webhooks.event.user.created',
  'user.updated': 'webhooks.event.user.updated',
  'user.role_changed': 'webhooks.event.user.role_changed',
  'user.permissions_changed': 'webhooks.event.user.permissions_changed',
  'user.activated': 'webhooks.event.user.activated',
  'user.deactivated': 'webhooks.event.user.deactivated',
  'user.reactivated': 'webhooks.event.user.reactivated',
  'user.deleted': 'webhooks.event.user.deleted',
  'user.password_changed': 'webhooks.event.user.password_changed',
  'user.mfa_changed': 'webhooks.event.user.mfa_changed',
  'session.created': 'webhooks.event.session.created',
  'session.ended': 'webhooks.event.session.ended',
  'api_token.created': 'webhooks.event.api_token.created',
  'api_token.revoked': 'webhooks.event.api_token.revoked',
  'ownership.transferred': 'webhooks.event.ownership.transferred',
  'domain.verified': 'webhooks.event.domain.verified',
  'sso_connection.changed': 'webhooks.event.sso_connection.changed',
};

const eventName = (t: T, type: string, fallback: string) => {
  const key = EVENT_NAMES[type];
  return key ? t(key) : fallback;
};

/** Event groups by the object they concern (`user.*`, `session.*`, …). */
const GROUP_NAMES: Record<string, ConsoleKey> = {
  org: 'webhooks.group.org',
  user: 'webhooks.group.user',
  session: 'webhooks.group.session',
  api_token: 'webhooks.group.api_token',
  ownership: 'webhooks.group.ownership',
  domain: 'webhooks.group.domain',
  sso_connection: 'webhooks.group.sso_connection',
};

/** The catalog's types grouped by object (`user.*`, `session.*`, …), "all events" on top. */
function EventPicker(props: { chosen?: string[] }) {
  const { t } = useT();
  const types = useLoad(() => get<{ items: Array<{ type: string; description: string }> }>('/v1/events/types'), []);
  const [all, setAll] = useState(!props.chosen || props.chosen.includes('*'));
  const groups = new Map<string, Array<{ type: string; description: string }>>();
  for (const item of types.data?.items ?? []) {
    const group = item.type.split('.')[0]!;
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  return (
    <fieldset>
      <legend>{t('webhooks.events')}</legend>
      <label>
        <input type="checkbox" name="all" checked={all} onChange={(event) => setAll((event.target as HTMLInputElement).checked)} /> {t('webhooks.events.all')}
      </label>
      {all ? null : [...groups.entries()].map(([group, items]) => (
        <fieldset key={group}>
          <legend>{GROUP_NAMES[group] ? t(GROUP_NAMES[group]) : group}</legend>
          {items.map((item) => (
            <label key={item.type}>
              <input type="checkbox" name="events" value={item.type} checked={props.chosen?.includes(item.type)} />{' '}
              {eventName(t, item.type, item.description)} <code>{item.type}</code>
            </label>
          ))}
        </fieldset>
      ))}
    </fieldset>
  );
}

const eventsFrom = (form: FormData) => (form.get('all') ? ['*'] : form.getAll('events').map(String));

function Deliveries(props: { endpoint: Endpoint }) {
  const { t, locale } = useT();
  const base = `/v1/org/webhooks/${encodeURIComponent(props.endpoint.id)}`;
  const list = useLoad(() => get<{ items: Delivery[] }>(`${base}/deliveries?limit=50`), [base]);
  const retry = useAction();
  const [open, setOpen] = useState<string>();
  return (
    <div>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {retry.error ? <Alert>{sentenceFor(retry.error)}</Alert> : null}
      <button type="button" class="small" onClick={() => list.reload()}>{t('webhooks.deliveries.refresh')}</button>
      {list.data && list.data.items.length === 0 ? <p>{t('webhooks.deliveries.none')}</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <table class="cards">
          <caption class="visually-hidden">{t('webhooks.deliveries.caption', { url: props.endpoint.url })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('webhooks.deliveries.event')}</th>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col">{t('webhooks.deliveries.attempts')}</th>
              <th scope="col">{t('webhooks.deliveries.lastCode')}</th>
              <th scope="col">{t('webhooks.deliveries.next')}</th>
              <th scope="col"><span class="visually-hidden">{t('webhooks.deliveries.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((delivery) => (
              <Fragment key={delivery.id}>
                <tr>
                  <td data-label={t('webhooks.deliveries.event')}>
                    <button type="button" class="link" aria-expanded={open === delivery.id} onClick={() => setOpen(open === delivery.id ? undefined : delivery.id)}>
                      {delivery.eventType}
                    </button>
                    <br />
                    <small>{formatWhen(locale, delivery.createdAt)}</small>
                  </td>
                  <td data-label={t('admin.status')}>{t(DELIVERY_STATUS[delivery.status])}</td>
                  <td data-label={t('webhooks.deliveries.attempts')}>{new Intl.NumberFormat(locale).format(delivery.attempts.length)}</td>
                  <td data-label={t('webhooks.deliveries.lastCode')}>{delivery.attempts.at(-1)?.responseStatus ?? delivery.attempts.at(-1)?.error ?? '—'}</td>
                  <td data-label={t('webhooks.deliveries.next')}>{delivery.nextAttemptAt ? formatWhen(locale, delivery.nextAttemptAt) : '—'}</td>
                  <td>
                    <button
                      type="button"
                      class="small"
                      disabled={retry.busy || !props.endpoint.enabled}
                      aria-label={t('webhooks.deliveries.retry.label', { type: delivery.eventType, id: delivery.eventId })}
                      onClick={() => retry.run(async () => {
                        await request('POST', `${base}/deliveries/${encodeURIComponent(delivery.id)}/retry`);
                        list.reload();
                      })}
                    >
                      {t('webhooks.deliveries.retry')}
                    </button>
                  </td>
                </tr>
                {open === delivery.id ? (
                  <tr>
                    <td colSpan={6}>
                      <ol>
                        {delivery.attempts.map((attempt) => (
                          <li key={attempt.at}>
                            {t('webhooks.attempt', { when: formatWhen(locale, attempt.at), outcome: String(attempt.responseStatus ?? attempt.error), ms: attempt.durationMs })}
                            {attempt.responseExcerpt ? <pre>{attempt.responseExcerpt}</pre> : null}
                          </li>
                        ))}
                      </ol>
                      <pre>{JSON.stringify(delivery.payload, null, 2)}</pre>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

function EndpointCard(props: { endpoint: Endpoint; onChange: () => void }) {
  const { t, locale } = useT();
  const { endpoint } = props;
  const base = `/v1/org/webhooks/${encodeURIComponent(endpoint.id)}`;
  const action = useAction();
  const edit = useAction();
  const [secret, setSecret] = useState<string>();
  const [note, setNote] = useState<string>();
  return (
    <section aria-label={t('webhooks.endpoint.label', { name: endpoint.description ?? endpoint.url })}>
      <h2>{endpoint.description ?? endpoint.url}</h2>
      <p>
        <code>{endpoint.url}</code> — {endpoint.enabled ? t('webhooks.enabled') : t(DISABLED_BECAUSE[endpoint.disabledReason ?? 'manual'])}
        <br />
        {t('webhooks.endpoint.events', {
          events: endpoint.events.includes('*')
            ? t('webhooks.events.allLower')
            : new Intl.ListFormat(locale, { type: 'unit' }).format(endpoint.events.map((type) => eventName(t, type, type))),
        })}
        {endpoint.previousSecretExpiresAt ? <><br />{t('webhooks.previousSecret', { when: formatWhen(locale, endpoint.previousSecretExpiresAt) })}</> : null}
      </p>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      {note ? <p role="status">{note}</p> : null}
      {secret ? <OnceSecret label={t('webhooks.newSecret')} value={secret} testId="webhook-secret" /> : null}
      <div class="actions">
        <button type="button" disabled={action.busy} onClick={() => action.run(async () => {
          await request('POST', `${base}/test`);
          setNote(t('webhooks.test.sent'));
        })}>{t('webhooks.test')}</button>
        <button type="button" disabled={action.busy} onClick={() => action.run(async () => {
          const { body } = await request<{ secret: string }>('POST', `${base}/rotate-secret`, { body: {} });
          setSecret(body.secret);
          props.onChange();
        })}>{t('webhooks.rotate')}</button>
        <button type="button" disabled={action.busy} onClick={() => action.run(async () => {
          await request('PATCH', `${base}`, { body: { enabled: !endpoint.enabled } });
          props.onChange();
        })}>{endpoint.enabled ? t('webhooks.disable') : t('webhooks.enable')}</button>
        <button type="button" class="danger" disabled={action.busy} onClick={() => action.run(async () => {
          if (!confirm(t('webhooks.delete.confirm', { url: endpoint.url }))) return;
          await request('DELETE', base);
          props.onChange();
        })}>{t('admin.delete')}</button>
      </div>
      <details>
        <summary>{t('admin.edit')}</summary>
        <Form
          label={t('webhooks.edit')}
          busy={edit.busy}
          error={edit.error}
          submit={t('admin.save')}
          onSubmit={(form) => edit.run(async () => {
            const description = String(form.get('description') ?? '').trim();
            await request('PATCH', base, { body: { url: String(form.get('url')), events: eventsFrom(form), description: description || null } });
            props.onChange();
          })}
        >
          <Field name="url" label={t('admin.url')} type="url" required value={endpoint.url} />
          <Field name="description" label={t('admin.description')} value={endpoint.description ?? ''} />
          <EventPicker chosen={endpoint.events} />
        </Form>
      </details>
      <details>
        <summary>{t('webhooks.deliveries')}</summary>
        <Deliveries endpoint={endpoint} />
      </details>
    </section>
  );
}

export function Webhooks() {
  const { t } = useT();
  // The standard's name is a name in English in every language: marked so, for screen readers too.
  const intro = t('webhooks.intro', { standard: '\u2063' }).split('\u2063');
  const list = useLoad(() => get<{ items: Endpoint[] }>('/v1/org/webhooks'), []);
  const create = useAction();
  const [created, setCreated] = useState<{ url: string; secret: string }>();
  const [formKey, setFormKey] = useState(0);
  return (
    <Page title={t('webhooks.title')} wide>
      <p>
        {intro[0]}
        <span lang="en">Standard Webhooks</span>
        {intro[1]} <code>GET /v1/events</code>
      </p>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {created ? <OnceSecret label={t('webhooks.secretFor', { url: created.url })} value={created.secret} testId="webhook-secret" /> : null}
      {list.data?.items.map((endpoint) => <EndpointCard key={endpoint.id} endpoint={endpoint} onChange={() => list.reload()} />)}
      {list.data && list.data.items.length === 0 ? <p>{t('webhooks.none')}</p> : null}
      <details open={list.data?.items.length === 0}>
        <summary>{t('webhooks.add')}</summary>
        <Form
          key={formKey}
          label={t('webhooks.add')}
          busy={create.busy}
          error={create.error}
          submit={t('webhooks.add.submit')}
          onSubmit={(form) => create.run(async () => {
            const description = String(form.get('description') ?? '').trim();
            const { body } = await request<Endpoint & { secret: string }>('POST', '/v1/org/webhooks', {
              body: { url: String(form.get('url')), events: eventsFrom(form), ...(description ? { description } : {}) },
            });
            setCreated({ url: body.url, secret: body.secret });
            setFormKey((value) => value + 1);
            list.reload();
          })}
        >
          <Field name="url" label={t('admin.url')} type="url" required hint={t('webhooks.url.hint')} />
          <Field name="description" label={t('admin.description')} hint={t('webhooks.description.hint')} />
          <EventPicker />
        </Form>
      </details>
    </Page>
  );
}
