import type { z } from 'zod';
import { Problem, validationFailed, type FieldError } from '../errors';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/**
 * `application/x-www-form-urlencoded` bodies (the OAuth endpoints, RFC 6749 §3.2), validated
 * with zod like JSON bodies. As RFC 6749 §3.1 says, a parameter sent without a value counts as
 * omitted and no parameter may be sent twice; unknown parameters are the schema's to ignore.
 */
export function parseFormBody(schema: z.ZodType | undefined, raw: string, contentType = ''): unknown {
  // Size, Content-Encoding, charset and UTF-8 are checked for every body before this (pipeline's bodyText).
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (raw.trim() !== '' && mediaType !== FORM_MEDIA_TYPE) {
    throw new Problem(415, 'unsupported_media_type', `Send the body as ${FORM_MEDIA_TYPE}.`);
  }
  const values: Record<string, string> = {};
  const problems: FieldError[] = [];
  for (const [name, value] of new URLSearchParams(raw)) {
    // Undecodable bytes (U+FFFD once decoded) and control characters are never part of a parameter.
    if (/[\u0000-\u001f\u007f\ufffd]/.test(name + value)) {
      problems.push({ path: name.replace(/[\u0000-\u001f\u007f\ufffd]/g, '?').slice(0, 100), message: 'must be UTF-8 text without control characters' });
      continue;
    }
    if (value === '') continue;
    if (name in values) problems.push({ path: name, message: 'must not be sent more than once' });
    values[name] = value;
  }
  if (problems.length) throw validationFailed(problems);
  if (!schema) return undefined;
  const result = schema.safeParse(values);
  if (!result.success) {
    throw validationFailed(result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message })));
  }
  return result.data;
}
