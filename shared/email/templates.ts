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
