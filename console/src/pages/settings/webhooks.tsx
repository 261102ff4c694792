import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { get, request } from '../../api';
import { sentenceFor } from '../../problems';
import { Alert, Field, Form, OnceSecret, Page, formatDate, useAction, useLoad } from '../../ui';

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

const DISABLED_BECAUSE: Record<string, string> = {
  manual: 'disabled by hand',
  failing: 'disabled: every delivery failed for 5 days',
  gone: 'disabled: the receiver answered 410 Gone',
};

/** The catalog's types grouped by object (`user.*`, `session.*`, …), "all events" on top. */
function EventPicker(props: { chosen?: string[] }) {
  const types = useLoad(() => get<{ items: Array<{ type: string; description: string }> }>('/v1/events/types'), []);
  const [all, setAll] = useState(!props.chosen || props.chosen.includes('*'));
  const groups = new Map<string, Array<{ type: string; description: string }>>();
  for (const item of types.data?.items ?? []) {
    const group = item.type.split('.')[0]!;
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  return (
    <fieldset>
      <legend>Events</legend>
      <label>
        <input type="checkbox" name="all" checked={all} onChange={(event) => setAll((event.target as HTMLInputElement).checked)} /> All events
      </label>
      {all ? null : [...groups.entries()].map(([group, items]) => (
        <fieldset key={group}>
          <legend>{group}</legend>
          {items.map((item) => (
            <label key={item.type} title={item.description}>
              <input type="checkbox" name="events" value={item.type} checked={props.chosen?.includes(item.type)} /> {item.type}
            </label>
          ))}
        </fieldset>
      ))}
    </fieldset>
  );
}

const eventsFrom = (form: FormData) => (form.get('all') ? ['*'] : form.getAll('events').map(String));

function Deliveries(props: { endpoint: Endpoint }) {
  const base = `/v1/org/webhooks/${encodeURIComponent(props.endpoint.id)}`;
  const list = useLoad(() => get<{ items: Delivery[] }>(`${base}/deliveries?limit=50`), [base]);
  const retry = useAction();
  const [open, setOpen] = useState<string>();
  return (
    <div>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {retry.error ? <Alert>{sentenceFor(retry.error)}</Alert> : null}
      <button type="button" class="small" onClick={() => list.reload()}>Refresh</button>
      {list.data && list.data.items.length === 0 ? <p>No deliveries yet.</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <table>
          <caption class="visually-hidden">Deliveries to {props.endpoint.url}</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last code</th>
              <th scope="col">Next attempt</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((delivery) => (
              <Fragment key={delivery.id}>
                <tr>
                  <td>
                    <button type="button" class="link" aria-expanded={open === delivery.id} onClick={() => setOpen(open === delivery.id ? undefined : delivery.id)}>
                      {delivery.eventType}
                    </button>
                    <br />
                    <small>{formatDate(delivery.createdAt)}</small>
                  </td>
                  <td>{delivery.status}</td>
                  <td>{delivery.attempts.length}</td>
                  <td>{delivery.attempts.at(-1)?.responseStatus ?? delivery.attempts.at(-1)?.error ?? '—'}</td>
                  <td>{delivery.nextAttemptAt ? formatDate(delivery.nextAttemptAt) : '—'}</td>
                  <td>
                    <button
                      type="button"
                      class="small"
                      disabled={retry.busy || !props.endpoint.enabled}
                      aria-label={`Retry ${delivery.eventType} ${delivery.eventId}`}
                      onClick={() => retry.run(async () => {
                        await request('POST', `${base}/deliveries/${encodeURIComponent(delivery.id)}/retry`);
                        list.reload();
                      })}
                    >
                      Retry
                    </button>
                  </td>
                </tr>
                {open === delivery.id ? (
                  <tr>
                    <td colSpan={6}>
                      <ol>
                        {delivery.attempts.map((attempt) => (
                          <li key={attempt.at}>
                            {formatDate(attempt.at)}: {attempt.responseStatus ?? attempt.error} in {attempt.durationMs} ms
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
  const { endpoint } = props;
  const base = `/v1/org/webhooks/${encodeURIComponent(endpoint.id)}`;
  const action = useAction();
  const edit = useAction();
  const [secret, setSecret] = useState<string>();
  const [note, setNote] = useState<string>();
  return (
    <section aria-label={`Webhook ${endpoint.description ?? endpoint.url}`}>
      <h2>{endpoint.description ?? endpoint.url}</h2>
      <p>
        <code>{endpoint.url}</code> — {endpoint.enabled ? 'enabled' : DISABLED_BECAUSE[endpoint.disabledReason ?? 'manual']}
        <br />
        Events: {endpoint.events.includes('*') ? 'all events' : endpoint.events.join(', ')}
        {endpoint.previousSecretExpiresAt ? <><br />The previous secret also signs until {formatDate(endpoint.previousSecretExpiresAt)}.</> : null}
      </p>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      {note ? <p role="status">{note}</p> : null}
      {secret ? <OnceSecret label="New signing secret" value={secret} testId="webhook-secret" /> : null}
      <div class="actions">
        <button type="button" disabled={action.busy} onClick={() => action.run(async () => {
          await request('POST', `${base}/test`);
          setNote('A test event is on its way.');
        })}>Send test event</button>
        <button type="button" disabled={action.busy} onClick={() => action.run(async () => {
          const { body } = await request<{ secret: string }>('POST', `${base}/rotate-secret`, { body: {} });
          setSecret(body.secret);
          props.onChange();
        })}>Rotate secret</button>
        <button type="button" disabled={action.busy} onClick={() => action.run(async () => {
          await request('PATCH', `${base}`, { body: { enabled: !endpoint.enabled } });
          props.onChange();
        })}>{endpoint.enabled ? 'Disable' : 'Enable'}</button>
        <button type="button" class="danger" disabled={action.busy} onClick={() => action.run(async () => {
          if (!confirm(`Delete the webhook to ${endpoint.url}?`)) return;
          await request('DELETE', base);
          props.onChange();
        })}>Delete</button>
      </div>
      <details>
        <summary>Edit</summary>
        <Form
          label="Edit the endpoint"
          busy={edit.busy}
          error={edit.error}
          submit="Save"
          onSubmit={(form) => edit.run(async () => {
            const description = String(form.get('description') ?? '').trim();
            await request('PATCH', base, { body: { url: String(form.get('url')), events: eventsFrom(form), description: description || null } });
            props.onChange();
          })}
        >
          <Field name="url" label="URL" type="url" required value={endpoint.url} />
          <Field name="description" label="Description" value={endpoint.description ?? ''} />
          <EventPicker chosen={endpoint.events} />
        </Form>
      </details>
      <details>
        <summary>Deliveries</summary>
        <Deliveries endpoint={endpoint} />
      </details>
    </section>
  );
}

export function Webhooks() {
  const list = useLoad(() => get<{ items: Endpoint[] }>('/v1/org/webhooks'), []);
  const create = useAction();
  const [created, setCreated] = useState<{ url: string; secret: string }>();
  const [formKey, setFormKey] = useState(0);
  return (
    <Page title="Webhooks" wide>
      <p>Gatehouse sends each event to these addresses, signed per Standard Webhooks; pollers can read the same events from <code>GET /v1/events</code>.</p>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {created ? <OnceSecret label={`Signing secret for ${created.url}`} value={created.secret} testId="webhook-secret" /> : null}
      {list.data?.items.map((endpoint) => <EndpointCard key={endpoint.id} endpoint={endpoint} onChange={() => list.reload()} />)}
      {list.data && list.data.items.length === 0 ? <p>No webhook endpoints yet.</p> : null}
      <details open={list.data?.items.length === 0}>
        <summary>Add an endpoint</summary>
        <Form
          key={formKey}
          label="Add an endpoint"
          busy={create.busy}
          error={create.error}
          submit="Add endpoint"
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
          <Field name="url" label="URL" type="url" required hint="https:// to a public address." />
          <Field name="description" label="Description" hint="What receives it, e.g. “CRM sync”." />
          <EventPicker />
        </Form>
      </details>
    </Page>
  );
}
