import { useState } from 'preact/hooks';
import { request } from '../api';
import { can, useSession } from '../session';
import type { Org } from '../types';
import { Field, Form, Page, StaleNotice, Success, formatDate, isStale, useAction } from '../ui';

export function Organization() {
  const session = useSession();
  const org = session.org!;
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const stale = isStale(action.error);
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
      {stale ? (
        <StaleNotice
          what="the organization"
          onReload={() => {
            action.setError(undefined);
            void session.reload();
          }}
        />
      ) : null}
      {can.renameOrg(session.me) ? (
        <Form
          key={org.version}
          label="Rename the organization"
          busy={action.busy}
          error={stale ? undefined : action.error}
          submit="Rename"
          onSubmit={(form) =>
            action.run(async () => {
              setSaved(false);
              await request<Org>('PATCH', '/v1/org', { body: { name: String(form.get('name')).trim() }, ifMatch: org.version });
              await session.reload();
              setSaved(true);
            })
          }
        >
          <Field name="name" label="Name" required defaultValue={org.name} autocomplete="organization" />
        </Form>
      ) : null}
    </Page>
  );
}
