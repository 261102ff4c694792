import { useState } from 'preact/hooks';
import { request } from '../../api';
import { Link } from '../../router';
import { Alert, Checkbox, Field, Form, OnceSecret, Page, Select, formatDate, useAction, useLoad } from '../../ui';

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
  const list = useLoad(() => request<{ items: Domain[] }>('GET', '/v1/org/domains').then((answer) => answer.body.items), []);
  const add = useAction();
  const verify = useAction();
  return (
    <section aria-labelledby="sso-domains">
      <h2 id="sso-domains">Domains</h2>
      <p>Prove each email domain by publishing a DNS TXT record, then press Verify.</p>
      {verify.error ? <Alert>{verify.error instanceof Error ? verify.error.message : 'Verification failed.'}</Alert> : null}
      <ul>
        {(list.data ?? []).map((domain) => (
          <li key={domain.id} data-testid={`domain-${domain.domain}`}>
            <strong>{domain.domain}</strong> — {domain.status === 'verified' ? `verified ${formatDate(domain.verifiedAt)}` : 'pending'}
            {domain.status === 'pending' ? (
              <>
                <OnceSecret label="TXT record name" value={domain.verification.name} />
                <OnceSecret label="TXT record value" value={domain.verification.value} />
                <button type="button" disabled={verify.busy} onClick={() => void verify.run(async () => {
                  await request('POST', `/v1/org/domains/${domain.id}/verify`);
                  list.reload();
                  props.onChange();
                })}>Verify</button>
              </>
            ) : null}
            <button type="button" class="danger" onClick={() => void verify.run(async () => {
              await request('DELETE', `/v1/org/domains/${domain.id}`);
              list.reload();
            })}>Remove</button>
          </li>
        ))}
      </ul>
      <Form busy={add.busy} error={add.error} submit="Add domain" label="Add a domain" onSubmit={(form) => add.run(async () => {
        await request('POST', '/v1/org/domains', { body: { domain: String(form.get('domain')).trim() } });
        list.reload();
      })}>
        <Field name="domain" label="Domain" required placeholder="acme.com" />
      </Form>
    </section>
  );
}

function ConnectionCard(props: { connection: Connection; onChange: () => void }) {
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
      {action.error ? <Alert>{action.error instanceof Error ? action.error.message : 'The change failed.'}</Alert> : null}
      <p>Domains: {connection.domains.join(', ')} · Just-in-time: {connection.jit.enabled ? `on (${connection.jit.defaultRole})` : 'off'}</p>
      {connection.sp ? (
        <>
          <OnceSecret label="SP entity ID" value={connection.sp.entityId} />
          <OnceSecret label="ACS URL" value={connection.sp.acsUrl} />
          <p><a href={connection.sp.metadataUrl}>SP metadata</a></p>
          <ul>
            {connection.saml!.certificates.map((certificate) => (
              <li key={certificate.sha256}>{certificate.subject}: expires {formatDate(certificate.notAfter)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {connection.redirectUri ? <OnceSecret label="Redirect URI" value={connection.redirectUri} /> : null}
      <label><input type="checkbox" checked={connection.enabled} onChange={(event) => void toggle('enabled', event.currentTarget.checked)} /> Enabled</label>
      <label><input type="checkbox" checked={connection.allowIdpInitiated} onChange={(event) => void toggle('allowIdpInitiated', event.currentTarget.checked)} /> Allow IdP-initiated</label>
      <label><input type="checkbox" checked={connection.enforce} onChange={(event) => void toggle('enforce', event.currentTarget.checked)} /> Require SSO</label>
      <p class="hint">With Require SSO, people of these domains can no longer use a password. You (the owner) and service accounts keep theirs.</p>
      <button type="button" onClick={() => void action.run(async () => {
        const started = await request<{ redirectTo: string }>('POST', `/v1/org/sso/connections/${connection.id}/test`);
        window.open(started.body.redirectTo, '_blank', 'noopener');
      })}>Test sign-in</button>
      <button type="button" class="danger" onClick={() => void action.run(async () => {
        await request('DELETE', `/v1/org/sso/connections/${connection.id}`);
        props.onChange();
      })}>Delete</button>
    </article>
  );
}

function NewConnection(props: { onCreated: () => void }) {
  const action = useAction();
  const [protocol, setProtocol] = useState<'saml' | 'oidc'>('saml');
  const [metadata, setMetadata] = useState('');
  return (
    <Form label="Add a connection" busy={action.busy} error={action.error} submit="Add connection" onSubmit={(form) => action.run(async () => {
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
      <Field name="name" label="Name" required placeholder="Okta" />
      <Select name="protocol" label="Protocol" value={protocol} options={[['saml', 'SAML 2.0'], ['oidc', 'OpenID Connect']]} onChange={(next) => setProtocol(next as 'saml' | 'oidc')} />
      {protocol === 'saml' ? (
        <>
          <div class="field">
            <label for="sso-metadata">IdP metadata (XML file)</label>
            <input id="sso-metadata" type="file" accept=".xml,application/xml,application/samlmetadata+xml" onChange={async (event) => setMetadata((await event.currentTarget.files?.[0]?.text()) ?? '')} />
          </div>
          {metadata ? null : (
            <>
              <Field name="entityId" label="IdP entity ID" />
              <Field name="ssoUrl" label="IdP sign-in URL" />
              <div class="field">
                <label for="sso-cert">IdP certificate (PEM)</label>
                <textarea id="sso-cert" name="certificate" rows={4} />
              </div>
            </>
          )}
          <Checkbox name="signRequests" label="Sign AuthnRequests" />
        </>
      ) : (
        <>
          <Field name="issuer" label="Issuer" placeholder="https://login.example.com" />
          <Field name="clientId" label="Client ID" />
          <Field name="clientSecret" label="Client secret" type="password" autocomplete="off" />
        </>
      )}
      <Field name="domains" label="Verified domains it serves" required hint="Separate several with commas." />
      <Checkbox name="jit" label="Create unknown members at their first sign-in (just in time)" checked />
      <Select name="defaultRole" label="Default role" options={[['developer', 'Developer'], ['admin', 'Admin']]} />
    </Form>
  );
}

export function SsoSettings() {
  const list = useLoad(() => request<{ items: Connection[] }>('GET', '/v1/org/sso/connections').then((answer) => answer.body.items), []);
  return (
    <Page title="Single sign-on" wide>
      <Domains onChange={list.reload} />
      <section aria-labelledby="sso-connections">
        <h2 id="sso-connections">Connections</h2>
        {(list.data ?? []).map((connection) => (
          <ConnectionCard key={`${connection.id}-${connection.version}`} connection={connection} onChange={list.reload} />
        ))}
        <NewConnection onCreated={list.reload} />
      </section>
      <p>
        Roles and permissions from IdP groups: <Link href="/settings/group-mappings">Group mappings</Link> (shared with directory provisioning).
      </p>
    </Page>
  );
}
