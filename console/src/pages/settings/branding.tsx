import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, request, versionOf } from '../../api';
import { ENDONYMS, LOCALES, useT, type Locale, type T } from '../../i18n';
import { useSession } from '../../session';
import type { Branding } from '../../types';
import { useLoad } from '../../ui';

const LOGO_MAX_BYTES = 65_536;
const DEFAULT_COLOR = '#2f5bea';

interface Draft {
  displayName: string;
  useColor: boolean;
  primaryColor: string;
  logo: string | null;
  supportUrl: string;
  fromName: string;
  defaultLocale: Locale;
}

const draftOf = (branding: Branding): Draft => ({
  displayName: branding.displayName ?? '',
  useColor: branding.primaryColor !== null,
  primaryColor: branding.primaryColor ?? DEFAULT_COLOR,
  logo: branding.logo,
  supportUrl: branding.supportUrl ?? '',
  fromName: branding.fromName ?? '',
  defaultLocale: branding.defaultLocale,
});

/** Errors of the API beside their fields; others in one alert. Every sentence is the catalog's or the API's own field message. */
export function problemText(t: T, error: unknown): string {
  if (error instanceof ApiError && error.status === 412) return t('common.staleVersion');
  return t('common.error', { detail: error instanceof ApiError ? error.code : String(error) });
}

function TextField(props: { name: string; label: string; hint?: string; value: string; error?: string; type?: 'text' | 'url'; onInput: (value: string) => void; maxLength?: number }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint ? <p class="hint" id={`${id}-hint`}>{props.hint}</p> : null}
      <input
        id={id}
        name={props.name}
        // Preact 11 types <input> as a union keyed by `type`.
        {...({ type: props.type ?? 'text' } as Record<string, unknown>)}
        value={props.value}
        maxLength={props.maxLength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={`${id}-error${props.hint ? ` ${id}-hint` : ''}`}
        onInput={(event) => props.onInput((event.target as HTMLInputElement).value)}
      />
      <p class="field-error" id={`${id}-error`} aria-live="polite">{props.error ?? ''}</p>
    </div>
  );
}

/** Settings → Branding: the form beside a live preview of a sign-in page and an email. */
export function BrandingSettings() {
  const { t } = useT();
  const session = useSession();
  const loaded = useLoad(async () => {
    const answer = await request<Branding>('GET', '/v1/org/branding');
    return { branding: answer.body, version: versionOf(answer.etag) ?? answer.body.version };
  }, []);
  const [draft, setDraft] = useState<Draft>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [logoError, setLogoError] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  const colorId = useId();
  const localeId = useId();
  const logoId = useId();

  useEffect(() => {
    if (loaded.data) setDraft(draftOf(loaded.data.branding));
  }, [loaded.data]);
  useEffect(() => {
    document.title = `${t('branding.title')} · Gatehouse`;
    heading.current?.focus();
  }, [t('branding.title')]);

  const fieldErrors: Record<string, string> = {};
  if (error instanceof ApiError && error.problem.errors) {
    for (const entry of error.problem.errors) fieldErrors[entry.path] ??= entry.message;
  }
  const update = (change: Partial<Draft>) => setDraft((current) => (current ? { ...current, ...change } : current));

  const body = !draft ? (
    loaded.error ? <div class="alert" role="alert">{problemText(t, loaded.error)}</div> : <p aria-busy="true">{t('common.loading')}</p>
  ) : (
    <div class="branding-layout">
      <form
        aria-label={t('branding.form')}
        onSubmit={async (event) => {
          event.preventDefault();
          if (busy) return;
          setBusy(true);
          setError(undefined);
          setSaved(false);
          try {
            const answer = await request<Branding>('PUT', '/v1/org/branding', {
              ifMatch: loaded.data!.version,
              body: {
                displayName: draft.displayName.trim() || null,
                primaryColor: draft.useColor ? draft.primaryColor : null,
                logo: draft.logo,
                supportUrl: draft.supportUrl.trim() || null,
                fromName: draft.fromName.trim() || null,
                defaultLocale: draft.defaultLocale,
              },
            });
            setSaved(true);
            setDraft(draftOf(answer.body));
            loaded.reload();
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        {saved ? <div class="success" role="status">{t('branding.saved')}</div> : null}
        {error && !Object.keys(fieldErrors).length ? <div class="alert" role="alert">{problemText(t, error)}</div> : null}
        <TextField name="displayName" label={t('branding.displayName')} hint={t('branding.displayName.hint')} value={draft.displayName} maxLength={100} error={fieldErrors.displayName} onInput={(value) => update({ displayName: value })} />
        <fieldset>
          <legend>{t('branding.color')}</legend>
          <p class="hint">{t('branding.color.hint')}</p>
          <div class="field checkbox">
            <input id={`${colorId}-use`} type="checkbox" checked={draft.useColor} onChange={(event) => update({ useColor: (event.target as HTMLInputElement).checked })} />
            <label for={`${colorId}-use`}>{t('branding.color.use')}</label>
          </div>
          <div class="field">
            <label for={colorId}>{t('branding.color')}</label>
            <input id={colorId} name="primaryColor" type="color" value={draft.primaryColor} disabled={!draft.useColor} onInput={(event) => update({ primaryColor: (event.target as HTMLInputElement).value })} />
          </div>
        </fieldset>
        <div class="field">
          <label for={logoId}>{t('branding.logo')}</label>
          <p class="hint" id={`${logoId}-hint`}>{t('branding.logo.hint', { kb: LOGO_MAX_BYTES / 1024 })}</p>
          <input
            id={logoId}
            name="logo"
            type="file"
            accept="image/png,image/svg+xml"
            aria-describedby={`${logoId}-hint ${logoId}-error`}
            onChange={(event) => {
              const file = (event.target as HTMLInputElement).files?.[0];
              setLogoError(undefined);
              if (!file) return;
              if (file.size > LOGO_MAX_BYTES) {
                setLogoError(t('branding.logo.tooLarge', { kb: LOGO_MAX_BYTES / 1024 }));
                return;
              }
              const reader = new FileReader();
              reader.onload = () => update({ logo: String(reader.result) });
              reader.readAsDataURL(file);
            }}
          />
          <p class="field-error" id={`${logoId}-error`} aria-live="polite">{logoError ?? fieldErrors.logo ?? ''}</p>
          {draft.logo ? (
            <p>
              <img src={draft.logo} alt={t('branding.logo.current')} style={{ maxHeight: '48px', maxWidth: '200px' }} />{' '}
              <button type="button" onClick={() => update({ logo: null })}>{t('branding.logo.remove')}</button>
            </p>
          ) : null}
        </div>
        <TextField name="supportUrl" type="url" label={t('branding.supportUrl')} hint={t('branding.supportUrl.hint')} value={draft.supportUrl} maxLength={2048} error={fieldErrors.supportUrl} onInput={(value) => update({ supportUrl: value })} />
        <TextField name="fromName" label={t('branding.fromName')} hint={t('branding.fromName.hint')} value={draft.fromName} maxLength={64} error={fieldErrors.fromName} onInput={(value) => update({ fromName: value })} />
        <div class="field">
          <label for={localeId}>{t('branding.defaultLocale')}</label>
          <p class="hint" id={`${localeId}-hint`}>{t('branding.defaultLocale.hint')}</p>
          <select id={localeId} name="defaultLocale" aria-describedby={`${localeId}-hint`} value={draft.defaultLocale} onChange={(event) => update({ defaultLocale: (event.target as HTMLSelectElement).value as Locale })}>
            {LOCALES.map((tag) => <option key={tag} value={tag} lang={tag}>{ENDONYMS[tag]}</option>)}
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>{t('branding.save')}</button>
        </div>
      </form>
      <BrandingPreview t={t} draft={draft} orgName={session.org?.name ?? ''} userName={session.me?.name ?? ''} />
    </div>
  );

  return (
    <section class="page wide" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1} ref={heading}>{t('branding.title')}</h1>
      <p>{t('branding.intro')}</p>
      {body}
    </section>
  );
}

/** What the sign-in page and an email look like with the draft, updated as it is typed. */
function BrandingPreview(props: { t: T; draft: Draft; orgName: string; userName: string }) {
  const { t, draft } = props;
  const name = draft.displayName.trim() || props.orgName;
  const color = draft.useColor ? draft.primaryColor : DEFAULT_COLOR;
  const logo = draft.logo ? <img src={draft.logo} alt={name} style={{ maxHeight: '40px', maxWidth: '200px' }} /> : null;
  return (
    <aside class="branding-preview" aria-labelledby="branding-preview-title">
      <h2 id="branding-preview-title">{t('branding.preview')}</h2>
      <figure>
        <figcaption>{t('branding.preview.signIn')}</figcaption>
        <div class="preview-card" style={{ borderTop: `4px solid ${color}` }}>
          {logo}
          <p class="preview-heading">{t('branding.preview.signInHeading', { name })}</p>
          <p class="preview-input">{t('branding.preview.login')}</p>
          <p class="preview-input">{t('branding.preview.password')}</p>
          <p class="preview-button" style={{ background: color }}>{t('branding.preview.button')}</p>
        </div>
      </figure>
      <figure>
        <figcaption>{t('branding.preview.email')}</figcaption>
        <div class="preview-card">
          <p class="hint">{t('branding.preview.emailFrom', { name: draft.fromName.trim() || 'Gatehouse' })}</p>
          <p><strong>{t('branding.preview.emailSubject', { name })}</strong></p>
          <div class="preview-email-header" style={{ background: draft.logo ? '#ffffff' : color, borderBottom: `4px solid ${color}` }}>
            {logo ?? <span class="preview-email-name">{name}</span>}
          </div>
          <p>{t('branding.preview.emailBody', { user: props.userName, name })}</p>
          <p class="preview-button" style={{ background: color }}>{t('branding.preview.emailButton')}</p>
          {draft.supportUrl.trim() ? <p class="hint">{t('branding.preview.support')}: {draft.supportUrl.trim()}</p> : null}
        </div>
      </figure>
    </aside>
  );
}
