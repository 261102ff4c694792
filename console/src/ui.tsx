import { type ComponentChildren, type PartialInputHTMLAttributes, createContext } from 'preact';
import { useContext, useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { useT } from './i18n';
import { fieldErrors, sentenceFor } from './problems';
import { formatDate } from './words';

export { formatDate };

/** What the login form's organization field is: the slug, which every sign-in email names. English only: the sign-in pages use their catalog key; kept until they all do. */
export const ORG_HINT = 'Your organization’s sign-in address, e.g. acme-robotics: the short name in your invitation email, not its display name.';

/** Runs one request at a time for a form, keeping its error for display. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await action();
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/**
 * The page heading takes focus on arrival, so screen readers announce the new page. A long page
 * passes `sections` (`[id, label]` of its `<section id>`s): an "On this page" list of links
 * beside it (above it on a phone), which the browser scrolls to without the router.
 */
export function Page(props: { title: string; children: ComponentChildren; wide?: boolean; sections?: Array<[string, string]> }) {
  const { t } = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = t('ui.documentTitle', { title: props.title });
    heading.current?.focus();
  }, [props.title]);
  const body = (
    <section class={props.wide ? 'page wide' : 'page'} aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1} ref={heading}>
        {props.title}
      </h1>
      {props.children}
    </section>
  );
  if (!props.sections?.length) return body;
  return (
    <div class="with-toc">
      <nav class="toc" aria-label={t('ui.onThisPage')}>
        <p class="toc-title">{t('ui.onThisPage')}</p>
        <ul>
          {props.sections.map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>
      {body}
    </div>
  );
}

export interface FormProps {
  onSubmit: (form: FormData) => unknown;
  error?: unknown;
  busy?: boolean;
  submit: string;
  /** Problem codes that concern one field, e.g. `{ slug_taken: 'slug' }`. */
  codeFields?: Record<string, string>;
  children: ComponentChildren;
  danger?: boolean;
  label?: string;
  /** Not ready to submit (e.g. a confirmation not typed yet), as opposed to busy. */
  disabled?: boolean;
  /**
   * For a versioned record (`If-Match`): what it is (translated: it fills a sentence), and how to load its latest version. A 412
   * then says someone changed it meanwhile and offers that reload instead of a plain error.
   */
  versioned?: { what: string; reload: () => void };
}

/**
 * A form whose API errors appear as sentences: each beside its field (matched by the input's
 * `name`, which is the API's field path) and the rest in an alert at the top.
 */
const FieldErrors = createContext<Record<string, string>>({});

export function Form(props: FormProps) {
  const { t, locale } = useT();
  const stale = Boolean(props.versioned) && isStale(props.error);
  const error = stale ? undefined : props.error;
  const errors = fieldErrors(error, props.codeFields ?? {}, locale);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // Take the person to the first field that needs attention.
    const first = Object.keys(errors)[0];
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${CSS.escape(first)}"]`)?.focus();
  }, [props.error]);
  const unplaced = error && !Object.keys(errors).length ? sentenceFor(error, locale) : undefined;
  const summary =
    error instanceof ApiError && error.code === 'validation_failed' && Object.keys(errors).length ? sentenceFor(error, locale) : unplaced;
  return (
    <form
      ref={formRef}
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        if (!props.busy && !props.disabled) void props.onSubmit(new FormData(event.currentTarget));
      }}
    >
      {stale && props.versioned ? <StaleNotice what={props.versioned.what} onReload={props.versioned.reload} /> : null}
      {summary ? <Alert>{summary}</Alert> : null}
      <FieldErrors.Provider value={errors}>{props.children}</FieldErrors.Provider>
      <div class="actions">
        <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={props.busy || props.disabled} aria-busy={props.busy}>
          {props.busy ? t('ui.working') : props.submit}
        </button>
      </div>
    </form>
  );
}

type InputProps = Omit<PartialInputHTMLAttributes<HTMLInputElement>, 'label' | 'name' | 'role'> & { name: string; label: string; hint?: string };

/** A labelled input with a slot for its error sentence, tied together for screen readers. */
export function Field({ label, hint, name, ...input }: InputProps) {
  const id = useId();
  const error = useContext(FieldErrors)[name];
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        aria-invalid={error ? 'true' : undefined} aria-describedby={`${id}-error${hint ? ` ${id}-hint` : ''}`}
        // Preact 11 types <input> as a union keyed by `type`; these props are a plain subset of it.
        {...(input as Record<string, unknown>)}
      />
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

const FieldError = (props: { id?: string; message?: string }) => (
  <p class="field-error" id={props.id} aria-live="polite">
    {props.message ?? ''}
  </p>
);

export function Select(props: { name: string; label: string; value?: string; options: Array<[string, string]>; onChange?: (value: string) => void; disabled?: boolean }) {
  const id = useId();
  const error = useContext(FieldErrors)[props.name];
  // Without onChange the browser keeps what the user picks and `value` is only where it starts:
  // a controlled value would be put back whenever the form re-renders (another field's state, a
  // late fetch), and the user's pick would silently never be saved.
  const controlled = props.onChange !== undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={controlled ? props.value : undefined}
        disabled={props.disabled}
        aria-describedby={`${id}-error`}
        aria-invalid={error ? 'true' : undefined}
        onChange={(event) => props.onChange?.(event.currentTarget.value)}
      >
        {props.options.map(([value, text]) => (
          <option value={value} key={value} selected={!controlled && value === props.value ? true : undefined}>
            {text}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

export function Checkbox(props: { name: string; label: string; checked?: boolean; hint?: string }) {
  const id = useId();
  const error = useContext(FieldErrors)[props.name];
  return (
    <div class="field checkbox">
      <input type="checkbox" id={id} name={props.name} defaultChecked={props.checked} value="on" />
      <label for={id}>{props.label}</label>
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      <FieldError message={error} />
    </div>
  );
}

export const Alert = (props: { children: ComponentChildren }) => (
  <div class="alert" role="alert">
    {props.children}
  </div>
);

export const Success = (props: { children: ComponentChildren }) => (
  <div class="success" role="status">
    {props.children}
  </div>
);

/**
 * The clipboard can refuse (a denied permission, no Clipboard API, a frame without focus): "Copied"
 * is said only once the browser took the text, otherwise what to do instead, so nobody walks
 * away from a secret shown once believing it is on their clipboard.
 */
export function useCopy() {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async (text: string) => {
    try {
      if (!navigator.clipboard) throw new Error('no Clipboard API');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return { state, copy };
}

export const CopyFailed = (props: { state: 'idle' | 'copied' | 'failed' }) => {
  const { t } = useT();
  return props.state === 'failed' ? (
    <p class="field-error" role="alert">
      {t('ui.copyFailed')}
    </p>
  ) : null;
};

/** A secret the API shows exactly once: displayed with a copy button and a plain warning. */
export function OnceSecret(props: { label: string; value: string; testId?: string }) {
  const { t } = useT();
  const copied = useCopy();
  return (
    <div class="once" role="group" aria-label={props.label}>
      <p>
        <strong>{props.label}</strong>
      </p>
      <p>{t('ui.once.warning')}</p>
      <code class="secret" data-testid={props.testId}>
        {props.value}
      </code>
      <button type="button" onClick={() => copied.copy(props.value)}>
        {copied.state === 'copied' ? t('ui.copied') : t('ui.copy')}
      </button>
      <CopyFailed state={copied.state} />
    </div>
  );
}

/**
 * Recovery codes, shown once: copied or downloaded, then put away by an explicit "I have saved
 * them", so nobody leaves the page thinking they are kept somewhere for them.
 */
export function RecoveryCodes(props: { codes: string[]; onSaved?: () => void }) {
  const { t } = useT();
  const copied = useCopy();
  const [saved, setSaved] = useState(false);
  const text = `${t('ui.codes.fileHeading')}\n\n${props.codes.join('\n')}\n`;
  return (
    <div class="once" role="group" aria-label={t('ui.codes.label')}>
      <p>
        <strong>{t('ui.codes.label')}</strong>
      </p>
      <p>{t('ui.codes.warning')}</p>
      <ul class="codes" data-testid="recovery-codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" onClick={() => copied.copy(text)}>
          {copied.state === 'copied' ? t('ui.copied') : t('ui.codes.copy')}
        </button>
        <a class="button" href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download="gatehouse-recovery-codes.txt">
          {t('ui.codes.download')}
        </a>
      </div>
      <CopyFailed state={copied.state} />
      {props.onSaved ? (
        <div class="field checkbox">
          <input type="checkbox" id="codes-saved" checked={saved} onChange={(event) => setSaved(event.currentTarget.checked)} />
          <label for="codes-saved">{t('ui.codes.saved')}</label>
          <div class="actions">
            <button type="button" class="primary" disabled={!saved} onClick={props.onSaved}>
              {t('ui.codes.done')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}


/** Loads data for a page and reloads on demand; errors are kept for display. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (value) => live && setData(value),
      (caught) => live && setError(caught),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, setData, reload: () => setTick((value) => value + 1) };
}

/**
 * The answer to a 412: someone saved a newer version first. Nothing was changed; the person
 * loads the latest version (the form remounts with it) and makes their change again.
 */
function StaleNotice(props: { what: string; onReload: () => void }) {
  const { t } = useT();
  return (
    <div class="alert" role="alert">
      <p>{t('ui.stale', { what: props.what })}</p>
      <button type="button" onClick={props.onReload}>
        {t('ui.stale.reload')}
      </button>
    </div>
  );
}

const isStale = (error: unknown) => error instanceof ApiError && error.code === 'precondition_failed';
