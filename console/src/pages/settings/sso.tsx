import { useState } from 'preact/hooks';
import { request } from '../../api';
import { useT } from '../../i18n';
import { sentenceFor } from '../../problems';
import { Link } from '../../router';
import { Alert, Checkbox, Field, Form, OnceSecret, Page, Select, useAction, useLoad } from '../../ui';
import { formatWhen, roleName } from '../admin-words';

/**
 * Settings → Single sign-on (root): domains proven by DNS, connections to the organization's
 * IdP with what its admin must enter, Test sign-in, and the toggles (shared/api/sso.md).
 */
interface Domain {
  id: string;
  domain: string;
  status: 'pending' | 'verified';
  verification: { name: string; value: string };
  verifiedAt: string | null;
}
interface Connection {
  id: string;
  name: string;
  protocol: 'saml' | 'oidc';
  enabled: boolean;
  enforce: boolean;
  allowIdpInitiated: boolean;
  domains: string[];
  jit: { enabled: boolean; defaultRole: 'developer' | 'admin' };
  saml?: { entityId: string; ssoUrl: string; signRequests: boolean; certificates: Array<{ sha256: string; subject: string; notAfter: string }> };
  sp?: { entityId: string; acsUrl: string; metadataUrl: string };
  oidc?: { issuer: string; clientId: string };
  redirectUri?: string;
  version: number;
}

function Domains(props: { onChange: () => void }) {
  const { t, locale } = useT();
  const list = useLoad(() => request<{ items: Domain[] }>('GET', '/v1/org/domains').then((answer) => answer.body.items), []);
  const add = useAction();
  const verify = useAction();
  return (
    <section aria-labelledby="sso-domains">
      <h2 id="sso-domains">{t('sso.domains')}</h2>
      <p>{t('sso.domains.intro')}</p>
      {verify.error ? <Alert>{sentenceFor(verify.error)}</Alert> : null}
      <ul>
        {(list.data ?? []).map((domain) => (
          <li key={domain.id} data-testid={`domain-${domain.domain}`}>
            <strong>{domain.domain}</strong> — {domain.status === 'verified' ? t('sso.domain.verified', { when: formatWhen(locale, domain.verifiedAt) }) : t('sso.domain.pending')}
            {domain.status === 'pending' ? (
              <>
                <OnceSecret label={t('sso.domain.txtName')} value={domain.verification.name} />
                <OnceSecret label={t('sso.domain.txtValue')} value={domain.verification.value} />
                <button type="button" disabled={verify.busy} onClick={() => void verify.run(async () => {
                  await request('POST', `/v1/org/domains/${domain.id}/verify`);
                  list.reload();
                  props.onChange();
                })}>{t('sso.domain.verify')}</button>
              </>
            ) : null}
            <button type="button" class="danger" onClick={() => void verify.run(async () => {
              await request('DELETE', `/v1/org/domains/${domain.id}`);
              list.reload();
            })}>{t('admin.remove')}</button>
          </li>
        ))}
      </ul>
      <Form busy={add.busy} error={add.error} submit={t('sso.domain.add.submit')} label={t('sso.domain.add')} onSubmit={(form) => add.run(async () => {
        await request('POST', '/v1/org/domains', { body: { domain: String(form.get('domain')).trim() } });
        list.reload();
      })}>
        <Field name="domain" label={t('sso.domain')} required placeholder="acme.com" />
      </Form>
    </section>
  );
}

function ConnectionCard(props: { connection: Connection; onChange: () => void }) {
  const { t, locale } = useT();
  const { connection } = props;
  const action = useAction();
  const toggle = (field: 'enabled' | 'allowIdpInitiated' | 'enforce', value: boolean) =>
    action.run(async () => {
      await request('PATCH', `/v1/org/sso/connections/${connection.id}`, { body: { [field]: value }, ifMatch: connection.version });
      props.onChange();
    });
  return (
    <article data-testid={`connection-${connection.name}`}>
      <h3>{connection.name} ({connection.protocol.toUpperCase()})</h3>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      <p>
        {t('sso.connection.summary', {
          domains: new Intl.ListFormat(locale, { type: 'unit' }).format(connection.domains),
          jit: String(connection.jit.enabled),
          role: roleName(t, connection.jit.defaultRole),
        })}
      </p>
      {connection.sp ? (
        <>
          <OnceSecret label={t('sso.connection.spEntityId')} value={connection.sp.entityId} />
          <OnceSecret label={t('sso.connection.acsUrl')} value={connection.sp.acsUrl} />
          <p><a href={connection.sp.metadataUrl}>{t('sso.connection.spMetadata')}</a></p>
          <ul>
            {connection.saml!.certificates.map((certificate) => (
              <li key={certificate.sha256}>{t('sso.connection.certificate', { subject: certificate.subject, when: formatWhen(locale, certificate.notAfter) })}</li>
            ))}
          </ul>
        </>
      ) : null}
      {connection.redirectUri ? <OnceSecret label={t('sso.connection.redirectUri')} value={connection.redirectUri} /> : null}
      <label><input type="checkbox" checked={connection.enabled} onChange={(event) => void toggle('enabled', event.currentTarget.checked)} /> {t('sso.connection.enabled')}</label>
      <label><input type="checkbox" checked={connection.allowIdpInitiated} onChange={(event) => void toggle('allowIdpInitiated', event.currentTarget.checked)} /> {t('sso.connection.idpInitiated')}</label>
      <label><input type="checkbox" checked={connection.enforce} onChange={(event) => void toggle('enforce', event.currentTarget.checked)} /> {t('sso.connection.enforce')}</label>
      <p class="hint">{t('sso.connection.enforce.hint')}</p>
      <button type="button" onClick={() => void action.run(async () => {
        const started = await request<{ redirectTo: string }>('POST', `/v1/org/sso/connections/${connection.id}/test`);
        window.open(started.body.redirectTo, '_blank', 'noopener');
      })}>{t('sso.connection.test')}</button>
      <button type="button" class="danger" onClick={() => void action.run(async () => {
        await request('DELETE', `/v1/org/sso/connections/${connection.id}`);
        props.onChange();
      })}>{t('admin.delete')}</button>
    </article>
  );
}

function NewConnection(props: { onCreated: () => void }) {
  const { t } = useT();
  const action = useAction();
  const [protocol, setProtocol] = useState<'saml' | 'oidc'>('saml');
  const [metadata, setMetadata] = useState('');
  return (
    <Form label={t('sso.new')} busy={action.busy} error={action.error} submit={t('sso.new.submit')} onSubmit={(form) => action.run(async () => {
      const value = (name: string) => String(form.get(name) ?? '').trim();
      const saml = metadata
        ? { metadataXml: metadata }
        : { entityId: value('entityId'), ssoUrl: value('ssoUrl'), certificates: [value('certificate')] };
      await request('POST', '/v1/org/sso/connections', {
        body: {
          name: value('name'),
          protocol,
          ...(protocol === 'saml' ? { saml: { ...saml, signRequests: form.get('signRequests') === 'on' } } : { oidc: { issuer: value('issuer'), clientId: value('clientId'), clientSecret: value('clientSecret') } }),
          domains: value('domains').split(/[\s,]+/).filter(Boolean),
          jit: { enabled: form.get('jit') === 'on', defaultRole: value('defaultRole') || 'developer' },
        },
      });
      props.onCreated();
    })}>
      <Field name="name" label={t('admin.name')} required placeholder="Okta" />
      <Select name="protocol" label={t('sso.new.protocol')} value={protocol} options={[['saml', 'SAML 2.0'], ['oidc', 'OpenID Connect']]} onChange={(next) => setProtocol(next as 'saml' | 'oidc')} />
      {protocol === 'saml' ? (
        <>
          <div class="field">
            <label for="sso-metadata">{t('sso.new.metadata')}</label>
            <input id="sso-metadata" type="file" accept=".xml,application/xml,application/samlmetadata+xml" onChange={async (event) => setMetadata((await event.currentTarget.files?.[0]?.text()) ?? '')} />
          </div>
          {metadata ? null : (
            <>
              <Field name="entityId" label={t('sso.new.entityId')} />
              <Field name="ssoUrl" label={t('sso.new.ssoUrl')} />
              <div class="field">
                <label for="sso-cert">{t('sso.new.certificate')}</label>
                <textarea id="sso-cert" name="certificate" rows={4} />
              </div>
            </>
          )}
          <Checkbox name="signRequests" label={t('sso.new.signRequests')} />
        </>
      ) : (
        <>
          <Field name="issuer" label={t('sso.new.issuer')} placeholder="https://login.example.com" />
          <Field name="clientId" label={t('sso.new.clientId')} />
          <Field name="clientSecret" label={t('sso.new.clientSecret')} type="password" autocomplete="off" />
        </>
      )}
      <Field name="domains" label={t('sso.new.domains')} required hint={t('sso.new.domains.hint')} />
      <Checkbox name="jit" label={t('sso.new.jit')} checked />
      <Select name="defaultRole" label={t('sso.new.defaultRole')} options={[['developer', roleName(t, 'developer')], ['admin', roleName(t, 'admin')]]} />
    </Form>
  );
}

export function SsoSettings() {
  const { t } = useT();
  const list = useLoad(() => request<{ items: Connection[] }>('GET', '/v1/org/sso/connections').then((answer) => answer.body.items), []);
  return (
    <Page title={t('sso.title')} wide>
      <Domains onChange={list.reload} />
      <section aria-labelledby="sso-connections">
        <h2 id="sso-connections">{t('sso.connections')}</h2>
        {list.error ? <Alert>{sentenceFor(list.error)}</Alert> : null}
        {(list.data ?? []).map((connection) => (
          <ConnectionCard key={`${connection.id}-${connection.version}`} connection={connection} onChange={list.reload} />
        ))}
        <NewConnection onCreated={list.reload} />
      </section>
      <p>
        {t('sso.groupMappings')} <Link href="/settings/group-mappings">{t('sso.groupMappings.link')}</Link>
      </p>
    </Page>
  );
}
