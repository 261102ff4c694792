import { useState } from 'preact/hooks';
import { request } from '../api';
import { useT } from '../i18n';
import { sentenceFor } from '../problems';
import { Link } from '../router';
import { useSession } from '../session';
import { Alert, Page, Success, useAction } from '../ui';
import { IMPORT_COLUMNS, parseUsersFile, runImport, UsersFileError, type FileRow, type ImportReport, type ReportRow } from '../../../shared/users-file';

/**
 * Rows per call from the console: about twenty calls per file, so the progress bar moves,
 * without an audit event per handful of rows (each call is one event); never over the API's 500.
 */
const rowsPerCall = (rows: number) => Math.min(500, Math.max(25, Math.ceil(rows / 20)));

/** Offers text as a file download (the report, the export) without a round trip. */
export function offerDownload(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Progress(props: { label: string; done: number; total: number }) {
  const { t } = useT();
  return (
    <div class="field" data-testid="import-progress">
      <label for="import-progress-bar">{props.label}</label>
      <progress id="import-progress-bar" max={props.total} value={props.done}>
        {t('import.progress', { done: props.done, total: props.total })}
      </progress>
      <p aria-live="polite">
        {t('import.progress.rows', { done: props.done, total: props.total })}
      </p>
    </div>
  );
}

function ReportTable(props: { report: ImportReport; caption: string }) {
  const { t } = useT();
  const rows = props.report.items.filter((item) => item.status === 'invalid');
  const { created, unchanged, invalid } = props.report.counts;
  return (
    <div data-testid="import-report">
      <p>{t('import.counts', { dryRun: String(props.report.dryRun), created, unchanged, invalid })}</p>
      {rows.length ? (
        <table class="cards">
          <caption>{props.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('import.row')}</th>
              <th scope="col">{t('admin.login')}</th>
              <th scope="col">{t('import.problems')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((item: ReportRow) => (
              <tr key={item.row}>
                <td data-label={t('import.row')}>{item.row}</td>
                <td data-label={t('admin.login')}>{item.login ?? '—'}</td>
                <td data-label={t('import.problems')}>{(item.errors ?? []).map((error) => `${error.path}: ${error.message}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/**
 * Import page (owner only): choose a JSON or CSV file, check it with a dry run (every row's
 * problems shown), then import it with a progress bar and download the row-by-row report.
 */
export function UserImport() {
  const { t } = useT();
  const [file, setFile] = useState<{ name: string; rows: FileRow[] }>();
  const [fileError, setFileError] = useState<string>();
  const [sendInvitations, setSendInvitations] = useState(false);
  const [progress, setProgress] = useState<{ label: string; done: number; total: number }>();
  const [preview, setPreview] = useState<ImportReport>();
  const [report, setReport] = useState<ImportReport>();
  const action = useAction();

  const run = (dryRun: boolean) =>
    action.run(async () => {
      if (!file) return;
      const label = dryRun ? t('import.checking') : t('import.importing');
      setProgress({ label, done: 0, total: file.rows.length });
      const result = await runImport(
        file.name,
        file.rows,
        { dryRun, rowsPerCall: rowsPerCall(file.rows.length) },
        async (users) => (await request<{ items: ReportRow[] }>('POST', '/v1/users/import', { body: { users, dryRun, sendInvitations } })).body.items,
        (done, total) => setProgress({ label, done, total }),
      );
      if (dryRun) setPreview(result);
      else setReport(result);
    });

  return (
    <Page title={t('import.title')} wide>
      <p>
        <Link href="/settings/users">{t('user.back')}</Link>
      </p>
      <p>
        {t('import.intro.columns')} <code>{IMPORT_COLUMNS.join(', ')}</code>
      </p>
      <p>{t('import.intro.hashes', { column: 'passwordHash' })}</p>
      <div class="field">
        <label for="import-file">{t('import.file')}</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          onChange={async (event) => {
            const chosen = event.currentTarget.files?.[0];
            setFile(undefined);
            setPreview(undefined);
            setReport(undefined);
            setProgress(undefined);
            setFileError(undefined);
            if (!chosen) return;
            try {
              setFile({ name: chosen.name, rows: parseUsersFile(await chosen.text(), chosen.name) });
            } catch (error) {
              setFileError(t('import.file.unreadable', { detail: error instanceof UsersFileError ? error.message : String(error) }));
            }
          }}
        />
      </div>
      {fileError ? <Alert>{fileError}</Alert> : null}
      {file ? (
        <>
          <p>{t('import.file.rows', { file: file.name, count: file.rows.length })}</p>
          <label class="inline">
            <input type="checkbox" checked={sendInvitations} onChange={(event) => setSendInvitations(event.currentTarget.checked)} />{' '}
            {t('import.sendInvitations')}
          </label>
          <div class="actions">
            <button type="button" disabled={action.busy || file.rows.length === 0} onClick={() => run(true)}>
              {t('import.check')}
            </button>
            <button type="button" disabled={action.busy || !preview || Boolean(report)} onClick={() => run(false)}>
              {t('import.run', { count: file.rows.length })}
            </button>
          </div>
        </>
      ) : null}
      {progress ? <Progress {...progress} /> : null}
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
      {preview && !report ? (
        <section aria-labelledby="preview-title">
          <h2 id="preview-title">{t('import.preview')}</h2>
          <ReportTable report={preview} caption={t('import.preview.caption')} />
        </section>
      ) : null}
      {report ? (
        <section aria-labelledby="report-title">
          <h2 id="report-title">{t('import.report')}</h2>
          <Success>{t('import.done')}</Success>
          <ReportTable report={report} caption={t('import.report.caption')} />
          <button type="button" onClick={() => offerDownload(`${file?.name ?? 'users'}.report.json`, 'application/json', `${JSON.stringify(report, null, 2)}\n`)}>
            {t('import.report.download')}
          </button>
        </section>
      ) : null}
    </Page>
  );
}

/** On the users list, for the owner: the way to the import page and the export downloads. */
export function UsersImportExport() {
  const { t } = useT();
  const { me } = useSession();
  const action = useAction();
  if (me?.role !== 'root') return null;
  const download = (format: 'csv' | 'json') =>
    action.run(async () => {
      const { body } = await request<string>('GET', `/v1/users/export?format=${format}`, { text: true });
      offerDownload(`users-${new Date().toISOString().slice(0, 10)}.${format}`, format === 'csv' ? 'text/csv' : 'application/json', body);
    });
  return (
    <div class="actions" data-testid="users-import-export">
      <Link href="/settings/users/import">{t('import.title')}</Link>
      <button type="button" disabled={action.busy} onClick={() => download('csv')}>
        {t('import.export', { format: 'CSV' })}
      </button>
      <button type="button" disabled={action.busy} onClick={() => download('json')}>
        {t('import.export', { format: 'JSON' })}
      </button>
      {action.error ? <Alert>{sentenceFor(action.error)}</Alert> : null}
    </div>
  );
}
