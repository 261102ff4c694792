import { ScimError, scimNotFound } from './errors';

/** The SCIM paths this service answers, by the methods each allows (shared/api/scim.md "Routes"). */
const KNOWN: Array<[RegExp, string[]]> = [
  [/^\/scim\/v2\/(Users|Groups)$/, ['GET', 'POST']],
  [/^\/scim\/v2\/(Users|Groups)\/[^/]+$/, ['GET', 'PUT', 'PATCH', 'DELETE']],
  [/^\/scim\/v2\/(ServiceProviderConfig|ResourceTypes|Schemas)$/, ['GET']],
  [/^\/scim\/v2\/(ResourceTypes|Schemas)\/[^/]+$/, ['GET']],
];
/** Optional in RFC 7644 and used by no IdP we serve: 501, so a client knows not to retry. */
const NOT_IMPLEMENTED = /^\/scim\/v2\/(Bulk|Me|\.search)(\/|$)|^\/scim\/v2\/(Users|Groups)\/\.search$/;

/**
 * The SCIM error for a request under /scim/v2 that matched no route (405 for a known path's
 * other method, 501 for /Bulk, /Me and /.search, 404 otherwise); undefined outside /scim/v2.
 */
export function scimFallback(method: string, path: string): ScimError | undefined {
  if (path !== '/scim/v2' && !path.startsWith('/scim/v2/')) return undefined;
  if (NOT_IMPLEMENTED.test(path)) return new ScimError(501, 'This SCIM endpoint is not implemented (ServiceProviderConfig tells what is).');
  const known = KNOWN.find(([pattern]) => pattern.test(path));
  if (known && !known[1].includes(method)) {
    return new ScimError(405, `Use ${known[1].join(', ')}.`, undefined, { Allow: known[1].join(', ') });
  }
  return scimNotFound('No such SCIM endpoint.');
}
