/**
 * The event catalog (PRODUCT.md "Events", shared/api/events.md): every type an organization's
 * webhooks, pollers and the operator's bus can receive, and which audit actions fire them.
 *
 * An event is never written on its own: it is the audit event that recorded the change (same
 * id, same order), read back from the table's stream. So this file is the one place that says
 * which audit actions are events. An audit action that is itself a catalog type (`user.created`,
 * `domain.verified`, `sso_connection.changed`, ...) is that event with no line here; older
 * action names that predate the catalog map through AUDIT_ACTION_TO_EVENT. Issues adding audit
 * events (SSO, SCIM, passkeys, branding) write catalog names, or add one line below.
 */

export const EVENT_TYPES = {
  'org.created': 'An organization signed up',
  'org.updated': 'The organization’s name or policy changed',
  'user.created': 'A user came to exist (sign-up, invitation, service account, import, SCIM, SSO)',
  'user.updated': 'A public field of a user without its own type changed (name, email, email verified, …)',
  'user.role_changed': 'A user’s role changed (also by ownership transfer or group mapping)',
  'user.permissions_changed': 'A user’s permissions changed',
  'user.activated': 'An invitation was accepted',
  'user.deactivated': 'A user was deactivated',
  'user.reactivated': 'A user was reactivated',
  'user.deleted': 'A user was deleted',
  'user.password_changed': 'A password was set, changed or reset',
  'user.mfa_changed': 'TOTP or passkeys were added, removed or reset',
  'session.created': 'A sign-in (console, API, app)',
  'session.ended': 'A session ended before its expiry, whatever ended it',
  'api_token.created': 'An API token was created',
  'api_token.revoked': 'An API token was revoked',
  'ownership.transferred': 'The organization’s ownership was transferred',
  'domain.verified': 'A domain of the organization was verified',
  'sso_connection.changed': 'An SSO connection was created, updated or deleted',
} as const;

export type EventType = keyof typeof EVENT_TYPES;
/** Sent only by the test route, only to its endpoint; never listed, never on the bus. */
export const TEST_EVENT_TYPE = 'webhook.test';

export const isEventType = (value: string): value is EventType => Object.hasOwn(EVENT_TYPES, value);

/**
 * Audit actions whose names predate the catalog, and the event each one is. An action absent
 * here and not itself a catalog type (`users.imported`, `webhook.created`, `billing.updated`,
 * `user.activation_issued`, ...) fires nothing.
 */
export const AUDIT_ACTION_TO_EVENT: Readonly<Record<string, EventType>> = {
  'user.invited': 'user.created',
  'user.email_verified': 'user.updated',
  'user.email_status_changed': 'user.updated',
  'user.password_reset': 'user.password_changed',
  'user.password_set': 'user.password_changed',
  'mfa.enabled': 'user.mfa_changed',
  'mfa.disabled': 'user.mfa_changed',
  'mfa.reset': 'user.mfa_changed',
  'org.renamed': 'org.updated',
  'org.sessions_ended': 'session.ended',
  'org.ownership_transferred': 'ownership.transferred',
};

export function eventTypeOf(action: string): EventType | undefined {
  return isEventType(action) ? action : AUDIT_ACTION_TO_EVENT[action];
}

/** `GET /v1/events/types`: the catalog in its order, without `webhook.test`. */
export const catalogItems = () => Object.entries(EVENT_TYPES).map(([type, description]) => ({ type, description }));

/** The types whose `previous` carries the changed fields' old values. */
export const WITH_PREVIOUS: ReadonlySet<EventType> = new Set(['org.updated', 'user.updated', 'user.role_changed', 'user.permissions_changed', 'user.mfa_changed']);

/** `session.ended`'s `reason`s (api/events.md). */
export type SessionEndReason =
  | 'logout' | 'ended' | 'limit' | 'refresh_reuse' | 'password_changed' | 'user_deactivated' | 'user_deleted' | 'sso_connection_deleted';
