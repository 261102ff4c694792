import { useEffect, useState } from 'preact/hooks';
import type * as z from 'zod';
import type * as schemas from '../../../shared/http/responses';
import { get, request } from '../api';
import { sentenceFor } from '../problems';
import { useSession } from '../session';
import type { User } from '../types';
import { useT, type T } from '../i18n';
import { Alert, Field, Form, Success, formatDate, useAction, useLoad } from '../ui';

/**
 * Sessions and devices (PRODUCT.md): a person's own sessions on My account, a user's for the
 * owner on the user's page, and the owner's "sign everyone out" on the organization page.
 */
type SessionItem = z.output<typeof schemas.Session>;
type SessionList = z.output<typeof schemas.SessionList>;
type Ended = z.output<typeof schemas.EndedSessions>;
type EndedOrg = z.output<typeof schemas.EndedOrgSessions>;

const device = (t: T, session: SessionItem) =>
  t('sessions.device', { browser: session.browser ?? t('sessions.unknownBrowser'), os: session.os ?? t('sessions.unknownOs') });
const clientName = (t: T, client: string | null) => (client === 'console' ? t('sessions.client.console') : client === 'api' ? t('sessions.client.api') : client ?? '—');

function SessionTable(props: { items: SessionItem[]; caption: string; onEnd?: (session: SessionItem) => void; busy?: boolean }) {
  const { t } = useT();
  return (
    <table data-testid="sessions" class="cards">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('sessions.col.device')}</th>
          <th scope="col">{t('sessions.col.ip')}</th>
          <th scope="col">{t('sessions.col.client')}</th>
          <th scope="col">{t('sessions.col.created')}</th>
          <th scope="col">{t('sessions.col.lastUsed')}</th>
          <th scope="col">{t('sessions.col.mfa')}</th>
          {props.onEnd ? <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th> : null}
        </tr>
      </thead>
      <tbody>
        {props.items.map((session) => (
          <tr key={session.id} data-session={session.id}>
            <td data-label={t('sessions.col.device')}>
              <span title={session.userAgent ?? undefined}>{device(t, session)}</span>
              {session.current ? <> <span class="badge active">{t('sessions.current')}</span></> : null}
            </td>
            <td data-label={t('sessions.col.ip')}>{session.ip ?? '—'}</td>
            <td data-label={t('sessions.col.client')}>{clientName(t, session.client)}</td>
            <td data-label={t('sessions.col.created')}>{formatDate(session.createdAt)}</td>
            <td data-label={t('sessions.col.lastUsed')}>{formatDate(session.lastUsedAt)}</td>
            <td data-label={t('sessions.col.mfa')}>{session.mfa === null ? '—' : t('common.yesNo', { value: String(session.mfa) })}</td>
            {props.onEnd ? (
              <td>
                {session.current ? null : (
                  <button type="button" class="danger small" disabled={props.busy} aria-label={t('sessions.endOne.label', { device: device(t, session), at: formatDate(session.createdAt) })} onClick={() => props.onEnd!(session)}>
                    {t('sessions.endOne')}
                  </button>
                )}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The password or a code again (ASVS 7.5.2), before any session ends. */
function FactorFields(props: { me: User }) {
  const { t } = useT();
  return (
    <>
      <Field name="password" label={t('common.yourPassword')} type="password" autocomplete="current-password" required={!props.me.mfa.enabled} />
      {props.me.mfa.enabled ? (
        <Field name="code" label={t('sessions.orCode')} autocomplete="one-time-code" hint={t('sessions.eitherOne')} />
      ) : null}
    </>
  );
}

const factorOf = (form: FormData) => {
  const password = String(form.get('password') ?? '');
  const code = String(form.get('code') ?? '').trim();
  return { ...(password ? { password } : {}), ...(code ? { code } : {}) };
};

/** My account → Sessions: every sign-in, this one marked; end one, or all the others. */
export function MySessions() {
  const { t } = useT();
  const me = useSession().me!;
  const list = useLoad(() => get<SessionList>('/v1/me/sessions'), []);
  const action = useAction();
  const [target, setTarget] = useState<{ sessions: 'others' | string[]; device?: string }>();
  const [notice, setNotice] = useState<string>();
  const others = list.data?.items.filter((session) => !session.current) ?? [];
  // The new-browser email links here (`/account#sessions`); the section exists once the list is in.
  const loaded = Boolean(list.data);
  useEffect(() => {
    if (loaded && location.hash === '#sessions') document.getElementById('sessions')?.scrollIntoView();
  }, [loaded]);
  return (
    <section aria-labelledby="sessions-title" id="sessions">
      <h2 id="sessions-title">{t('sessions.title')}</h2>
      <p>{t('sessions.intro')}</p>
      {notice ? <Success>{notice}</Success> : null}
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data ? (
        <SessionTable
          items={list.data.items}
          caption={t('sessions.caption')}
          busy={action.busy}
          onEnd={(session) => {
            setNotice(undefined);
            setTarget({ sessions: [session.id], device: device(t, session) });
          }}
        />
      ) : null}
      {others.length && !target ? (
        <button type="button" class="danger" onClick={() => { setNotice(undefined); setTarget({ sessions: 'others' }); }}>
          {t('sessions.endOthers')}
        </button>
      ) : null}
      {target ? (
        <Form
          label={t('sessions.confirm.label')}
          danger
          busy={action.busy}
          error={action.error}
          submit={target.sessions === 'others' ? t('sessions.endOthers') : t('sessions.endThis')}
          codeFields={{ reauthentication_failed: 'password' }}
          onSubmit={(form) =>
            action.run(async () => {
              const { body } = await request<Ended>('POST', '/v1/me/sessions/end', { body: { sessions: target.sessions, ...factorOf(form) } });
              setTarget(undefined);
              setNotice(t('sessions.ended', { count: body.ended }));
              list.reload();
            })
          }
        >
          <p>
            {target.device ? t('sessions.confirm.one', { device: target.device }) : t('sessions.confirm.others')}{' '}
            <button type="button" class="small" onClick={() => { action.setError(undefined); setTarget(undefined); }}>
              {t('common.cancel')}
            </button>
          </p>
          <FactorFields me={me} />
        </Form>
      ) : null}
    </section>
  );
}

/** On a user's page, for the owner: that user's sessions and "sign out everywhere". */
export function UserSessions(props: { user: User }) {
  const { me } = useSession();
  if (me?.role !== 'root' || me.id === props.user.id || props.user.type !== 'human') return null;
  return <OwnerView user={props.user} />;
}

function OwnerView(props: { user: User }) {
  const { t } = useT();
  const path = `/v1/users/${encodeURIComponent(props.user.id)}/sessions`;
  const list = useLoad(() => get<SessionList>(path), [path]);
  const action = useAction();
  const [notice, setNotice] = useState<string>();
  return (
    <section aria-labelledby="user-sessions-title" id="sessions">
      <h2 id="user-sessions-title">{t('sessions.title')}</h2>
      {notice ? <Success>{notice}</Success> : null}
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data && list.data.items.length === 0 ? <p>{t('sessions.user.none', { login: props.user.login })}</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <SessionTable items={list.data.items} caption={t('sessions.user.caption', { login: props.user.login })} />
          <details>
            <summary>{t('sessions.user.signOutSummary', { login: props.user.login })}</summary>
            <Form
              label={t('sessions.user.signOut')}
              danger
              busy={action.busy}
              error={action.error}
              submit={t('sessions.user.signOut')}
              onSubmit={() =>
                action.run(async () => {
                  await request('DELETE', path);
                  setNotice(t('sessions.user.signedOut', { login: props.user.login }));
                  list.reload();
                })
              }
            >
              <p>{t('sessions.user.signOutText', { login: props.user.login })}</p>
            </Form>
          </details>
        </>
      ) : null}
    </section>
  );
}

/** On the organization page, for the owner: everyone but this session signed out, after the password. */
export function SignEveryoneOut() {
  const { t } = useT();
  const { me } = useSession();
  const action = useAction();
  const [done, setDone] = useState<EndedOrg>();
  if (me?.role !== 'root') return null;
  return (
    <section aria-labelledby="org-sessions-title" class="danger-zone">
      <h2 id="org-sessions-title">{t('sessions.org.title')}</h2>
      {done ? <Success>{t('sessions.org.done', { sessions: done.ended, users: done.users })}</Success> : null}
      <details>
        <summary>{t('sessions.org.summary')}</summary>
        <Form
          key={done ? 'done' : 'ask'}
          label={t('sessions.org.title')}
          danger
          busy={action.busy}
          error={action.error}
          submit={t('sessions.org.title')}
          codeFields={{ reauthentication_failed: 'password' }}
          onSubmit={(form) =>
            action.run(async () => {
              const code = String(form.get('code') ?? '').trim();
              const { body } = await request<EndedOrg>('POST', '/v1/org/sessions/end', {
                body: { password: String(form.get('password')), ...(code ? { code } : {}) },
              });
              setDone(body);
            })
          }
        >
          <p>{t('sessions.org.text')}</p>
          <Field name="password" label={t('common.yourPassword')} type="password" required autocomplete="current-password" />
          {me.mfa.enabled ? <Field name="code" label={t('sessions.org.code')} autocomplete="one-time-code" required /> : null}
        </Form>
      </details>
    </section>
  );
}
