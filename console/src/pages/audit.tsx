import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { get } from '../api';
import { sentenceFor } from '../problems';
import { navigate, useLocation } from '../router';
import type { AuditEvent, Page as ListPage, User } from '../types';
import { Alert, Page, formatDate, useLoad } from '../ui';
import { Pager, query, useCursorPages } from './paging';

/**
 * The audit log in words: who did what to whom, when and from where, newest first, with the
 * recorded facts a click away. People filter by login and by action; the API filters by user
 * id, so a login is looked up in the user list first (the log readers, owner and admins, may
 * read it).
 */

/** What each action means, as a verb phrase between the actor and the target. */
const ACTIONS: Record<string, string> = {
  'org.created': 'created the organization',
  'org.renamed': 'renamed the organization',
  'org.ownership_transferred': 'transferred ownership to',
  'org.sessions_ended': 'signed everyone out',
  'user.invited': 'invited',
  'user.created': 'created the service account',
  'user.activated': 'activated the account of',
  'user.activation_issued': 'sent a new activation link to',
  'user.activation_revoked': 'revoked the activation link of',
  'user.updated': 'changed the details of',
  'user.deleted': 'deleted',
  'user.permissions_changed': 'changed the permissions of',
  'user.email_verified': 'verified the email address of',
  'user.email_verification_sent': 'sent an email verification link to',
  'user.password_changed': 'changed the password of',
  'user.password_set': 'set a new password for',
  'user.password_reset': 'reset the password of',
  'user.password_reset_requested': 'asked for a password reset for',
  'user.password_reset_revoked': 'cancelled the password reset of',
  'mfa.enabled': 'turned on two-factor for',
  'mfa.disabled': 'turned off two-factor for',
  'mfa.reset': 'reset two-factor of',
  'mfa.recovery_codes_replaced': 'made new recovery codes for',
  'session.created': 'signed in as',
  'session.ended': 'ended sessions of',
  'app.signed_in': 'signed in to an app as',
  'auth.sign_in_failed': 'failed to sign in as',
  'api_token.created': 'created an API token for',
  'api_token.revoked': 'revoked an API token of',
  'billing.updated': 'changed the billing details',
  'users.imported': 'imported users into',
  'users.exported': 'exported the users of',
};

const FILTERS = ['action', 'actor', 'target'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** The same actions done by a person to themselves read better as their own sentence. */
const SELF: Record<string, string> = {
  'session.created': 'signed in',
  'app.signed_in': 'signed in to an app',
  'user.activated': 'activated their account',
  'user.email_verified': 'verified their email address',
  'user.password_changed': 'changed their password',
  'user.password_set': 'chose a new password',
  'user.password_reset': 'reset their password',
  'user.password_reset_requested': 'asked for a password reset',
  'user.updated': 'changed their details',
  'mfa.enabled': 'turned on two-factor',
  'mfa.disabled': 'turned off two-factor',
  'mfa.recovery_codes_replaced': 'made new recovery codes',
  'session.ended': 'ended some of their sessions',
  'api_token.created': 'created an API token',
  'api_token.revoked': 'revoked an API token',
};

/** One line a person reads: "owner invited dana as developer", "dana signed in". */
export function describeEvent(event: AuditEvent): string {
  const who = !event.actor ? 'Gatehouse' : 'login' in event.actor ? event.actor.login : `the directory (${event.actor.name})`;
  const self = event.actor !== null && event.target.type === 'user' && event.target.id === event.actor.id;
  if (self && SELF[event.action]) return `${who} ${SELF[event.action]}`;
  const verb = ACTIONS[event.action] ?? event.action;
  const whom = event.target.type === 'user' ? (self ? 'themselves' : (event.target.login ?? 'a deleted user')) : '';
  const role = event.action === 'user.invited' && typeof event.details.role === 'string' ? ` as ${event.details.role}` : '';
  if (event.action === 'auth.sign_in_failed') return `Someone failed to sign in as ${whom}${event.details.reason === 'inactive' ? ' (the account is not active)' : ' (wrong password)'}`;
  return [who, verb, whom].filter(Boolean).join(' ') + role;
}

function Facts(props: { event: AuditEvent }) {
  const entries = Object.entries(props.event.details);
  return (
    <details>
      <summary>Details</summary>
      <dl class="facts">
        {entries.map(([name, value]) => (
          <Fragment key={name}>
            <dt>{name}</dt>
            <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
          </Fragment>
        ))}
        <dt>IP address</dt>
        <dd>{props.event.ip}</dd>
        <dt>Request</dt>
        <dd>
          <code>{props.event.requestId}</code>
        </dd>
      </dl>
    </details>
  );
}

/** A login typed in a filter, as the user id the API filters by. */
async function userIdOf(login: string): Promise<string | undefined> {
  if (!login) return '';
  const found = await get<ListPage<User>>(`/v1/users${query({ q: login, limit: 50 })}`);
  return found.items.find((user) => user.login === login.toLowerCase())?.id;
}

export function Audit() {
  const { query: params } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filters;
  // Logins as typed, shown back in the form; the address carries them, never ids.
  const pages = useCursorPages([filters.action, filters.actor, filters.target]);
  const [unknown, setUnknown] = useState<string>();
  const list = useLoad(async () => {
    const [actor, target] = await Promise.all([userIdOf(filters.actor), userIdOf(filters.target)]);
    const missing = [actor === undefined ? filters.actor : undefined, target === undefined ? filters.target : undefined].filter(Boolean);
    setUnknown(missing.length ? missing.join(' and ') : undefined);
    if (missing.length) return { items: [], nextCursor: null } satisfies ListPage<AuditEvent>;
    return get<ListPage<AuditEvent>>(`/v1/audit-events${query({ action: filters.action, actor, target, limit: 50, cursor: pages.cursor })}`);
  }, [filters.action, filters.actor, filters.target, pages.cursor]);
  return (
    <Page title="Audit log" wide>
      <form
        class="filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          navigate(`/settings/audit${query(Object.fromEntries(FILTERS.map((name) => [name, String(form.get(name) ?? '').trim()])))}`, { replace: true });
        }}
      >
        <div class="field">
          <label for="audit-actor">Who (login)</label>
          <input id="audit-actor" name="actor" defaultValue={filters.actor} autocomplete="off" />
        </div>
        <div class="field">
          <label for="audit-action">Action</label>
          <select id="audit-action" name="action" value={filters.action}>
            <option value="">Any action</option>
            {Object.entries(ACTIONS).map(([action, words]) => (
              <option value={action} key={action}>
                {words} ({action})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-target">Done to (login)</label>
          <input id="audit-target" name="target" defaultValue={filters.target} autocomplete="off" />
        </div>
        <div class="actions">
          <button type="submit">Filter</button>
          {filters.action || filters.actor || filters.target ? (
            <button type="button" onClick={() => navigate('/settings/audit', { replace: true })}>
              Clear
            </button>
          ) : null}
        </div>
      </form>
      {unknown ? <Alert>No user has the login {unknown}.</Alert> : null}
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data && !list.data.items.length && !unknown ? <p>No events match.</p> : null}
      {list.data?.items.length ? (
        <table class="cards audit">
          <caption class="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What happened</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((event) => (
              <tr key={event.id}>
                <td data-label="When">{formatDate(event.at)}</td>
                <td data-label="What happened">
                  {describeEvent(event)}
                  <Facts event={event} />
                </td>
                <td data-label="Action">
                  <code>{event.action}</code>
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
