import type { ComponentChildren } from 'preact';
import { Link, useLocation } from './router';
import { can } from './session';
import type { User } from './types';
import { useT, type ConsoleKey } from './i18n';
import { Audit } from './pages/audit';
import { Billing, Invoices } from './pages/billing';
import { Organization } from './pages/organization';
import { UserDetail } from './pages/user';
import { UserImport } from './pages/user-import';
import { Users } from './pages/users';
import { MfaPolicy } from './pages/settings/mfa-policy';
import { SsoSettings } from './pages/settings/sso';
import { Webhooks } from './pages/settings/webhooks';
import { Provisioning } from './pages/settings/provisioning';
import { BrandingSettings } from './pages/settings/branding';
import { EmailTemplatesSettings } from './pages/settings/email-templates';

/**
 * The settings area: one entry per section, and nothing else to edit to add one. The settings
 * navigation, the routes (app.tsx) and the browser layout test (test/e2e/layout.test.ts) all read
 * this list, so a section cannot exist in one and be missing from another.
 *
 * To add a section, write console/src/pages/settings/<id>.tsx exporting one component and add
 * one line below, e.g.
 *   { id: 'webhooks', label: 'Webhooks', path: '/settings/webhooks', allow: rootOnly, render: () => <Webhooks /> },
 * Its place in the navigation comes from ORDER (by id), not from where the line sits.
 */
export interface SettingsSection {
  /** Stable, also the last part of `path`; ORDER places it. */
  id: string;
  label: string;
  /** A heading the entry is listed under (e.g. 'Security'); absent: listed on its own. */
  group?: string;
  path: string;
  /** Who sees the section; the API refuses the rest anyway. */
  allow: (me?: User) => boolean;
  render: (params: Record<string, string>) => ComponentChildren;
  /** Pages under the section (`/settings/users/:id`); the section stays marked in the navigation. */
  children?: Array<{ path: string; allow?: (me?: User) => boolean; render: (params: Record<string, string>) => ComponentChildren }>;
}

const everyone = () => true;
const rootOnly = (me?: User) => me?.role === 'root';

export const SETTINGS: SettingsSection[] = [
  { id: 'organization', label: 'Organization', path: '/settings/organization', allow: everyone, render: () => <Organization /> },
  {
    id: 'users',
    label: 'Users',
    path: '/settings/users',
    allow: can.manageUsers,
    render: () => <Users />,
    children: [
      { path: '/settings/users/import', allow: rootOnly, render: () => <UserImport /> },
      { path: '/settings/users/:id', render: ({ id }) => <UserDetail id={id!} key={id} /> },
    ],
  },
  { id: 'mfa-policy', label: 'Two-factor policy', group: 'Security', path: '/settings/mfa-policy', allow: rootOnly, render: () => <MfaPolicy /> },
  { id: 'sso', label: 'Single sign-on', group: 'Security', path: '/settings/sso', allow: rootOnly, render: () => <SsoSettings /> },
  { id: 'provisioning', label: 'Provisioning', path: '/settings/provisioning', allow: can.audit, render: () => <Provisioning /> },
  { id: 'webhooks', label: 'Webhooks', path: '/settings/webhooks', allow: rootOnly, render: () => <Webhooks /> },
  { id: 'branding', label: 'Branding', path: '/settings/branding', allow: rootOnly, render: () => <BrandingSettings /> },
  { id: 'email-templates', label: 'Email templates', path: '/settings/email-templates', allow: rootOnly, render: () => <EmailTemplatesSettings /> },
  { id: 'billing', label: 'Billing', path: '/settings/billing', allow: can.billing, render: () => <Billing /> },
  { id: 'invoices', label: 'Invoices', path: '/settings/invoices', allow: can.invoices, render: () => <Invoices /> },
  { id: 'audit', label: 'Audit log', path: '/settings/audit', allow: can.audit, render: () => <Audit /> },
];

/** The navigation's order, by id; sections this list does not know go before Billing. */
const ORDER = [
  'organization', 'users', 'mfa-policy', 'two-factor', 'sso', 'passkeys', 'provisioning', 'scim', 'webhooks', 'branding',
  'email-templates', 'templates', 'billing', 'invoices', 'audit',
];
const GROUPS: Record<string, string> = { 'mfa-policy': 'Security', 'two-factor': 'Security', sso: 'Security', passkeys: 'Security' };
/** The navigation's words in the console's language, by section id and by group (English: `label`, `group`). */
const LABELS: Record<string, ConsoleKey> = {
  organization: 'settings.organization',
  users: 'settings.users',
  'mfa-policy': 'settings.mfaPolicy',
  sso: 'settings.sso',
  provisioning: 'settings.provisioning',
  webhooks: 'settings.webhooks',
  branding: 'settings.branding',
  'email-templates': 'settings.emailTemplates',
  billing: 'settings.billing',
  invoices: 'settings.invoices',
  audit: 'settings.audit',
};
const GROUP_LABELS: Record<string, ConsoleKey> = { Security: 'settings.group.security' };
const rank = (id: string) => {
  const index = ORDER.indexOf(id);
  return index >= 0 ? index : ORDER.indexOf('billing') - 0.5;
};

/** The sections a person may open, in navigation order. */
export const allowedSections = (me?: User): SettingsSection[] =>
  SETTINGS.filter((section) => section.allow(me)).sort((a, b) => rank(a.id) - rank(b.id));

/** The `/settings` routes, for app.tsx's route table. */
export const settingsRoutes = () =>
  SETTINGS.flatMap((section) => [
    { path: section.path, allow: section.allow, render: section.render },
    ...(section.children ?? []).map((child) => ({ path: child.path, allow: child.allow ?? section.allow, render: child.render })),
  ]);

/** Where `/settings` itself leads: the first section this person may open. */
export const firstSection = (me?: User) => allowedSections(me)[0]?.path ?? '/account';

/** The settings navigation beside (above, on a phone) every settings page. */
export function SettingsLayout(props: { me?: User; children: ComponentChildren }) {
  const { path } = useLocation();
  const { t } = useT();
  const label = (section: SettingsSection) => (LABELS[section.id] ? t(LABELS[section.id]!) : section.label);
  const groupLabel = (group: string) => (GROUP_LABELS[group] ? t(GROUP_LABELS[group]!) : group);
  const sections = allowedSections(props.me);
  const entries: Array<{ group?: string; items: SettingsSection[] }> = [];
  for (const section of sections) {
    const group = section.group ?? GROUPS[section.id];
    const last = entries.at(-1);
    if (group && last?.group === group) last.items.push(section);
    else entries.push({ group, items: [section] });
  }
  const link = (section: SettingsSection) => (
    <li key={section.id}>
      <Link href={section.path} aria-current={path === section.path || path.startsWith(`${section.path}/`) ? 'page' : undefined}>
        {label(section)}
      </Link>
    </li>
  );
  return (
    <div class="settings">
      <nav aria-label={t('settings.nav')} class="settings-nav">
        <ul>
          {entries.map((entry) =>
            entry.group ? (
              <li key={entry.group} class="settings-group">
                <span class="settings-group-label">{groupLabel(entry.group)}</span>
                <ul>{entry.items.map(link)}</ul>
              </li>
            ) : (
              entry.items.map(link)
            ),
          )}
        </ul>
      </nav>
      <div class="settings-content">{props.children}</div>
    </div>
  );
}
