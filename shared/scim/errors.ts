import { Problem } from '../errors';

/**
 * SCIM errors (RFC 7644 §3.12), typed like the rest of the house: a status, the RFC's
 * `scimType` where it defines one, and a detail. Routes whose table entry says `errors: 'scim'`
 * answer them as `application/scim+json`; the pipeline's one mapper renders them (see
 * `toScimError`), so the services below SCIM keep throwing their ordinary Problems.
 */
export type ScimType =
  | 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget'
  | 'invalidValue' | 'invalidVers' | 'sensitive';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
export const SCIM_CHALLENGE = 'Bearer realm="scim"';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status}${scimType ? ` ${scimType}` : ''}: ${detail}`);
    this.name = 'ScimError';
  }

  toJSON() {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.status >= 500 && this.status !== 501 && this.status !== 503 ? 'The server could not answer; the request id identifies it.' : this.detail,
    };
  }
}

export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');
export const invalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax');
export const invalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter');
export const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const noTarget = (detail: string) => new ScimError(400, detail, 'noTarget');
export const mutability = (detail: string, status = 400) => new ScimError(status, detail, 'mutability');
export const uniqueness = (detail: string) => new ScimError(409, detail, 'uniqueness');
export const scimNotFound = (detail = 'No such resource.') => new ScimError(404, detail);
export const scimUnauthorized = (detail = 'A valid SCIM token is required (Authorization: Bearer gscim_…).') =>
  new ScimError(401, detail, undefined, { 'WWW-Authenticate': SCIM_CHALLENGE });

/** The house's codes that mean a SCIM uniqueness conflict. */
const UNIQUENESS = new Set(['login_taken', 'email_taken', 'external_id_taken', 'display_name_taken']);
/** Problems from the pipeline's own parsing of the body. */
const SYNTAX = new Set(['invalid_json', 'invalid_utf8']);

/**
 * Any error thrown while serving a SCIM route, as the SCIM error to answer. Problems keep their
 * status; the codes that have a SCIM meaning get its `scimType`. Anything unknown is a 500
 * whose detail stays in the log.
 */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  if (!(error instanceof Problem)) return new ScimError(500, 'internal error');
  const fields = error.errors?.length ? ` ${error.errors.map((field) => `${field.path}: ${field.message}`).join('; ')}` : '';
  const detail = `${error.detail}${fields}`;
  if (error.status === 401) return scimUnauthorized(detail);
  if (error.status === 409 && UNIQUENESS.has(error.code)) return uniqueness(detail);
  if (error.status === 400) {
    if (SYNTAX.has(error.code)) return invalidSyntax(detail);
    // A body that is not a JSON object is the one validation the pipeline makes of SCIM bodies.
    if (error.code === 'validation_failed' && error.errors?.some((field) => field.path === '(body)' || !field.path.startsWith('query'))) {
      return invalidSyntax(detail);
    }
    return invalidValue(detail);
  }
  return new ScimError(error.status, detail, undefined, error.headers);
}
