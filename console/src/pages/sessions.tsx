import { useEffect, useState } from 'preact/hooks';
import type * as z from 'zod';
import type * as schemas from '../../../shared/http/responses';
import { get, request } from '../api';
import { sentenceFor } from '../problems';
import { useSession } from '../session';
import type { User } from '../types';
import { Alert, Field, Form, Success, formatDate, useAction, useLoad } from '../ui';

/**
 * Sessions and devices (PRODUCT.md): a person's own sessions on My account, a user's for the
 * owner on the user's page, and the owner's "sign everyone out" on the organization page.
 */
type SessionItem = z.output<typeof schemas.Session>;
type SessionList = z.output<typeof schemas.SessionList>;
type Ended = z.output<typeof schemas.EndedSessions>;
type EndedOrg = z.output<typeof schemas.EndedOrgSessions>;

const device = (session: SessionItem) => `${session.browser ?? 'Unknown browser'} on ${session.os ?? 'an unknown system'}`;
const clientName = (client: string | null) => (client === 'console' ? 'Console' : client === 'api' ? 'API' : client ?? '—');
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function SessionTable(props: { items: SessionItem[]; caption: string; onEnd?: (session: SessionItem) => void; busy?: boolean }) {
  return (
    <table data-testid="sessions" class="cards">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">IP address</th>
          <th scope="col">Through</th>
          <th scope="col">Signed in</th>
          <th scope="col">Last used</th>
          <th scope="col">Two-factor</th>
          {props.onEnd ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
        </tr>
      </thead>
      <tbody>
        {props.items.map((session) => (
          <tr key={session.id} data-session={session.id}>
            <td data-label="Device">
              <span title={session.userAgent ?? undefined}>{device(session)}</span>
              {session.current ? <> <span class="badge active">This session</span></> : null}
            </td>
            <td data-label="IP address">{session.ip ?? '—'}</td>
            <td data-label="Through">{clientName(session.client)}</td>
            <td data-label="Signed in">{formatDate(session.createdAt)}</td>
            <td data-label="Last used">{formatDate(session.lastUsedAt)}</td>
            <td data-label="Two-factor">{session.mfa === null ? '—' : session.mfa ? 'yes' : 'no'}</td>
            {props.onEnd ? (
              <td>
                {session.current ? null : (
                  <button type="button" class="danger small" disabled={props.busy} aria-label={`End the session of ${device(session)}, signed in ${formatDate(session.createdAt)}`} onClick={() => props.onEnd!(session)}>
                    End
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
  return (
    <>
      <Field name="password" label="Your password" type="password" autocomplete="current-password" required={!props.me.mfa.enabled} />
      {props.me.mfa.enabled ? (
        <Field name="code" label="Or a code from your authenticator app" autocomplete="one-time-code" hint="Either one is enough." />
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
  const me = useSession().me!;
  const list = useLoad(() => get<SessionList>('/v1/me/sessions'), []);
  const action = useAction();
  const [target, setTarget] = useState<{ sessions: 'others' | string[]; what: string }>();
  const [notice, setNotice] = useState<string>();
  const others = list.data?.items.filter((session) => !session.current) ?? [];
  // The new-browser email links here (`/account#sessions`); the section exists once the list is in.
  const loaded = Boolean(list.data);
  useEffect(() => {
    if (loaded && location.hash === '#sessions') document.getElementById('sessions')?.scrollIntoView();
  }, [loaded]);
  return (
    <section aria-labelledby="sessions-title" id="sessions">
      <h2 id="sessions-title">Sessions</h2>
      <p>Where you are signed in. End any session you do not recognise, then change your password.</p>
      {notice ? <Success>{notice}</Success> : null}
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data ? (
        <SessionTable
          items={list.data.items}
          caption="Your sessions"
          busy={action.busy}
          onEnd={(session) => {
            setNotice(undefined);
            setTarget({ sessions: [session.id], what: `the session of ${device(session)}` });
          }}
        />
      ) : null}
      {others.length && !target ? (
        <button type="button" class="danger" onClick={() => { setNotice(undefined); setTarget({ sessions: 'others', what: 'every other session' }); }}>
          End all other sessions
        </button>
      ) : null}
      {target ? (
        <Form
          label="Confirm ending sessions"
          danger
          busy={action.busy}
          error={action.error}
          submit={target.sessions === 'others' ? 'End all other sessions' : 'End this session'}
          codeFields={{ reauthentication_failed: 'password' }}
          onSubmit={(form) =>
            action.run(async () => {
              const { body } = await request<Ended>('POST', '/v1/me/sessions/end', { body: { sessions: target.sessions, ...factorOf(form) } });
              setTarget(undefined);
              setNotice(`${plural(body.ended, 'session')} ended.`);
              list.reload();
            })
          }
        >
          <p>
            To end {target.what}, confirm it is you.{' '}
            <button type="button" class="small" onClick={() => { action.setError(undefined); setTarget(undefined); }}>
              Cancel
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
  const path = `/v1/users/${encodeURIComponent(props.user.id)}/sessions`;
  const list = useLoad(() => get<SessionList>(path), [path]);
  const action = useAction();
  const [notice, setNotice] = useState<string>();
  return (
    <section aria-labelledby="user-sessions-title" id="sessions">
      <h2 id="user-sessions-title">Sessions</h2>
      {notice ? <Success>{notice}</Success> : null}
      {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
      {list.data && list.data.items.length === 0 ? <p>{props.user.login} is not signed in anywhere.</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <SessionTable items={list.data.items} caption={`Sessions of ${props.user.login}`} />
          <details>
            <summary>Sign {props.user.login} out everywhere</summary>
            <Form
              label="Sign out everywhere"
              danger
              busy={action.busy}
              error={action.error}
              submit="Sign out everywhere"
              onSubmit={() =>
                action.run(async () => {
                  await request('DELETE', path);
                  setNotice(`${props.user.login} was signed out everywhere.`);
                  list.reload();
                })
              }
            >
              <p>Every session of {props.user.login} ends now; their apps ask them to sign in again.</p>
            </Form>
          </details>
        </>
      ) : null}
    </section>
  );
}

/** On the organization page, for the owner: everyone but this session signed out, after the password. */
export function SignEveryoneOut() {
  const { me } = useSession();
  const action = useAction();
  const [done, setDone] = useState<EndedOrg>();
  if (me?.role !== 'root') return null;
  return (
    <section aria-labelledby="org-sessions-title" class="danger-zone">
      <h2 id="org-sessions-title">Sign everyone out</h2>
      {done ? <Success>{`${plural(done.ended, 'session')} of ${plural(done.users, 'user')} ended. Only this session is still signed in.`}</Success> : null}
      <details>
        <summary>Sign everyone in the organization out</summary>
        <Form
          key={done ? 'done' : 'ask'}
          label="Sign everyone out"
          danger
          busy={action.busy}
          error={action.error}
          submit="Sign everyone out"
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
          <p>
            After an incident: every session of every user ends at once, yours on other devices too; only this one stays.
            Everyone has to sign in again. To confirm, enter your password.
          </p>
          <Field name="password" label="Your password" type="password" required autocomplete="current-password" />
          {me.mfa.enabled ? <Field name="code" label="Your two-factor code" autocomplete="one-time-code" required /> : null}
        </Form>
      </details>
    </section>
  );
}
