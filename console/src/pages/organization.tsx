import { useState } from 'preact/hooks';
import { request } from '../api';
import { useT } from '../i18n';
import { can, useSession } from '../session';
import type { Org } from '../types';
import { Field, Form, Page, Success, useAction } from '../ui';
import { formatWhen } from './admin-words';
import { SignEveryoneOut } from './sessions';

export function Organization() {
  const { t, locale } = useT();
  const session = useSession();
  const org = session.org!;
  const action = useAction();
  const [saved, setSaved] = useState(false);
  return (
    <Page title={t('org.title')}>
      <dl class="facts">
        <dt>{t('admin.name')}</dt>
        <dd>{org.name}</dd>
        <dt>{t('org.slug')}</dt>
        <dd>
          <code>{org.slug}</code>
        </dd>
        <dt>{t('admin.created')}</dt>
        <dd>{formatWhen(locale, org.createdAt)}</dd>
      </dl>
      {saved ? <Success>{t('admin.saved')}</Success> : null}
      {can.renameOrg(session.me) ? (
        <Form
          key={org.version}
          label={t('org.rename')}
          busy={action.busy}
          error={action.error}
          versioned={{
            what: t('org.versioned'),
            reload: () => {
              action.setError(undefined);
              void session.reload();
            },
          }}
          submit={t('org.rename.submit')}
          onSubmit={(form) =>
            action.run(async () => {
              setSaved(false);
              const { body } = await request<Org>('PATCH', '/v1/org', { body: { name: String(form.get('name')).trim() }, ifMatch: org.version });
              session.adopt({ org: body });
              setSaved(true);
            })
          }
        >
          <Field name="name" label={t('admin.name')} required defaultValue={org.name} autocomplete="organization" />
        </Form>
      ) : null}
      <SignEveryoneOut />
    </Page>
  );
}
