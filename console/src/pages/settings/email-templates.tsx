import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, request } from '../../api';
import { ENDONYMS, LOCALES, useT, type ConsoleKey, type Locale, type T } from '../../i18n';
import type { EmailPreview, EmailTemplate, EmailTemplateTypes } from '../../types';
import { useLoad } from '../../ui';
import { problemText } from './branding';
import { EmailPreviewFrame } from '../../email-preview-frame';

interface TemplateProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
  variable?: string;
}

const PART_KEYS: Record<string, ConsoleKey> = { subject: 'templates.subject', text: 'templates.text', html: 'templates.html' };

/** Errors of a template at their part, line and column, in the catalog's words around the engine's message. */
function TemplateProblems(props: { t: T; error: unknown }) {
  const { t, error } = props;
  if (!(error instanceof ApiError)) return error ? <div class="alert" role="alert">{problemText(t, error)}</div> : null;
  if (error.code !== 'template_invalid' && error.code !== 'missing_variable') return <div class="alert" role="alert">{problemText(t, error)}</div>;
  const problems = (error.problem.errors ?? []) as TemplateProblem[];
  return (
    <div class="alert" role="alert">
      <p>{t(error.code === 'missing_variable' ? 'templates.problem.missing' : 'templates.problem.invalid')}</p>
      <ul>
        {problems.map((problem, index) => {
          const part = PART_KEYS[problem.path] ? t(PART_KEYS[problem.path]!) : problem.path;
          const message = problem.variable ? `{{ ${problem.variable} }}` : problem.message;
          return (
            <li key={index}>
              {problem.line !== undefined
                ? t('templates.problem.at', { part, line: problem.line, column: problem.column ?? 1, message })
                : t('templates.problem.part', { part, message })}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function TextArea(props: { label: string; hint?: string; name: string; value: string; rows: number; onInput: (value: string) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint ? <p class="hint" id={`${id}-hint`}>{props.hint}</p> : null}
      <textarea
        id={id}
        name={props.name}
        rows={props.rows}
        spellcheck={false}
        class="code"
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        value={props.value}
        onInput={(event) => props.onInput((event.target as HTMLTextAreaElement).value)}
      />
    </div>
  );
}

/** Settings → Email templates: types × languages, an editor with the type's variables, preview, test send, revert. */
export function EmailTemplatesSettings() {
  const { t, locale: consoleLocale } = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  const types = useLoad(() => request<EmailTemplateTypes>('GET', '/v1/org/email-templates').then((answer) => answer.body), []);
  const [type, setType] = useState('invitation');
  const [locale, setLocale] = useState<Locale>(consoleLocale);
  const [loadCount, setLoadCount] = useState(0);
  const template = useLoad(
    () => request<EmailTemplate>('GET', `/v1/org/email-templates/${type}/${locale}`).then((answer) => answer.body),
    [type, locale, loadCount],
  );
  const [draft, setDraft] = useState<{ subject: string; text: string; html: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [preview, setPreview] = useState<EmailPreview>();
  const typeId = useId();
  const localeId = useId();

  useEffect(() => {
    document.title = `${t('templates.title')} · Gatehouse`;
    heading.current?.focus();
  }, [t('templates.title')]);
  useEffect(() => {
    if (template.data) setDraft({ subject: template.data.subject, text: template.data.text, html: template.data.html ?? '' });
    setPreview(undefined);
    setError(undefined);
  }, [template.data]);

  const bodyOf = () => ({ subject: draft!.subject, text: draft!.text, html: draft!.html.trim() ? draft!.html : null });
  const act = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const typeInfo = types.data?.items.find((item) => item.type === type);

  return (
    <section class="page wide" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1} ref={heading}>{t('templates.title')}</h1>
      <p>{t('templates.intro')}</p>
      {types.error ? <div class="alert" role="alert">{problemText(t, types.error)}</div> : null}
      <fieldset>
        <legend>{t('templates.pick')}</legend>
        <div class="field">
          <label for={typeId}>{t('templates.type')}</label>
          <select id={typeId} value={type} onChange={(event) => setType((event.target as HTMLSelectElement).value)}>
            {(types.data?.items ?? []).map((item) => (
              <option key={item.type} value={item.type}>
                {t(`templates.type.${item.type}` as ConsoleKey)} — {t('templates.customCount', { count: item.custom.length })}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={localeId}>{t('templates.locale')}</label>
          <select id={localeId} value={locale} onChange={(event) => setLocale((event.target as HTMLSelectElement).value as Locale)}>
            {LOCALES.map((tag) => <option key={tag} value={tag} lang={tag}>{ENDONYMS[tag]}</option>)}
          </select>
        </div>
        {template.data ? <p data-testid="template-status">{t('templates.status', { custom: String(template.data.custom) })}</p> : null}
      </fieldset>

      {!draft ? (
        template.error ? <div class="alert" role="alert">{problemText(t, template.error)}</div> : <p aria-busy="true">{t('common.loading')}</p>
      ) : (
        <div class="templates-layout">
          <form
            aria-label={t('templates.editor')}
            onSubmit={(event) => {
              event.preventDefault();
              void act(async () => {
                await request('PUT', `/v1/org/email-templates/${type}/${locale}`, { body: bodyOf() });
                setNotice(t('templates.saved'));
                types.reload();
                setLoadCount((count) => count + 1);
              });
            }}
          >
            {notice ? <div class="success" role="status">{notice}</div> : null}
            <TemplateProblems t={t} error={error} />
            <TextArea label={t('templates.subject')} name="subject" rows={2} value={draft.subject} onInput={(subject) => setDraft({ ...draft, subject })} />
            <TextArea label={t('templates.text')} name="text" rows={12} value={draft.text} onInput={(text) => setDraft({ ...draft, text })} />
            <TextArea label={t('templates.html')} hint={t('templates.html.hint')} name="html" rows={6} value={draft.html} onInput={(html) => setDraft({ ...draft, html })} />
            <div class="actions">
              <button type="submit" class="primary" disabled={busy} aria-busy={busy}>{t('templates.save')}</button>
              <button
                type="button"
                disabled={busy}
                onClick={() => void act(async () => {
                  setPreview((await request<EmailPreview>('POST', `/v1/org/email-templates/${type}/${locale}/preview`, { body: bodyOf() })).body);
                })}
              >
                {t('templates.preview')}
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => void act(async () => {
                  const answer = (await request<EmailPreview>('POST', `/v1/org/email-templates/${type}/${locale}/preview?send=true`, { body: bodyOf() })).body;
                  setPreview(answer);
                  setNotice(t(answer.emailDelivery === 'sent' ? 'templates.sent' : 'templates.sendFailed'));
                })}
              >
                {t('templates.sendTest')}
              </button>
              {template.data?.custom ? (
                <button
                  type="button"
                  class="danger"
                  disabled={busy}
                  onClick={() => void act(async () => {
                    await request('DELETE', `/v1/org/email-templates/${type}/${locale}`);
                    setNotice(t('templates.reverted'));
                    types.reload();
                    setLoadCount((count) => count + 1);
                  })}
                >
                  {t('templates.revert')}
                </button>
              ) : null}
            </div>
          </form>
          <aside aria-labelledby="variables-title">
            <h2 id="variables-title">{t('templates.variables')}</h2>
            <p class="hint">{t('templates.variables.hint', { example: '{{ user.name }}' })}</p>
            <ul class="variables">
              {(typeInfo?.variables ?? []).map((variable) => (
                <li key={variable.name}>
                  <code>{`{{ ${variable.name} }}`}</code>
                  {variable.required ? <strong> · {t('templates.variable.required')}</strong> : null}
                  {variable.example !== null && variable.example !== undefined ? (
                    <span class="hint"> · {t('templates.variable.example', { value: String(variable.example) })}</span>
                  ) : null}
                </li>
              ))}
            </ul>
          </aside>
        </div>
      )}
      {preview ? (
        <section aria-labelledby="preview-title" class="template-preview">
          <h2 id="preview-title">{t('templates.preview')}</h2>
          <p>{t('templates.previewSubject', { subject: preview.subject })}</p>
          <pre class="preview-text" data-testid="preview-text">{preview.text}</pre>
          {/* The email's HTML in a sandboxed frame that runs nothing (email-preview-frame.tsx). */}
          <EmailPreviewFrame title={t('templates.previewFrame')} html={preview.html} />
        </section>
      ) : null}
    </section>
  );
}
