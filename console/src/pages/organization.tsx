import { useState } from 'preact/hooks';
import { request } from '../api';
import { can, useSession } from '../session';
import type { Org } from '../types';
import { Field, Form, Page, Success, formatDate, useAction } from '../ui';
import { SignEveryoneOut } from './sessions';

export function Organization() {
  const session = useSession();
  const org = session.org!;
  const action = useAction();
  const [saved, setSaved] = useState(false);
  return (
    <Page title="Organization">
      <dl class="facts">
        <dt>Name</dt>
        <dd>{org.name}</dd>
        <dt>Address (slug)</dt>
        <dd>
          <code>{org.slug}</code>
        </dd>
        <dt>Created</dt>
        <dd>{formatDate(org.createdAt)}</dd>
      </dl>
      {saved ? <Success>Saved.</Success> : null}
      {can.renameOrg(session.me) ? (
        <Form
          key={org.version}
          label="Rename the organization"
          busy={action.busy}
          error={action.error}
          versioned={{
            what: 'the organization',
            reload: () => {
              action.setError(undefined);
              void session.reload();
            },
          }}
          submit="Rename"
          onSubmit={(form) =>
            action.run(async () => {
              setSaved(false);
              const { body } = await request<Org>('PATCH', '/v1/org', { body: { name: String(form.get('name')).trim() }, ifMatch: org.version });
              session.adopt({ org: body });
              setSaved(true);
            })
          }
        >
          <Field name="name" label="Name" required defaultValue={org.name} autocomplete="organization" />
        </Form>
      ) : null}
      <SignEveryoneOut />
    </Page>
  );
}
