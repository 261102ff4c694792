import type { z } from 'zod';
import { Problem, validationFailed, type FieldError } from '../errors';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/**
 * `application/x-www-form-urlencoded` bodies (the OAuth endpoints, RFC 6749 §3.2), validated
 * with zod like JSON bodies. As RFC 6749 §3.1 says, a parameter sent without a value counts as
 * omitted and no parameter may be sent twice; unknown parameters are the schema's to ignore.
 */
export function parseFormBody(schema: z.ZodType | undefined, raw: string, contentType: string | undefined, maxBytes: number): unknown {
  if (Buffer.byteLength(raw) > maxBytes) throw new Problem(413, 'payload_too_large', `The body must be at most ${maxBytes} bytes.`);
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.trim() !== '' && mediaType !== FORM_MEDIA_TYPE) {
    throw new Problem(415, 'unsupported_media_type', `Send the body as ${FORM_MEDIA_TYPE}.`);
  }
  const values: Record<string, string> = {};
  const repeated: FieldError[] = [];
  for (const [name, value] of new URLSearchParams(raw)) {
    if (value === '') continue;
    if (name in values) repeated.push({ path: name, message: 'must not be sent more than once' });
    values[name] = value;
  }
  if (repeated.length) throw validationFailed(repeated);
  if (!schema) return undefined;
  const result = schema.safeParse(values);
  if (!result.success) {
    throw validationFailed(result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message })));
  }
  return result.data;
}
