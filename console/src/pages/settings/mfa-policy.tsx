import { useState } from 'preact/hooks';
import { request } from '../../api';
import { useSession } from '../../session';
import type { MfaPolicy as Policy, Org } from '../../types';
import { Checkbox, Form, Page, Select, Success, useAction } from '../../ui';

/**
 * Settings → Two-factor policy (root): who must have a second factor at sign-in, and which
 * methods count. It applies at each person's next sign-in; sessions already open go on.
 */
export function MfaPolicy() {
  const session = useSession();
  const org = session.org!;
  const policy = org.mfaPolicy;
  const action = useAction();
  const [saved, setSaved] = useState(false);
  return (
    <Page title="Two-factor policy">
      <p>
        Choose who must use a second factor when signing in, and which kinds count. People it covers who have no allowed factor set one up at
        their next sign-in. A passkey sign-in counts as two factors; people signing in through your identity provider (single sign-on) use its
        factors instead.
      </p>
      {saved ? <Success>Saved. It applies from each person’s next sign-in.</Success> : null}
      <Form
        key={org.version}
        label="Two-factor policy"
        busy={action.busy}
        error={action.error}
        versioned={{
          what: 'the organization',
          reload: () => {
            action.setError(undefined);
            void session.reload();
          },
        }}
        codeFields={{ validation_failed: 'methods' }}
        submit="Save policy"
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
          label="Require two-factor for"
          value={policy.require}
          options={[
            ['off', 'Nobody (each person chooses)'],
            ['admins', 'The owner and admins'],
            ['everyone', 'Everyone'],
          ]}
        />
        <fieldset>
          <legend>Allowed methods</legend>
          <Checkbox name="passkey" label="Passkeys (phishing-resistant)" checked={policy.methods.includes('passkey')} />
          <Checkbox name="totp" label="Authenticator app codes (TOTP)" checked={policy.methods.includes('totp')} />
        </fieldset>
      </Form>
    </Page>
  );
}
