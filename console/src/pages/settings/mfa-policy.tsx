import { useState } from 'preact/hooks';
import { request } from '../../api';
import { useT } from '../../i18n';
import { useSession } from '../../session';
import type { MfaPolicy as Policy, Org } from '../../types';
import { Checkbox, Form, Page, Select, Success, useAction } from '../../ui';

/**
 * Settings → Two-factor policy (root): who must have a second factor at sign-in, and which
 * methods count. It applies at each person's next sign-in; sessions already open go on.
 */
export function MfaPolicy() {
  const { t } = useT();
  const session = useSession();
  const org = session.org!;
  const policy = org.mfaPolicy;
  const action = useAction();
  const [saved, setSaved] = useState(false);
  return (
    <Page title={t('mfaPolicy.title')}>
      <p>{t('mfaPolicy.intro')}</p>
      {saved ? <Success>{t('mfaPolicy.saved')}</Success> : null}
      <Form
        key={org.version}
        label={t('mfaPolicy.title')}
        busy={action.busy}
        error={action.error}
        versioned={{
          what: t('org.versioned'),
          reload: () => {
            action.setError(undefined);
            void session.reload();
          },
        }}
        codeFields={{ validation_failed: 'methods' }}
        submit={t('mfaPolicy.save')}
        onSubmit={(form) =>
          action.run(async () => {
            setSaved(false);
            const methods = (['totp', 'passkey'] as const).filter((method) => form.get(method) === 'on');
            const next: Policy = { require: String(form.get('require')) as Policy['require'], methods };
            const { body } = await request<Org>('PATCH', '/v1/org', { body: { mfaPolicy: next }, ifMatch: org.version });
            session.adopt({ org: body });
            setSaved(true);
          })
        }
      >
        <Select
          name="require"
          label={t('mfaPolicy.require')}
          value={policy.require}
          options={[
            ['off', t('mfaPolicy.require.off')],
            ['admins', t('mfaPolicy.require.admins')],
            ['everyone', t('mfaPolicy.require.everyone')],
          ]}
        />
        <fieldset>
          <legend>{t('mfaPolicy.methods')}</legend>
          <Checkbox name="passkey" label={t('mfaPolicy.methods.passkey')} checked={policy.methods.includes('passkey')} />
          <Checkbox name="totp" label={t('mfaPolicy.methods.totp')} checked={policy.methods.includes('totp')} />
        </fieldset>
      </Form>
    </Page>
  );
}
