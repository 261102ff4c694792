import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { cancelled, createPasskey, passkeysSupported, signalRemoved } from '../passkeys';
import { sentenceFor } from '../problems';
import { useSession } from '../session';
import type { Passkey } from '../types';
import { useT, type T } from '../i18n';
import { Alert, Field, Form, RecoveryCodes, Success, formatDate, useAction, useLoad } from '../ui';

/**
 * My account → Passkeys: the list (name, model, synced or this device only, created, last used),
 * Add a passkey, Rename and Remove. Adding and removing ask for the password or a code when the
 * sign-in is more than 5 minutes old.
 */
export function Passkeys() {
  const { t } = useT();
  const session = useSession();
  const list = useLoad(() => request<{ items: Passkey[] }>('GET', '/v1/me/passkeys').then((answer) => answer.body.items), []);
  const [confirming, setConfirming] = useState<{ kind: 'add' } | { kind: 'remove'; passkey: Passkey }>();
  const [codes, setCodes] = useState<string[]>();
  const [notice, setNotice] = useState<string>();
  const action = useAction();
  const me = session.me!;

  const changed = async () => {
    list.reload();
    await session.reload();
  };

  const add = (proof: Record<string, string> = {}) =>
    action.run(async () => {
      setNotice(undefined);
      try {
        const { body } = await request<{ options: Record<string, unknown> }>('POST', '/v1/me/passkeys/options', { body: proof });
        const response = await createPasskey(body.options);
        const { body: added } = await request<Passkey & { recoveryCodes?: string[] }>('POST', '/v1/me/passkeys', { body: { response } });
        setConfirming(undefined);
        setNotice(t('passkeys.added', { name: added.name }));
        if (added.recoveryCodes) setCodes(added.recoveryCodes);
        await changed();
      } catch (error) {
        if (error instanceof ApiError && error.code === 'reauthentication_required') return setConfirming({ kind: 'add' });
        if (cancelled(error)) return;
        throw error;
      }
    });

  const remove = (passkey: Passkey, proof: Record<string, string> = {}) =>
    action.run(async () => {
      setNotice(undefined);
      try {
        await request('DELETE', `/v1/me/passkeys/${passkey.id}`, { body: proof });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'reauthentication_required') return setConfirming({ kind: 'remove', passkey });
        throw error;
      }
      setConfirming(undefined);
      await signalRemoved(location.hostname, passkey.credentialId);
      setNotice(t('passkeys.removed', { name: passkey.name }));
      await changed();
    });

  const proofOf = (form: FormData): Record<string, string> => {
    const code = String(form.get('code') ?? '').trim();
    return code ? { code } : { password: String(form.get('password') ?? '') };
  };

  return (
    <section aria-labelledby="passkeys-title" id="passkeys">
      <h2 id="passkeys-title">{t('passkeys.title')}</h2>
      <p>{t('passkeys.intro')}</p>
      {notice ? <Success>{notice}</Success> : null}
      {codes ? (
        <div>
          <p>{t('passkeys.codes')}</p>
          <RecoveryCodes codes={codes} />
          <button type="button" onClick={() => setCodes(undefined)}>{t('passkeys.codesSaved')}</button>
        </div>
      ) : null}
      {list.error ? <Alert>{t('passkeys.loadFailed')}</Alert> : null}
      {list.data && list.data.length ? (
        <table class="cards">
          <caption class="visually-hidden">{t('passkeys.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.name')}</th>
              <th scope="col">{t('passkeys.col.kind')}</th>
              <th scope="col">{t('common.created')}</th>
              <th scope="col">{t('common.lastUsed')}</th>
              <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((passkey) => (
              <PasskeyRow key={passkey.id} passkey={passkey} onRenamed={list.reload} onRemove={() => void remove(passkey)} busy={action.busy} />
            ))}
          </tbody>
        </table>
      ) : list.data ? (
        <p>{t('passkeys.none')}</p>
      ) : null}
      {confirming ? (
        <Form
          label={t('passkeys.confirm.label')}
          busy={action.busy}
          error={action.error}
          submit={confirming.kind === 'add' ? t('passkeys.confirm.add') : t('passkeys.confirm.remove', { name: confirming.passkey.name })}
          codeFields={{ reauthentication_failed: 'password' }}
          onSubmit={(form) => (confirming.kind === 'add' ? add(proofOf(form)) : remove(confirming.passkey, proofOf(form)))}
        >
          <p>{t('passkeys.confirm.text', { minutes: 5, mfa: String(me.mfa.enabled) })}</p>
          <Field name="password" label={t('common.yourPassword')} type="password" autocomplete="current-password" />
          {me.mfa.enabled ? <Field name="code" label={t('passkeys.confirm.code')} autocomplete="one-time-code" /> : null}
        </Form>
      ) : (
        <>
          {action.error ? <Alert>{errorSentence(t, action.error)}</Alert> : null}
          <button type="button" class="primary" disabled={action.busy || !passkeysSupported()} onClick={() => void add()}>
            {t('passkeys.add')}
          </button>
          {!passkeysSupported() ? <p class="hint">{t('passkeys.unsupported')}</p> : null}
        </>
      )}
    </section>
  );
}

const errorSentence = (t: T, error: unknown) => {
  if (error instanceof ApiError) return sentenceFor(error);
  // excludeCredentials: this authenticator already holds one of the user's passkeys.
  if (error instanceof Error && error.name === 'InvalidStateError') return t('passkeys.error.exists');
  return t('passkeys.error.browser');
};

function PasskeyRow(props: { passkey: Passkey; onRenamed: () => void; onRemove: () => void; busy: boolean }) {
  const { t } = useT();
  const { passkey } = props;
  const [renaming, setRenaming] = useState(false);
  const action = useAction();
  const model = passkey.authenticator?.name;
  return (
    <tr>
      <td data-label={t('common.name')}>
        {renaming ? (
          <Form
            label={t('passkeys.rename.label', { name: passkey.name })}
            busy={action.busy}
            error={action.error}
            submit={t('passkeys.rename.save')}
            onSubmit={(form) =>
              action.run(async () => {
                await request('PATCH', `/v1/me/passkeys/${passkey.id}`, { body: { name: String(form.get('name')) } });
                setRenaming(false);
                props.onRenamed();
              })
            }
          >
            <Field name="name" label={t('common.name')} required maxLength={64} defaultValue={passkey.name} />
          </Form>
        ) : (
          <>
            <strong>{passkey.name}</strong>
            {model && model !== passkey.name ? <span class="hint"> · {model}</span> : null}
          </>
        )}
      </td>
      <td data-label={t('passkeys.col.kind')}>{t('passkeys.kind', { synced: String(passkey.deviceType === 'multiDevice') })}</td>
      <td data-label={t('common.created')}>{formatDate(passkey.createdAt)}</td>
      <td data-label={t('common.lastUsed')}>{formatDate(passkey.lastUsedAt)}</td>
      <td>
        {renaming ? null : (
          <>
            <button type="button" onClick={() => setRenaming(true)} aria-label={t('passkeys.rename.label', { name: passkey.name })}>{t('passkeys.rename')}</button>{' '}
            <button type="button" class="danger" disabled={props.busy} onClick={props.onRemove} aria-label={t('passkeys.remove.label', { name: passkey.name })}>{t('passkeys.remove')}</button>
          </>
        )}
      </td>
    </tr>
  );
}

/** A user's page, for root (who may remove them) and admins (who only see them). */
export function UserPasskeys(props: { userId: string; canRemove: boolean }) {
  const { t } = useT();
  const base = `/v1/users/${props.userId}/passkeys`;
  const list = useLoad(() => request<{ items: Passkey[] }>('GET', base).then((answer) => answer.body.items), [props.userId]);
  const action = useAction();
  return (
    <section aria-labelledby="user-passkeys-title">
      <h2 id="user-passkeys-title">{t('passkeys.title')}</h2>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      {list.data && list.data.length ? (
        <ul>
          {list.data.map((passkey) => (
            <li key={passkey.id}>
              <strong>{passkey.name}</strong>{' '}
              {t('passkeys.user.facts', { synced: String(passkey.deviceType === 'multiDevice'), created: formatDate(passkey.createdAt), lastUsed: formatDate(passkey.lastUsedAt) })}
              {props.canRemove ? (
                <>
                  {' '}
                  <button
                    type="button"
                    class="danger"
                    disabled={action.busy}
                    aria-label={t('passkeys.user.remove', { name: passkey.name })}
                    onClick={() => void action.run(async () => {
                      await request('DELETE', `${base}/${passkey.id}`);
                      list.reload();
                    })}
                  >
                    {t('passkeys.remove')}
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : list.data ? (
        <p>{t('passkeys.user.none')}</p>
      ) : null}
    </section>
  );
}
