/**
 * English, the reference catalog: every other language has exactly these keys with the same
 * ICU arguments (test/unit/email-catalog.test.ts). Keys are `<email type>.<message>` and
 * `common.<message>`; shared/email/types.ts says which message goes where.
 */
export const en = {
  'common.greeting': 'Hello {name},',
  'common.signature': '— {org}',
  'common.support': 'Help and support: {supportUrl}',
  'common.dateTime': '{at, date, utc}',

  'verify-email.subject': 'Verify your email address for {org}',
  'verify-email.body': 'Please confirm that this is your email address for {org}. The link below works once and expires in {days, plural, one {# day} other {# days}}, on {expiresAt}.',
  'verify-email.action': 'Verify my email address',

  'invitation.subject': 'You are invited to {org}',
  'invitation.body': 'You have been invited to {org}. Sign in with the organization “{slug}” and the login “{login}”. Choose your password with the link below; it works once and expires in {days, plural, one {# day} other {# days}}, on {expiresAt}.',
  'invitation.action': 'Activate my account',

  'invitation-password.subject': 'You are invited to {org}',
  'invitation-password.body': 'You have been invited to {org}. Sign in with the organization “{slug}”, the login “{login}” and this temporary password:',
  'invitation-password.password': '{temporaryPassword}',
  'invitation-password.next': 'You will choose your own password when you first sign in.',
  'invitation-password.action': 'Sign in',

  'password-reset.subject': 'Reset your {org} password',
  'password-reset.body': 'Someone asked to reset the password of the login “{login}” in the organization “{slug}”. If it was you, use the link below; it works once and expires in {hours, plural, one {one hour} other {# hours}}, on {expiresAt}. Using it signs you out everywhere.',
  'password-reset.ignore': 'If it was not you, ignore this email: your password stays as it is.',
  'password-reset.action': 'Choose a new password',

  'password-changed.subject': 'Your {org} password was changed',
  'password-changed.body': 'The password of your {org} account was just changed and your other sessions were signed out.',
  'password-changed.warning': 'If this was not you, contact the owner of your organization at once.',

  'email-changed.subject': 'Your {org} email address was changed',
  'email-changed.body': 'The email address of your {org} account was changed to {newEmail}. Messages will go there from now on.',
  'email-changed.warning': 'If you did not expect this, contact the owner of your organization.',

  'two-factor-changed.subject': 'Two-factor sign-in changed on your {org} account',
  'two-factor-changed.body': 'On your {org} account: {changeText}.',
  'two-factor-changed.change': '{change, select, enabled {two-factor sign-in was turned on} disabled {two-factor sign-in was turned off} recoveryCodes {new recovery codes were made and the old ones no longer work} reset {the organization owner removed your two-factor device} other {your two-factor sign-in settings changed}}',
  'two-factor-changed.warning': 'If this was not you, contact the owner of your organization at once.',

  'ownership-transferred.subject': 'Ownership of {org} was transferred',
  'ownership-transferred.becameOwner': 'You are now the owner of {org}; {otherLogin} handed it over and is now an admin.',
  'ownership-transferred.handedOver': 'You handed ownership of {org} to {otherLogin}; you are now an admin.',
  'ownership-transferred.warning': 'If this is not what you expected, contact the new owner at once.',

  'new-device.subject': 'New sign-in to your {org} account',
  'new-device.body': 'Your {org} account was just signed in to from a browser it has not seen recently:',
  'new-device.details': 'When: {at}. Browser: {browser}. System: {os}. IP address: {ip}.',
  'new-device.advice': 'If this was you, there is nothing to do. If not, end that session on your sessions page and change your password at once.',
  'new-device.action': 'See my sessions',
  'new-device.unknownBrowser': 'an unknown browser',
  'new-device.unknownSystem': 'an unknown system',

  // ── Passkeys ──
  'passkey-changed.subject': 'The passkeys of your {org} account changed',
  'passkey-changed.body': '{changeText}',
  'passkey-changed.change': '{change, select, added {{by, select, owner {The organization owner added the passkey “{passkey}” to your account on {at}.} other {You added the passkey “{passkey}” to your account on {at}.}}} other {{by, select, owner {The organization owner removed the passkey “{passkey}” from your account on {at}.} other {You removed the passkey “{passkey}” from your account on {at}.}}}}',
  'passkey-changed.warning': 'If this was not you, contact the owner of your organization at once.',
  'passkey-counter-regression.subject': 'A passkey of your {org} account looks copied',
  'passkey-counter-regression.body': 'On {at}, the passkey “{passkey}” of your {org} account answered with a signature counter lower than before, which a copied key would do.',
  'passkey-counter-regression.refused': 'That sign-in was refused. If you did not try to sign in, remove this passkey and tell the owner of your organization.',
  'passkey-counter-regression.allowed': 'The sign-in was allowed because the passkey is synced; if it was not you, remove the passkey.',

  // ── Webhooks ──
  'webhook-disabled.subject': 'A webhook endpoint of {org} was disabled',
  'webhook-disabled.described': 'The webhook endpoint “{description}” at {url} was disabled: {reasonText}.',
  'webhook-disabled.body': 'The webhook endpoint at {url} was disabled: {reasonText}.',
  'webhook-disabled.reason': '{reason, select, gone {it answered 410 Gone} failing {every delivery to it has failed for 5 days} other {it kept failing}}',
  'webhook-disabled.next': 'Events are not queued for it while it is disabled. Fix the receiver, enable the endpoint again, and catch up with GET /v1/events (the same event ids).',
  'webhook-disabled.action': 'Open the webhook settings',

};

export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string>;
