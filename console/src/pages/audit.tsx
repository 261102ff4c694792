import { get } from '../api';
import { sentenceFor } from '../problems';
import { navigate, useLocation } from '../router';
import type { AuditEvent, Page as ListPage } from '../types';
import { Alert, Page, formatDate, useLoad } from '../ui';
import { Pager, query, useCursorPages } from './paging';

const FILTERS = [
  ['action', 'Action', 'e.g. user.invited'],
  ['actor', 'Actor (user id)', 'who did it'],
  ['target', 'Target (user id)', 'who it was done to'],
] as const;

export function Audit() {
  const { query: params } = useLocation();
  const filters = Object.fromEntries(FILTERS.map(([name]) => [name, params.get(name) ?? ''])) as Record<(typeof FILTERS)[number][0], string>;
  const pages = useCursorPages([filters.action, filters.actor, filters.target]);
  const list = useLoad(
    () => get<ListPage<AuditEvent>>(`/v1/audit-events${query({ ...filters, limit: 50, cursor: pages.cursor })}`),
    [filters.action, filters.actor, filters.target, pages.cursor],
  );
  return (
    <Page title="Audit log" wide>
      <form
        class="filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          navigate(`/settings/audit${query(Object.fromEntries(FILTERS.map(([name]) => [name, String(form.get(name) ?? '').trim()])))}`, { replace: true });
        }}
      >
        {FILTERS.map(([name, label, placeholder]) => (
          <div class="field" key={name}>
            <label for={`audit-${name}`}>{label}</label>
            <input id={`audit-${name}`} name={name} defaultValue={filters[name]} placeholder={placeholder} />
          </div>
        ))}
        <button type="submit">Filter</button>
      </form>
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data && !list.data.items.length ? <p>No events match.</p> : null}
      {list.data?.items.length ? (
        <table class="cards">
          <caption class="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">From</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((event) => (
              <tr key={event.id}>
                <td data-label="When">{formatDate(event.at)}</td>
                <td data-label="Who">{event.actor ? ('login' in event.actor ? <FilterLink name="actor" value={event.actor.id} text={event.actor.login} /> : <FilterLink name="actor" value="scim" text={`SCIM: ${event.actor.name}`} />) : 'system'}</td>
                <td data-label="Action">
                  <FilterLink name="action" value={event.action} text={event.action} />
                </td>
                <td data-label="Target">{event.target.type === 'user' ? <FilterLink name="target" value={event.target.id} text={event.target.login ?? event.target.id} /> : `${event.target.type} ${event.target.id}`}</td>
                <td data-label="From">{event.ip}</td>
                <td data-label="Details">
                  <code class="details">{Object.keys(event.details).length ? JSON.stringify(event.details) : ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager page={pages.page} nextCursor={list.data?.nextCursor} onNext={pages.next} onPrevious={pages.previous} />
    </Page>
  );
}

function FilterLink(props: { name: string; value: string; text: string }) {
  return (
    <a
      href={`/settings/audit${query({ [props.name]: props.value })}`}
      title={`Only events with this ${props.name}`}
      onClick={(event) => {
        event.preventDefault();
        const next = new URLSearchParams(location.search);
        next.set(props.name, props.value);
        navigate(`/settings/audit?${next}`, { replace: true });
      }}
    >
      {props.text}
    </a>
  );
}
