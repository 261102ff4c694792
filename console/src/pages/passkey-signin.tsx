import { useEffect } from 'preact/hooks';
import { cancelPasskeyRequest, cancelled, passkeysSupported, signInWithPasskey } from '../passkeys';
import type { Tokens } from '../types';
import { sentenceFor } from '../problems';
import { Alert, useAction } from '../ui';
import { useT } from '../i18n';

/**
 * "Sign in with a passkey" on a login form: a button for the browser's passkey dialog, and the
 * passkey offered in the login field's autofill (conditional UI; the field carries
 * `autocomplete="username webauthn"`). No organization, login or password: the passkey names its
 * user. `org` narrows it to one organization (an app's sign-in for one).
 */
export function PasskeySignIn(props: { org?: string; onDone: (tokens: Tokens) => void }) {
  const action = useAction();
  const supported = passkeysSupported();
  const { t } = useT();

  useEffect(() => {
    if (!supported) return;
    let live = true;
    signInWithPasskey({ org: props.org, autofill: true }).then(
      (tokens) => {
        if (live && tokens) props.onDone(tokens);
      },
      // The autofill is silent: a refusal shows when the person uses the button.
      () => undefined,
    );
    return () => {
      live = false;
      cancelPasskeyRequest();
    };
  }, []);

  if (!supported) return null;
  return (
    <div class="passkey-signin">
      {action.error && !cancelled(action.error) ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            try {
              const tokens = await signInWithPasskey({ org: props.org });
              if (tokens) props.onDone(tokens);
            } catch (error) {
              if (!cancelled(error)) throw error;
            }
          })
        }
      >
        {t('signin.passkey')}
      </button>
    </div>
  );
}
