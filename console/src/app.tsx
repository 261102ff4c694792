import type { ComponentChildren } from 'preact';
import { nextPath } from './next';
import { useEffect } from 'preact/hooks';
import { Link, match, navigate, useLocation } from './router';
import { useSession } from './session';
import type { User } from './types';
import { Page } from './ui';
import { Account } from './pages/account';
import { Activate, ForgotPassword, Login, ResetPassword, SignUp, VerifyEmail } from './pages/auth';
import { SsoComplete, SsoSignIn } from './pages/sso';
import { SettingsLayout, firstSection, settingsRoutes } from './settings';
import { LanguageSwitcher, useT, useUserLocale, type ConsoleKey } from './i18n';
import { request } from './api';

interface RouteEntry {
  path: string;
  /** Signed-in pages, and who may see them; pages without `allow` are public. */
  allow?: (me?: User) => boolean;
  render: (params: Record<string, string>) => ComponentChildren;
  /** An old address that moved: answered with a replace, so links in old emails keep working. */
  redirect?: (params: Record<string, string>, me?: User) => string;
}

const everyone = () => true;

/** Addresses from before the settings area, kept working. */
const MOVED: Array<[string, (params: Record<string, string>) => string]> = [
  ['/organization', () => '/settings/organization'],
  ['/users', () => '/settings/users'],
  ['/users/import', () => '/settings/users/import'],
  ['/users/:id', ({ id }) => `/settings/users/${encodeURIComponent(id!)}`],
  ['/billing', () => '/settings/billing'],
  ['/invoices', () => '/settings/invoices'],
  ['/audit', () => '/settings/audit'],
];

export const ROUTES: RouteEntry[] = [
  // The front door only redirects: to the account when signed in, to the login otherwise.
  { path: '/', render: () => null },
  { path: '/login', render: () => <Login /> },
  { path: '/signup', render: () => <SignUp /> },
  { path: '/forgot-password', render: () => <ForgotPassword /> },
  { path: '/activate', render: () => <Activate /> },
  { path: '/reset-password', render: () => <ResetPassword /> },
  { path: '/verify-email', render: () => <VerifyEmail /> },
  { path: '/account', allow: everyone, render: () => <Account /> },
  { path: '/sso', render: () => <SsoSignIn /> },
  { path: '/sso/complete', render: () => <SsoComplete /> },
  { path: '/settings', allow: everyone, render: () => null, redirect: (_, me) => firstSection(me) },
  // The settings sections live in settings.tsx, one line each.
  ...settingsRoutes(),
  ...MOVED.map(([path, to]): RouteEntry => ({ path, allow: everyone, render: () => null, redirect: to })),
];

/**
 * The signed-in pages' addresses, for the browser layout test to visit every one (data-driven,
 * so a page added later is covered without touching the test).
 */
(window as unknown as { gatehouseRoutes?: () => Array<{ path: string; signedIn: boolean }> }).gatehouseRoutes = () =>
  ROUTES.filter((route) => !route.redirect).map((route) => ({ path: route.path, signedIn: Boolean(route.allow) }));

/** The menu shows a role only what it may open; the API refuses the rest anyway. */
const MENU: Array<[string, ConsoleKey, (me?: User) => boolean]> = [
  ['/account', 'menu.account', everyone],
  ['/settings', 'menu.settings', everyone],
];

export function App() {
  const session = useSession();
  const { path } = useLocation();
  const { t } = useT();
  const found = ROUTES.map((route) => ({ route, params: match(route.path, path) })).find((entry) => entry.params);
  const needsSession = !found || found.route.allow;
  useUserLocale(session.me?.locale);

  useEffect(() => {
    if (session.state !== 'anonymous') return;
    if (path === '/') navigate('/login', { replace: true });
    // The fragment travels too (the new-device email links to /account#sessions); fragments that
    // carry an emailed token belong to public pages and never reach here, but are dropped anyway.
    else if (needsSession && found) {
      const fragment = /token=/.test(location.hash) ? '' : location.hash;
      navigate(`/login?next=${encodeURIComponent(path + location.search + fragment)}`, { replace: true });
    }
  }, [session.state, path]);
  useEffect(() => {
    // `/login?request=` is an app's sign-in (OpenID Connect): a signed-in browser completes it there.
    // The address as it is now, not as rendered: the login's own move to `next` may have run since.
    const here = location.pathname;
    const query = new URLSearchParams(location.search);
    const appSignIn = here === '/login' && query.has('request');
    if (session.state === 'signed-in' && !appSignIn && (here === '/' || here === '/login' || here === '/signup')) {
      navigate(here === '/login' ? nextPath(query) : '/account', { replace: true });
    }
  }, [session.state, path]);

  useEffect(() => {
    if (session.state !== 'signed-in' || !found?.route.redirect) return;
    navigate(found.route.redirect(found.params!, session.me) + location.search + location.hash, { replace: true });
  }, [session.state, path]);

  let content: ComponentChildren;
  if (session.state === 'loading') content = <p aria-busy="true">{t('common.loading')}</p>;
  else if (!found) content = <Page title={t('app.notFound')}><p><Link href="/account">{t('app.goToAccount')}</Link></p></Page>;
  else if (found.route.allow && session.state !== 'signed-in') content = null;
  else if (found.route.allow && !found.route.allow(session.me)) content = <Page title={t('app.notAvailable')}><p>{t('app.noAccess')}</p></Page>;
  else content = found.route.render(found.params!);
  if (found && path.startsWith('/settings/') && session.state === 'signed-in') content = <SettingsLayout me={session.me}>{content}</SettingsLayout>;

  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">Gatehouse{session.org ? <span class="org"> · {session.org.name}</span> : null}</span>
        {session.state === 'signed-in' ? (
          <>
            <nav aria-label={t('app.mainNav')}>
              <ul>
                {MENU.filter(([, , allow]) => allow(session.me)).map(([href, label]) => (
                  <li key={href}>
                    <Link href={href} aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}>
                      {t(label)}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            <span class="who">
              {t('app.who', { login: session.me?.login, role: session.me?.role })}
            </span>
            <button
              type="button"
              onClick={async () => {
                await session.end();
                navigate('/login', { replace: true });
              }}
            >
              {t('app.logout')}
            </button>
          </>
        ) : null}
      </header>
      <main id="main">{content}</main>
      {/* After the page in the tab order, so the skip link still leads straight to the form. */}
      <footer class="bottom">
        <LanguageSwitcher
          onPick={(locale) => {
            // Signed in, the pick is the user's own locale (PATCH /v1/me), so emails and the next
            // sign-in on any browser follow it; the fresh user keeps useUserLocale in step.
            if (session.state !== 'signed-in') return;
            void request<User>('PATCH', '/v1/me', { body: { locale } }).then(({ body }) => session.adopt({ me: body }), () => undefined);
          }}
        />
      </footer>
    </>
  );
}
