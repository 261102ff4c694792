import { parse } from 'csv-parse/browser/esm/sync';

/**
 * Users files, read the same way by the CLI (`npm run users:import`) and the console's import
 * page: JSON (an array of rows, `{ users: [...] }`, or an export's `{ items: [...] }`) or CSV
 * with a header row naming the columns below. Runs in Node and in the browser.
 */
export const IMPORT_COLUMNS = [
  'login', 'name', 'email', 'role', 'status', 'emailVerified', 'origin', 'location', 'permissions', 'passwordHash', 'totpSecret',
] as const;

/** Columns an export carries that describe the source, not the user to create: skipped on import. */
export const EXPORT_ONLY_COLUMNS = ['id', 'mfaEnabled', 'mfaRequired', 'createdAt', 'updatedAt', 'lastLoginAt'] as const;

/** The API takes at most 500 rows and 1 MiB a call; a little under, to leave room for the envelope. */
export const CHUNK_ROWS = 500;
export const CHUNK_BYTES = 900_000;

export type FileRow = Record<string, unknown>;

export class UsersFileError extends Error {}

/** The export's guard against spreadsheet formulas (`'` before = + - @ tab CR), undone. */
const unguard = (value: string) => (/^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value);

function fromCsvCell(column: string, raw: string): unknown {
  const value = unguard(raw);
  if (value === '') return undefined;
  if (column === 'emailVerified') return value === 'true' ? true : value === 'false' ? false : value;
  if (column === 'permissions') return value.split(/[\s,]+/).filter(Boolean);
  return value;
}

/** What goes to the API for one record: empty cells and nulls are absent; export-only columns dropped. */
function toRow(record: Record<string, unknown>, fromCsv: boolean): FileRow {
  const row: FileRow = {};
  for (const [column, raw] of Object.entries(record)) {
    if ((EXPORT_ONLY_COLUMNS as readonly string[]).includes(column)) continue;
    // People are imported; a service account in an export keeps its `type` so the row says why it is refused.
    if (column === 'type' && raw === 'human') continue;
    const value = fromCsv && typeof raw === 'string' ? fromCsvCell(column, raw) : raw;
    if (value === undefined || value === null) continue;
    row[column] = value;
  }
  return row;
}

/** Reads a users file; `name` decides the format (.csv, otherwise JSON when it parses as JSON). */
export function parseUsersFile(text: string, name: string): FileRow[] {
  const body = text.replace(/^\uFEFF/, '');
  const looksCsv = /\.csv$/i.test(name) || !/^\s*[[{]/.test(body);
  if (!looksCsv) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new UsersFileError(`${name} is not valid JSON: ${error instanceof Error ? error.message : error}`);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { users?: unknown; items?: unknown })?.users ?? (parsed as { items?: unknown })?.items;
    if (!Array.isArray(list)) throw new UsersFileError(`${name}: expected an array of users, { "users": [...] } or an export's { "items": [...] }`);
    return list.map((item) => (item && typeof item === 'object' && !Array.isArray(item) ? toRow(item as Record<string, unknown>, false) : (item as FileRow)));
  }
  let records: Array<Record<string, string>>;
  try {
    records = parse(body, { columns: (header: string[]) => header.map((column) => column.trim()), skip_empty_lines: true, record_delimiter: ['\r\n', '\n'], relax_column_count: false });
  } catch (error) {
    throw new UsersFileError(`${name} is not valid CSV: ${error instanceof Error ? error.message : error}`);
  }
  return records.map((record) => toRow(record, true));
}

export interface Chunk {
  /** The position of the chunk's first row in the file (0-based). */
  offset: number;
  rows: FileRow[];
}

/** Consecutive rows in calls of at most 500 rows and about 900 KB each. */
export function chunkRows(rows: FileRow[], maxRows = CHUNK_ROWS, maxBytes = CHUNK_BYTES): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk = { offset: 0, rows: [] };
  let bytes = 0;
  rows.forEach((row, index) => {
    const size = new TextEncoder().encode(JSON.stringify(row)).length + 1;
    if (current.rows.length && (current.rows.length >= maxRows || bytes + size > maxBytes)) {
      chunks.push(current);
      current = { offset: index, rows: [] };
      bytes = 0;
    }
    current.rows.push(row);
    bytes += size;
  });
  if (current.rows.length) chunks.push(current);
  return chunks;
}

export interface ReportRow {
  row: number;
  login?: string;
  status: 'created' | 'unchanged' | 'invalid';
  userId?: string;
  errors?: Array<{ path: string; message: string }>;
}

export interface ImportReport {
  file: string;
  dryRun: boolean;
  counts: { created: number; unchanged: number; invalid: number };
  items: ReportRow[];
}

/**
 * Sends the file's rows chunk by chunk through `send` (the API, or the service function in
 * the CLI) and numbers each answer by its place in the file (row 1 is the first user).
 */
export async function runImport(
  file: string,
  rows: FileRow[],
  options: { dryRun: boolean; rowsPerCall?: number },
  send: (rows: FileRow[]) => Promise<Array<Omit<ReportRow, 'login'>>>,
  onProgress?: (done: number, total: number) => void,
): Promise<ImportReport> {
  const items: ReportRow[] = [];
  onProgress?.(0, rows.length);
  for (const chunk of chunkRows(rows, Math.min(options.rowsPerCall ?? CHUNK_ROWS, CHUNK_ROWS))) {
    const answers = await send(chunk.rows);
    for (const answer of answers) {
      const login = chunk.rows[answer.row - 1]?.login;
      items.push({ ...answer, row: chunk.offset + answer.row, ...(typeof login === 'string' ? { login } : {}) });
    }
    onProgress?.(chunk.offset + chunk.rows.length, rows.length);
  }
  const counts = { created: 0, unchanged: 0, invalid: 0 };
  for (const item of items) counts[item.status] += 1;
  return { file, dryRun: options.dryRun, counts, items };
}
