import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { cancelled, createPasskey, passkeysSupported, signalRemoved } from '../passkeys';
import { sentenceFor } from '../problems';
import { useSession } from '../session';
import type { Passkey } from '../types';
import { Alert, Field, Form, RecoveryCodes, Success, formatDate, useAction, useLoad } from '../ui';

/**
 * My account → Passkeys: the list (name, model, synced or this device only, created, last used),
 * Add a passkey, Rename and Remove. Adding and removing ask for the password or a code when the
 * sign-in is more than 5 minutes old.
 */
export function Passkeys() {
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
        setNotice(`Passkey “${added.name}” added.`);
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
      setNotice(`Passkey “${passkey.name}” removed.`);
      await changed();
    });

  const proofOf = (form: FormData): Record<string, string> => {
    const code = String(form.get('code') ?? '').trim();
    return code ? { code } : { password: String(form.get('password') ?? '') };
  };

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p>Sign in with your fingerprint, face or device PIN instead of a password, or use a passkey as your second factor. Gatehouse keeps only the public half.</p>
      {notice ? <Success>{notice}</Success> : null}
      {codes ? (
        <div>
          <p>Two-factor authentication is on. Save these recovery codes: each works once if you lose your passkeys.</p>
          <RecoveryCodes codes={codes} />
          <button type="button" onClick={() => setCodes(undefined)}>I have saved my recovery codes</button>
        </div>
      ) : null}
      {list.error ? <Alert>The passkeys could not be loaded.</Alert> : null}
      {list.data && list.data.length ? (
        <table>
          <caption class="visually-hidden">Your passkeys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((passkey) => (
              <PasskeyRow key={passkey.id} passkey={passkey} onRenamed={list.reload} onRemove={() => void remove(passkey)} busy={action.busy} />
            ))}
          </tbody>
        </table>
      ) : list.data ? (
        <p>You have no passkeys yet.</p>
      ) : null}
      {confirming ? (
        <Form
          label="Confirm it is you"
          busy={action.busy}
          error={action.error}
          submit={confirming.kind === 'add' ? 'Confirm and add a passkey' : `Confirm and remove “${confirming.passkey.name}”`}
          codeFields={{ reauthentication_failed: 'password' }}
          onSubmit={(form) => (confirming.kind === 'add' ? add(proofOf(form)) : remove(confirming.passkey, proofOf(form)))}
        >
          <p>You signed in more than 5 minutes ago. Confirm with your password{me.mfa.enabled ? ' or a two-factor code' : ''}.</p>
          <Field name="password" label="Your password" type="password" autocomplete="current-password" />
          {me.mfa.enabled ? <Field name="code" label="Or a two-factor code" autocomplete="one-time-code" /> : null}
        </Form>
      ) : (
        <>
          {action.error ? <Alert>{errorSentence(action.error)}</Alert> : null}
          <button type="button" class="primary" disabled={action.busy || !passkeysSupported()} onClick={() => void add()}>
            Add a passkey
          </button>
          {!passkeysSupported() ? <p class="hint">This browser does not support passkeys.</p> : null}
        </>
      )}
    </section>
  );
}

const errorSentence = (error: unknown) => {
  if (error instanceof ApiError) return sentenceFor(error);
  // excludeCredentials: this authenticator already holds one of the user's passkeys.
  if (error instanceof Error && error.name === 'InvalidStateError') return 'This device already has a passkey for your account.';
  return 'The browser could not create the passkey. Try again, or use another device.';
};

function PasskeyRow(props: { passkey: Passkey; onRenamed: () => void; onRemove: () => void; busy: boolean }) {
  const { passkey } = props;
  const [renaming, setRenaming] = useState(false);
  const action = useAction();
  const model = passkey.authenticator?.name;
  return (
    <tr>
      <td>
        {renaming ? (
          <Form
            label={`Rename ${passkey.name}`}
            busy={action.busy}
            error={action.error}
            submit="Save name"
            onSubmit={(form) =>
              action.run(async () => {
                await request('PATCH', `/v1/me/passkeys/${passkey.id}`, { body: { name: String(form.get('name')) } });
                setRenaming(false);
                props.onRenamed();
              })
            }
          >
            <Field name="name" label="Name" required maxLength={64} defaultValue={passkey.name} />
          </Form>
        ) : (
          <>
            <strong>{passkey.name}</strong>
            {model && model !== passkey.name ? <span class="hint"> · {model}</span> : null}
          </>
        )}
      </td>
      <td>{passkey.deviceType === 'multiDevice' ? 'Synced' : 'This device only'}</td>
      <td>{formatDate(passkey.createdAt)}</td>
      <td>{formatDate(passkey.lastUsedAt)}</td>
      <td>
        {renaming ? null : (
          <>
            <button type="button" onClick={() => setRenaming(true)} aria-label={`Rename ${passkey.name}`}>Rename</button>{' '}
            <button type="button" class="danger" disabled={props.busy} onClick={props.onRemove} aria-label={`Remove ${passkey.name}`}>Remove</button>
          </>
        )}
      </td>
    </tr>
  );
}

/** A user's page, for root (who may remove them) and admins (who only see them). */
export function UserPasskeys(props: { userId: string; canRemove: boolean }) {
  const base = `/v1/users/${props.userId}/passkeys`;
  const list = useLoad(() => request<{ items: Passkey[] }>('GET', base).then((answer) => answer.body.items), [props.userId]);
  const action = useAction();
  return (
    <section aria-labelledby="user-passkeys-title">
      <h2 id="user-passkeys-title">Passkeys</h2>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      {list.data && list.data.length ? (
        <ul>
          {list.data.map((passkey) => (
            <li key={passkey.id}>
              <strong>{passkey.name}</strong> · {passkey.deviceType === 'multiDevice' ? 'synced' : 'this device only'} · created {formatDate(passkey.createdAt)} · last used{' '}
              {formatDate(passkey.lastUsedAt)}
              {props.canRemove ? (
                <>
                  {' '}
                  <button
                    type="button"
                    class="danger"
                    disabled={action.busy}
                    aria-label={`Remove passkey ${passkey.name}`}
                    onClick={() => void action.run(async () => {
                      await request('DELETE', `${base}/${passkey.id}`);
                      list.reload();
                    })}
                  >
                    Remove
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : list.data ? (
        <p>No passkeys.</p>
      ) : null}
    </section>
  );
}
