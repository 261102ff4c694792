import type { z } from 'zod';
import type * as Responses from './responses';

/**
 * What a route of the route table (routes/index.ts) is. `group` names the Lambda function
 * (functions/<group>.ts) that serves the route.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type FunctionGroup = 'public' | 'auth' | 'me' | 'users' | 'org' | 'oauth' | 'oidc' | 'scim' | 'passkeys' | 'sso' | 'events';
/**
 * `optional`: authenticated when a Bearer token is sent (the handler sees the principal or none).
 * `scim`: a SCIM token (`gscim_…`) of the organization's directory, and no other kind of credential.
 */
export type Access = 'public' | 'user' | 'optional' | 'scim';

/** The name of an answer's schema: an export of responses.ts. */
export type ResponseSchema = { [Name in keyof typeof Responses]: (typeof Responses)[Name] extends z.ZodType ? Name : never }[keyof typeof Responses];

export interface RouteDef {
  method: Method;
  path: string;
  group: FunctionGroup;
  operation: string;
  auth: Access;
  summary: string;
  /** Without a body schema, the route accepts no body or `{}`. */
  body?: z.ZodType;
  query?: z.ZodType;
  /** Answers by status; a JSON answer names its schema in responses.ts, which only the OpenAPI document loads. */
  responses: Partial<Record<number, { description: string; schema?: ResponseSchema }>>;
  /** Answers that may be cached by clients (e.g. the JWKS). */
  cacheSeconds?: number;
  /**
   * Browser sessions, on `Prefer: refresh-token=cookie`: `issues` routes set the refresh token
   * they answer as an HttpOnly cookie instead; `reads` routes take the token from that cookie
   * (and rotate it); `ends` routes take it and clear the cookie.
   */
  sessionCookie?: 'issues' | 'reads' | 'ends';
  /**
   * How errors are answered: RFC 9457 problem+json (default), RFC 6749 `{ error, error_description }`,
   * or an HTML page for a person's browser (the OpenID Connect pages, which must not redirect on
   * an error the client cannot be trusted with), or RFC 7644 §3.12 SCIM errors as
   * `application/scim+json` (which is then also the media type of every answer and accepted
   * beside JSON for request bodies).
   */
  errors?: 'problem' | 'oauth' | 'page' | 'scim';
  /** The body's media type: JSON (default), or `application/x-www-form-urlencoded` (the OAuth endpoints). */
  encoding?: 'json' | 'form';
  /** A larger body limit than the API's 64 KiB, for bulk routes (the user import). */
  maxBodyBytes?: number;
  /** Content types of a 200 answer besides JSON (the CSV export). */
  produces?: string[];
}

export const route = <const R extends RouteDef>(definition: R) => definition;

export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>) => `${route.method} ${route.path}`;
