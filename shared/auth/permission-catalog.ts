import * as z from 'zod';
import { parseContextList } from '../context-settings';

/**
 * The shape of the deployment's permission catalog (`cdk.json` context `gatehouse:permissions`),
 * kept apart from the runtime so that synth, `npm start` and config() validate it alike.
 */
/** Tokens carry every permission in `scope`: a bounded catalog keeps them small. */
export const MAX_PERMISSIONS = 64;
/**
 * The names together, space-separated as a token's `scope`, at most this long: with them all
 * an RS256 access token stays under 4 KB (the limit many proxies, cookies and headers keep).
 * 64 names of 31 characters fit; 64 of the longest allowed (40) would not.
 */
export const MAX_SCOPE_CHARS = 2048;
export const PERMISSION_NAME = /^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/;

export const PermissionName = z
  .string()
  .max(40, 'must be at most 40 characters')
  .regex(PERMISSION_NAME, 'must be `module:action` in lower case (a-z, 0-9, _ and -), e.g. `settings:read`');

const Entry = z.strictObject({
  name: PermissionName,
  description: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  module: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be 1–40 of a-z, 0-9, _ and -, starting with a letter'),
  dangerous: z.boolean().default(false),
  // `root` holds every permission always, so it is never a default to give.
  defaultFor: z.array(z.enum(['admin', 'developer'], { error: 'must list only `admin` or `developer` (root holds every permission)' })).default([]),
});

/** The deployment's catalog as `cdk.json` context `gatehouse:permissions` declares it. */
export const PermissionCatalog = z
  .array(Entry)
  .max(MAX_PERMISSIONS, `must declare at most ${MAX_PERMISSIONS} permissions`)
  .superRefine((entries, check) => {
    const scopeChars = entries.map((entry) => entry.name).join(' ').length;
    if (scopeChars > MAX_SCOPE_CHARS) {
      check.addIssue({
        code: 'custom',
        path: [],
        message: `the names take ${scopeChars} characters together in a token's scope; at most ${MAX_SCOPE_CHARS} keep an access token holding them all under 4 KB (shorten some names)`,
      });
    }
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.name)) check.addIssue({ code: 'custom', path: [index, 'name'], message: `\`${entry.name}\` is declared twice` });
      seen.add(entry.name);
      if (new Set(entry.defaultFor).size !== entry.defaultFor.length) {
        check.addIssue({ code: 'custom', path: [index, 'defaultFor'], message: 'names a role twice' });
      }
    });
  });

/** One entry of the deployment's permission catalog (`cdk.json` context `gatehouse:permissions`). */
export type Permission = z.output<typeof Entry>;

/**
 * A mistake in the catalog, said in one line per problem that names the entry and the field
 * (`gatehouse:permissions[2] "Settings:Read" name: must be …`), for synth and `npm start`
 * to print instead of a stack trace.
 */
export function parseCatalog(value: unknown, source = 'gatehouse:permissions'): Permission[] {
  return parseContextList(PermissionCatalog, value, source, 'name');
}

