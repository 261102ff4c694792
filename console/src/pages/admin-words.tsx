import type { ConsoleKey, Locale, T } from '../i18n';
import type { Role, Status } from '../types';

/**
 * What the administration pages share: role and status names, the email-delivery sentence, and
 * dates, numbers and amounts in the active language (Intl, never the browser's own default).
 * Keys are written out whole so the catalog test finds each one used.
 */
export const ROLE_KEYS: Record<Role, ConsoleKey> = { root: 'admin.role.root', admin: 'admin.role.admin', developer: 'admin.role.developer' };
export const STATUS_KEYS: Record<Status, ConsoleKey> = { pending: 'admin.status.pending', active: 'admin.status.active', deactivated: 'admin.status.deactivated' };

export const roleName = (t: T, role: string) => (role in ROLE_KEYS ? t(ROLE_KEYS[role as Role]) : role);
export const statusName = (t: T, status: string) => (status in STATUS_KEYS ? t(STATUS_KEYS[status as Status]) : status);

const DELIVERY_KEYS: Record<'sent' | 'failed' | 'none' | 'suppressed', ConsoleKey> = {
  sent: 'admin.delivery.sent',
  failed: 'admin.delivery.failed',
  suppressed: 'admin.delivery.suppressed',
  none: 'admin.delivery.none',
};
export const describeDelivery = (t: T, delivery: 'sent' | 'failed' | 'none' | 'suppressed') => t(DELIVERY_KEYS[delivery]);

/** A date and time in the console's language; `—` when there is none. */
export const formatWhen = (locale: Locale, iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) : '—';

/** A calendar day (`YYYY-MM-DD`, as invoices carry them) in the console's language, read as UTC so it never shifts a day. */
export const formatDay = (locale: Locale, day: string) => {
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : date.toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' });
};

/** An amount in hundredths of its currency (cents), in the console's language. */
export const formatMoney = (locale: Locale, minor: number, currency: string) => {
  try {
    // The API keeps every amount in hundredths of its currency.
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${new Intl.NumberFormat(locale).format(minor / 100)} ${currency}`;
  }
};
