import { config } from '../config';

export interface Email {
  kind: string;
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** Links point at APP_URL only, never at a request's Host header. */
export const appLink = (path: string, token: string) => `${config().APP_URL}${path}?token=${encodeURIComponent(token)}`;

function layout(kind: string, subject: string, paragraphs: string[], action?: { label: string; url: string }): Email {
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
