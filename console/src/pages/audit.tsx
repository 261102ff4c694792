import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { get } from '../api';
import { useT, type ConsoleKey, type Locale, type T } from '../i18n';
import { sentenceFor } from '../problems';
import { navigate, useLocation } from '../router';
import type { AuditEvent, Page as ListPage, User } from '../types';
import { Alert, Page, useLoad } from '../ui';
import { formatWhen, roleName, statusName } from './admin-words';
import { Pager, query, useCursorPages } from './paging';

/**
 * The audit log in words: who did what to whom, when and from where, newest first, with the
 * recorded facts a click away. People filter by login and by action; the API filters by user
 * id, so a login is looked up in the user list first (the log readers, owner and admins, may
 * read it).
 */

/**
 * Every action the API records (shared/services): a name for the filter, a sentence with the
 * actor and the target (`{actor} invited {target} as {role}`), and for what people do to
 * themselves a sentence of its own (`{actor} signed in`). An action missing here still shows,
 * by its code.
 */
const ACTIONS: Record<string, { label: ConsoleKey; did: ConsoleKey; self?: ConsoleKey }> = {
  'org.created': { label: 'audit.label.org.created', did: 'audit.did.org.created' },
  'org.renamed': { label: 'audit.label.org.renamed', did: 'audit.did.org.renamed' },
  'org.mfa_policy_changed': { label: 'audit.label.org.mfa_policy_changed', did: 'audit.did.org.mfa_policy_changed' },
  'org.branding_updated': { label: 'audit.label.org.branding_updated', did: 'audit.did.org.branding_updated' },
  'org.group_mappings_changed': { label: 'audit.label.org.group_mappings_changed', did: 'audit.did.org.group_mappings_changed' },
  'org.ownership_transferred': { label: 'audit.label.org.ownership_transferred', did: 'audit.did.org.ownership_transferred' },
  'org.sessions_ended': { label: 'audit.label.org.sessions_ended', did: 'audit.did.org.sessions_ended' },
  'user.invited': { label: 'audit.label.user.invited', did: 'audit.did.user.invited' },
  'user.created': { label: 'audit.label.user.created', did: 'audit.did.user.created' },
  'user.activated': { label: 'audit.label.user.activated', did: 'audit.did.user.activated', self: 'audit.self.user.activated' },
  'user.activation_issued': { label: 'audit.label.user.activation_issued', did: 'audit.did.user.activation_issued' },
  'user.activation_revoked': { label: 'audit.label.user.activation_revoked', did: 'audit.did.user.activation_revoked' },
  'user.updated': { label: 'audit.label.user.updated', did: 'audit.did.user.updated', self: 'audit.self.user.updated' },
  'user.role_changed': { label: 'audit.label.user.role_changed', did: 'audit.did.user.role_changed' },
  'user.deactivated': { label: 'audit.label.user.deactivated', did: 'audit.did.user.deactivated' },
  'user.reactivated': { label: 'audit.label.user.reactivated', did: 'audit.did.user.reactivated' },
  'user.deleted': { label: 'audit.label.user.deleted', did: 'audit.did.user.deleted' },
  'user.permissions_changed': { label: 'audit.label.user.permissions_changed', did: 'audit.did.user.permissions_changed' },
  'user.email_verified': { label: 'audit.label.user.email_verified', did: 'audit.did.user.email_verified', self: 'audit.self.user.email_verified' },
  'user.email_verification_sent': { label: 'audit.label.user.email_verification_sent', did: 'audit.did.user.email_verification_sent', self: 'audit.self.user.email_verification_sent' },
  'user.email_status_changed': { label: 'audit.label.user.email_status_changed', did: 'audit.did.user.email_status_changed' },
  'user.password_changed': { label: 'audit.label.user.password_changed', did: 'audit.did.user.password_changed', self: 'audit.self.user.password_changed' },
  'user.password_set': { label: 'audit.label.user.password_set', did: 'audit.did.user.password_set', self: 'audit.self.user.password_set' },
  'user.password_reset': { label: 'audit.label.user.password_reset', did: 'audit.did.user.password_reset', self: 'audit.self.user.password_reset' },
  'user.password_reset_requested': { label: 'audit.label.user.password_reset_requested', did: 'audit.did.user.password_reset_requested', self: 'audit.self.user.password_reset_requested' },
  'user.password_reset_revoked': { label: 'audit.label.user.password_reset_revoked', did: 'audit.did.user.password_reset_revoked' },
  'mfa.enabled': { label: 'audit.label.mfa.enabled', did: 'audit.did.mfa.enabled', self: 'audit.self.mfa.enabled' },
  'mfa.disabled': { label: 'audit.label.mfa.disabled', did: 'audit.did.mfa.disabled', self: 'audit.self.mfa.disabled' },
  'mfa.reset': { label: 'audit.label.mfa.reset', did: 'audit.did.mfa.reset' },
  'mfa.recovery_codes_replaced': { label: 'audit.label.mfa.recovery_codes_replaced', did: 'audit.did.mfa.recovery_codes_replaced', self: 'audit.self.mfa.recovery_codes_replaced' },
  'passkey.added': { label: 'audit.label.passkey.added', did: 'audit.did.passkey.added', self: 'audit.self.passkey.added' },
  'passkey.renamed': { label: 'audit.label.passkey.renamed', did: 'audit.did.passkey.renamed', self: 'audit.self.passkey.renamed' },
  'passkey.removed': { label: 'audit.label.passkey.removed', did: 'audit.did.passkey.removed', self: 'audit.self.passkey.removed' },
  'passkey.counter_regression': { label: 'audit.label.passkey.counter_regression', did: 'audit.did.passkey.counter_regression' },
  'session.created': { label: 'audit.label.session.created', did: 'audit.did.session.created', self: 'audit.self.session.created' },
  'session.ended': { label: 'audit.label.session.ended', did: 'audit.did.session.ended', self: 'audit.self.session.ended' },
  'app.signed_in': { label: 'audit.label.app.signed_in', did: 'audit.did.app.signed_in', self: 'audit.self.app.signed_in' },
  'auth.sign_in_failed': { label: 'audit.label.auth.sign_in_failed', did: 'audit.did.auth.sign_in_failed' },
  'sso.signed_in': { label: 'audit.label.sso.signed_in', did: 'audit.did.sso.signed_in' },
  'sso.sign_in_failed': { label: 'audit.label.sso.sign_in_failed', did: 'audit.did.sso.sign_in_failed' },
  'sso.user_linked': { label: 'audit.label.sso.user_linked', did: 'audit.did.sso.user_linked' },
  'sso_connection.changed': { label: 'audit.label.sso_connection.changed', did: 'audit.did.sso_connection.changed' },
  'domain.claimed': { label: 'audit.label.domain.claimed', did: 'audit.did.domain.claimed' },
  'domain.verified': { label: 'audit.label.domain.verified', did: 'audit.did.domain.verified' },
  'domain.removed': { label: 'audit.label.domain.removed', did: 'audit.did.domain.removed' },
  'scim.token_created': { label: 'audit.label.scim.token_created', did: 'audit.did.scim.token_created' },
  'scim.token_revoked': { label: 'audit.label.scim.token_revoked', did: 'audit.did.scim.token_revoked' },
  'scim.settings_changed': { label: 'audit.label.scim.settings_changed', did: 'audit.did.scim.settings_changed' },
  'scim.group_changed': { label: 'audit.label.scim.group_changed', did: 'audit.did.scim.group_changed' },
  'scim.user_provisioned': { label: 'audit.label.scim.user_provisioned', did: 'audit.did.scim.user_provisioned' },
  'scim.user_deprovisioned': { label: 'audit.label.scim.user_deprovisioned', did: 'audit.did.scim.user_deprovisioned' },
  'api_token.created': { label: 'audit.label.api_token.created', did: 'audit.did.api_token.created', self: 'audit.self.api_token.created' },
  'api_token.revoked': { label: 'audit.label.api_token.revoked', did: 'audit.did.api_token.revoked', self: 'audit.self.api_token.revoked' },
  'webhook.created': { label: 'audit.label.webhook.created', did: 'audit.did.webhook.created' },
  'webhook.updated': { label: 'audit.label.webhook.updated', did: 'audit.did.webhook.updated' },
  'webhook.disabled': { label: 'audit.label.webhook.disabled', did: 'audit.did.webhook.disabled' },
  'webhook.deleted': { label: 'audit.label.webhook.deleted', did: 'audit.did.webhook.deleted' },
  'webhook.secret_rotated': { label: 'audit.label.webhook.secret_rotated', did: 'audit.did.webhook.secret_rotated' },
  'email_template.updated': { label: 'audit.label.email_template.updated', did: 'audit.did.email_template.updated' },
  'email_template.deleted': { label: 'audit.label.email_template.deleted', did: 'audit.did.email_template.deleted' },
  'email_template.test_sent': { label: 'audit.label.email_template.test_sent', did: 'audit.did.email_template.test_sent' },
  'email_template.render_failed': { label: 'audit.label.email_template.render_failed', did: 'audit.did.email_template.render_failed' },
  'billing.updated': { label: 'audit.label.billing.updated', did: 'audit.did.billing.updated' },
  'users.imported': { label: 'audit.label.users.imported', did: 'audit.did.users.imported' },
  'users.exported': { label: 'audit.label.users.exported', did: 'audit.did.users.exported' },
};

/** The recorded facts people read most, named; any other is shown by its field name. */
const DETAIL_NAMES: Record<string, ConsoleKey> = {
  reason: 'audit.detail.reason',
  role: 'audit.detail.role',
  status: 'audit.detail.status',
  permissions: 'audit.detail.permissions',
  fields: 'audit.detail.fields',
  from: 'audit.detail.from',
  to: 'audit.detail.to',
  name: 'audit.detail.name',
  type: 'audit.detail.type',
  locale: 'audit.detail.locale',
  domain: 'audit.detail.domain',
  url: 'audit.detail.url',
  browser: 'audit.detail.browser',
  os: 'audit.detail.os',
  client: 'audit.detail.client',
  sessions: 'audit.detail.sessions',
  by: 'audit.detail.by',
  added: 'audit.detail.added',
  removed: 'audit.detail.removed',
  groups: 'audit.detail.groups',
  origin: 'audit.detail.origin',
  connection: 'audit.detail.connection',
  error: 'audit.detail.error',
  delivery: 'audit.detail.delivery',
  requireMfa: 'audit.detail.requireMfa',
  expiresAt: 'audit.detail.expiresAt',
  mfa: 'audit.detail.mfa',
  format: 'audit.detail.format',
  users: 'audit.detail.users',
  rows: 'audit.detail.rows',
  created: 'audit.detail.created',
  unchanged: 'audit.detail.unchanged',
  invalid: 'audit.detail.invalid',
  roleFrom: 'audit.detail.roleFrom',
  roleTo: 'audit.detail.roleTo',
  statusFrom: 'audit.detail.statusFrom',
  statusTo: 'audit.detail.statusTo',
  sessionsEnded: 'audit.detail.sessionsEnded',
  events: 'audit.detail.events',
};

const FILTERS = ['action', 'actor', 'target'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** One line a person reads: "owner invited dana as Developer", "dana signed in". */
export function describeEvent(t: T, event: AuditEvent): string {
  const actor = !event.actor ? t('audit.actor.system') : 'login' in event.actor ? event.actor.login : t('audit.actor.directory', { name: event.actor.name });
  const self = event.actor !== null && event.target.type === 'user' && event.target.id === event.actor.id;
  const known = ACTIONS[event.action];
  if (!known) return t('audit.unknown', { actor, action: event.action });
  const target = event.target.type === 'user' ? (self ? t('audit.target.self') : (event.target.login ?? t('audit.target.deleted'))) : t('audit.target.org');
  const details = event.details;
  return t(self && known.self ? known.self : known.did, {
    actor,
    target,
    role: roleName(t, text(details.role)),
    reason: text(details.reason),
    domain: text(details.domain) || text((details as { domain?: { domain?: string } }).domain?.domain),
    url: text(details.url),
  });
}

const ROLE_FACTS = new Set(['role', 'roleFrom', 'roleTo', 'defaultRoleFrom', 'defaultRoleTo']);
const STATUS_FACTS = new Set(['status', 'statusFrom', 'statusTo']);

/** A recorded value as a person reads it: roles and statuses named, words for yes and no, numbers and times in the page's language, lists joined. */
function valueText(t: T, locale: Locale, name: string, value: unknown): string {
  if (typeof value === 'string' && ROLE_FACTS.has(name)) return roleName(t, value);
  if (typeof value === 'string' && STATUS_FACTS.has(name)) return value === 'verified' ? t('audit.value.verified') : statusName(t, value);
  if (typeof value === 'boolean') return t('audit.value.boolean', { value: String(value) });
  if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) ? formatWhen(locale, value) : value;
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.length ? new Intl.ListFormat(locale, { type: 'unit' }).format(value) : '—';
  return JSON.stringify(value);
}

/** Structured facts stay as recorded (JSON, in code): their field names are the API's, not words. */
const isStructured = (value: unknown) => typeof value === 'object' && value !== null && !(Array.isArray(value) && value.every((item) => typeof item === 'string'));

function Facts(props: { event: AuditEvent }) {
  const { t, locale } = useT();
  const entries = Object.entries(props.event.details);
  return (
    <details>
      <summary>{t('audit.details')}</summary>
      <dl class="facts">
        {entries.map(([name, value]) => (
          <Fragment key={name}>
            <dt>{DETAIL_NAMES[name] ? t(DETAIL_NAMES[name]) : <code>{name}</code>}</dt>
            <dd>{isStructured(value) ? <code>{JSON.stringify(value)}</code> : valueText(t, locale, name, value)}</dd>
          </Fragment>
        ))}
        <dt>{t('audit.ip')}</dt>
        <dd>{props.event.ip}</dd>
        <dt>{t('audit.request')}</dt>
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
  const { t, locale } = useT();
  const { query: params } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filters;
  // Logins as typed, shown back in the form; the address carries them, never ids.
  const pages = useCursorPages([filters.action, filters.actor, filters.target]);
  const [unknown, setUnknown] = useState<string[]>();
  const list = useLoad(async () => {
    const [actor, target] = await Promise.all([userIdOf(filters.actor), userIdOf(filters.target)]);
    const missing = [actor === undefined ? filters.actor : undefined, target === undefined ? filters.target : undefined].filter((login): login is string => Boolean(login));
    setUnknown(missing.length ? missing : undefined);
    if (missing.length) return { items: [], nextCursor: null } satisfies ListPage<AuditEvent>;
    return get<ListPage<AuditEvent>>(`/v1/audit-events${query({ action: filters.action, actor, target, limit: 50, cursor: pages.cursor })}`);
  }, [filters.action, filters.actor, filters.target, pages.cursor]);
  const collator = new Intl.Collator(locale);
  const choices = Object.entries(ACTIONS)
    .map(([action, keys]) => [action, t(keys.label)] as const)
    .sort((a, b) => collator.compare(a[1], b[1]));
  const column = { when: t('audit.when'), what: t('audit.what'), action: t('audit.action') };
  return (
    <Page title={t('audit.title')} wide>
      <form
        class="filters"
        role="search"
        aria-label={t('audit.filter.label')}
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          navigate(`/settings/audit${query(Object.fromEntries(FILTERS.map((name) => [name, String(form.get(name) ?? '').trim()])))}`, { replace: true });
        }}
      >
        <div class="field">
          <label for="audit-actor">{t('audit.filter.actor')}</label>
          <input id="audit-actor" name="actor" defaultValue={filters.actor} autocomplete="off" />
        </div>
        <div class="field">
          <label for="audit-action">{column.action}</label>
          <select id="audit-action" name="action" value={filters.action}>
            <option value="">{t('audit.filter.anyAction')}</option>
            {choices.map(([action, label]) => (
              <option value={action} key={action}>
                {label} ({action})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-target">{t('audit.filter.target')}</label>
          <input id="audit-target" name="target" defaultValue={filters.target} autocomplete="off" />
        </div>
        <div class="actions">
          <button type="submit">{t('audit.filter.submit')}</button>
          {filters.action || filters.actor || filters.target ? (
            <button type="button" onClick={() => navigate('/settings/audit', { replace: true })}>
              {t('audit.filter.clear')}
            </button>
          ) : null}
        </div>
      </form>
      {unknown ? <Alert>{t('audit.unknownLogin', { logins: new Intl.ListFormat(locale, { type: 'conjunction' }).format(unknown) })}</Alert> : null}
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data && !list.data.items.length && !unknown ? <p>{t('audit.none')}</p> : null}
      {list.data?.items.length ? (
        <table class="cards audit">
          <caption class="visually-hidden">{t('audit.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{column.when}</th>
              <th scope="col">{column.what}</th>
              <th scope="col">{column.action}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((event) => (
              <tr key={event.id}>
                <td data-label={column.when}>{formatWhen(locale, event.at)}</td>
                <td data-label={column.what}>
                  {describeEvent(t, event)}
                  <Facts event={event} />
                </td>
                <td data-label={column.action}>
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
