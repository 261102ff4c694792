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
  'user.password_reset': 'user.password_changed',
  'user.password_set': 'user.password_changed',
  'mfa.enabled': 'user.mfa_changed',
  'mfa.disabled': 'user.mfa_changed',
  'mfa.reset': 'user.mfa_changed',
  // New recovery codes are a change to the second factor a consumer syncing security posture
  // wants to hear about, though the user's public `mfa` object stays the same.
  'mfa.recovery_codes_replaced': 'user.mfa_changed',
  'passkey.added': 'user.mfa_changed',
  'passkey.removed': 'user.mfa_changed',
  'org.renamed': 'org.updated',
  // `mfaPolicy` is part of the organization as GET /v1/org answers it.
  'org.mfa_policy_changed': 'org.updated',
  // `emailStatus` (a bounce, a complaint, or cleared by the user or root) is a public field of the user.
  'user.email_status_changed': 'user.updated',
  'org.sessions_ended': 'session.ended',
  'org.ownership_transferred': 'ownership.transferred',
};

/**
 * Every other audit action Gatehouse writes, and why it fires no event. The unit test
 * test/unit/events-catalog.test.ts reads the audit actions out of the source and fails on one
 * that is neither an event nor listed here, so a new audit action is classified when it is added.
 */
export const AUDIT_ACTIONS_WITHOUT_EVENT: Readonly<Record<string, string>> = {
  'auth.sign_in_failed': 'a refused sign-in changes nothing',
  'app.signed_in': 'an app sign-in reuses a session; the session it starts fires session.created',
  'sso.signed_in': 'the session it starts fires session.created; JIT users and group changes have their own audit events',
  'sso.sign_in_failed': 'a refused sign-in changes nothing',
  'sso.user_linked': 'linking changes no public field of the user',
  'user.activation_issued': 'a new invitation link is a secret-bearing email, no public field',
  'user.activation_revoked': 'no public field changes',
  'user.email_verification_sent': 'no public field changes until the address is verified (user.updated)',
  'user.password_reset_requested': 'a request changes no password; user.password_changed fires when one is set',
  'user.password_reset_revoked': 'no password changes',
  'users.imported': 'each imported user fires its own user.created',
  'users.exported': 'reading changes nothing',
  'passkey.renamed': 'a passkey’s name is not part of the user’s public `mfa`',
  'passkey.counter_regression': 'a security warning, no change',
  'scim.user_provisioned': 'the same change fires user.created',
  'scim.user_deprovisioned': 'the same change fires user.deleted',
  'scim.group_changed': 'groups are not public objects; the role and permission changes they cause fire their own events',
  'scim.token_created': 'not in the catalog (provisioning configuration)',
  'scim.token_revoked': 'not in the catalog (provisioning configuration)',
  'scim.settings_changed': 'not in the catalog (provisioning configuration)',
  'org.group_mappings_changed': 'not in the catalog; the role changes it causes fire their own events',
  'org.branding_updated': 'branding is not part of the organization as GET /v1/org answers it',
  'domain.claimed': 'only a verified domain is an event',
  'domain.removed': 'only a verified domain is an event',
  'billing.updated': 'not in the catalog',
  'email_template.updated': 'not in the catalog',
  'email_template.deleted': 'not in the catalog',
  'email_template.test_sent': 'not in the catalog',
  'email_template.render_failed': 'not in the catalog',
  'webhook.created': 'webhook changes are audited, not events (api/events.md)',
  'webhook.updated': 'webhook changes are audited, not events (api/events.md)',
  'webhook.deleted': 'webhook changes are audited, not events (api/events.md)',
  'webhook.disabled': 'webhook changes are audited, not events (api/events.md)',
  'webhook.secret_rotated': 'webhook changes are audited, not events (api/events.md)',
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
