import { config } from '../config';

export type { Email } from './render';
import type { Email } from './render';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/**
 * Links point at APP_URL only, never at a request's Host header. The token rides in the fragment,
 * which browsers never send: it stays out of CDN and server logs and out of Referer headers.
 */
export const appLink = (path: string, token: string) => `${config().APP_URL}${path}#token=${encodeURIComponent(token)}`;

/**
 * Legacy English layout, kept only so an email type written before the catalogs (a branch in
 * flight) still compiles; every email Gatehouse sends goes through shared/email/compose.ts.
 * Converting one is: its entry in types.ts and its messages in catalog/*.ts.
 */
export function layout(kind: string, subject: string, paragraphs: string[], action?: { label: string; url: string }): Email {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), '— Gatehouse'].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:560px">',
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    action ? `<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>` : '',
    '<p style="color:#666">— Gatehouse</p></body></html>',
  ].join('');
  return { kind, subject, text, html };
}

export const verifyEmailMessage = (name: string, orgName: string, url: string) =>
  layout('verify-email', `Verify your email address for ${orgName}`, [
    `Hello ${name},`,
    `Please confirm that this is your email address for ${orgName}. The link works once and expires in 7 days.`,
  ], { label: 'Verify my email address', url });

export const passwordChangedMessage = (name: string, orgName: string) =>
  layout('password-changed', `Your ${orgName} password was changed`, [
    `Hello ${name},`,
    `The password of your ${orgName} account was just changed and your other sessions were signed out.`,
    'If this was not you, contact the owner of your organization at once.',
  ]);

/**
 * Every email that leads to a sign-in names the organization's sign-in address (its slug),
 * which is what the login form asks for; the display name alone is refused there.
 */
const signInWith = (slug: string, login: string) =>
  `To sign in, enter the organization "${slug}" (your organization's sign-in address) and the login "${login}".`;

export const invitationLinkMessage = (name: string, orgName: string, login: string, url: string, slug: string) =>
  layout('invitation', `You are invited to ${orgName}`, [
    `Hello ${name},`,
    `You have been invited to ${orgName}. Choose your password with the link below; it works once and expires in 7 days.`,
    signInWith(slug, login),
  ], { label: 'Activate my account', url });

export const invitationPasswordMessage = (name: string, orgName: string, login: string, temporaryPassword: string, loginUrl: string, slug: string) =>
  layout('invitation-password', `You are invited to ${orgName}`, [
    `Hello ${name},`,
    `You have been invited to ${orgName}. ${signInWith(slug, login)} Your temporary password is:`,
    temporaryPassword,
    'You will choose your own password when you first log in.',
  ], { label: 'Log in', url: loginUrl });

export const passwordResetMessage = (name: string, orgName: string, url: string, slug: string, login: string) =>
  layout('password-reset', `Reset your ${orgName} password`, [
    `Hello ${name},`,
    'Someone asked to reset the password of your account. If it was you, use the link below; it works once and expires in one hour. Using it signs you out everywhere.',
    signInWith(slug, login),
    'If it was not you, ignore this email: your password stays as it is.',
  ], { label: 'Choose a new password', url });

export const emailChangedMessage = (name: string, orgName: string, newEmail: string) =>
  layout('email-changed', `Your ${orgName} email address was changed`, [
    `Hello ${name},`,
    `The email address of your ${orgName} account was changed to ${newEmail}. Messages will go there from now on.`,
    'If you did not expect this, contact the owner of your organization.',
  ]);

export const twoFactorChangedMessage = (name: string, orgName: string, change: string) =>
  layout('two-factor-changed', `Two-factor sign-in changed on your ${orgName} account`, [
    `Hello ${name},`,
    `On your ${orgName} account: ${change}.`,
    'If this was not you, contact the owner of your organization at once.',
  ]);

/** A passkey was added to or removed from the account (by the user or by the owner). */
export const passkeyChangedMessage = (name: string, orgName: string, change: { what: 'added' | 'removed'; passkey: string; at: Date; by: string }) =>
  layout(`passkey-${change.what}`, `A passkey was ${change.what} ${change.what === 'added' ? 'to' : 'from'} your ${orgName} account`, [
    `Hello ${name},`,
    `The passkey "${change.passkey}" was ${change.what} ${change.what === 'added' ? 'to' : 'from'} your ${orgName} account on ${utcTime(change.at)} by ${change.by}.`,
    'If this was not you, contact the owner of your organization at once.',
  ]);

/** A device-bound passkey presented a signature counter that went backwards: it may have been copied. */
export const passkeyCounterMessage = (name: string, orgName: string, passkey: string, refused: boolean) =>
  layout('passkey-counter-regression', `A passkey of your ${orgName} account looks copied`, [
    `Hello ${name},`,
    `The passkey "${passkey}" of your ${orgName} account answered with a signature counter lower than before, which a copied key would do.`,
    refused ? 'That sign-in was refused. If you did not try to sign in, remove this passkey and tell the owner of your organization.' : 'The sign-in was allowed because the passkey is synced; if it was not you, remove the passkey.',
  ]);

export const ownershipMessage = (name: string, orgName: string, becameRoot: boolean, otherLogin: string) =>
  layout('ownership-transferred', `Ownership of ${orgName} was transferred`, [
    `Hello ${name},`,
    becameRoot
      ? `You are now the owner of ${orgName}; ${otherLogin} handed it over and is now an admin.`
      : `You handed ownership of ${orgName} to ${otherLogin}; you are now an admin.`,
    'If this is not what you expected, contact the new owner at once.',
  ]);

/** Time as people read it in an email, unambiguous whatever their zone: `1 December 2026, 17:45 UTC`. */
const utcTime = (at: Date) =>
  `${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}, ${at.toISOString().slice(11, 16)} UTC`;

export const newDeviceMessage = (
  name: string,
  orgName: string,
  sign: { at: Date; browser: string; os: string; ip: string; url: string },
) =>
  layout('new-device', `New sign-in to your ${orgName} account`, [
    `Hello ${name},`,
    `Your ${orgName} account was just signed in to from a browser it has not seen recently:`,
    `When: ${utcTime(sign.at)}. Browser: ${sign.browser}. System: ${sign.os}. IP address: ${sign.ip}.`,
    'If this was you, there is nothing to do. If not, end that session on your sessions page and change your password at once.',
  ], { label: 'See your sessions', url: sign.url });

export const webhookDisabledMessage = (name: string, orgName: string, description: string | null, url: string, reason: 'gone' | 'failing', pageUrl: string) =>
  layout('webhook-disabled', `A webhook endpoint of ${orgName} was disabled`, [
    `Hello ${name},`,
    `The webhook endpoint ${description ? `"${description}" ` : ''}at ${url} was disabled: ${reason === 'gone' ? 'it answered 410 Gone' : 'every delivery to it has failed for 5 days'}.`,
    'Events are not queued for it while it is disabled. Fix the receiver, enable the endpoint again, and catch up with GET /v1/events (the same event ids).',
  ], { label: 'Open the webhook settings', url: pageUrl });
