import { ENTERPRISE_USER, MAX_MEMBER_VALUES, readMemberIds } from './resources';
import { ScimError, invalidPath, invalidSyntax, invalidValue, noTarget } from './errors';

/**
 * What Okta and Microsoft Entra ID send that RFC 7644 §3.5.2 does not say, brought into one
 * form before anything is validated or applied (STYLE §14). The IdPs' own documents:
 *
 * - Okta, "SCIM 2.0 protocol reference"
 *   (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20): user updates are a
 *   path-less `{"op":"replace","value":{"active":false}}`; Group Push renames with a path-less
 *   replace whose value repeats the group's `id`, and edits members with `add` path `members`,
 *   `remove` path `members[value eq "<id>"]` or a full `replace`.
 * - Microsoft, "Known issues and resolutions with SCIM 2.0 protocol compliance"
 *   (learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility)
 *   and "Tutorial: Develop a sample SCIM endpoint"
 *   (…/app-provisioning/use-scim-to-provision-users-and-groups): ops are `Add`/`Replace`/
 *   `Remove`; booleans arrive as `"True"`/`"False"`; with the `aadOptscim062020` flag a
 *   path-less replace carries dotted and URN keys (`"name.givenName"`,
 *   `"urn:…:enterprise:2.0:User:employeeNumber"`); member removal is
 *   `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}` (MicrosoftDocs/azure-docs#30826),
 *   which removes exactly those members; added members carry `"$ref": null`.
 *
 * scim-patch then applies the RFC forms (patch.ts), behind the guards the research note lists.
 */
export type Kind = 'User' | 'Group';

/** One attribute operation for scim-patch, with its path canonical. */
export interface AttributeOp {
  kind: 'attribute';
  op: 'add' | 'replace' | 'remove';
  path: string;
  /** The attribute it touches, canonical (`active`, `name`, `emails`, the enterprise URN…). */
  attribute: string;
  value?: unknown;
}
/** Members are an id set (research note §6): Gatehouse applies these itself. */
export interface MembersOp {
  kind: 'members';
  op: 'add' | 'remove' | 'replace' | 'clear';
  ids: string[];
}
export type NormalOp = AttributeOp | MembersOp;

const USER_ATTRIBUTES = [
  'active', 'userName', 'externalId', 'displayName', 'name', 'emails', 'locale', 'preferredLanguage', 'password',
  'id', 'meta', 'groups', 'schemas',
  // Accepted and dropped (shared/api/scim.md): never stored, never echoed.
  'title', 'nickName', 'profileUrl', 'userType', 'timezone', 'phoneNumbers', 'addresses', 'ims', 'photos', 'entitlements', 'roles', 'x509Certificates',
];
const GROUP_ATTRIBUTES = ['displayName', 'externalId', 'members', 'id', 'meta', 'schemas'];
const NAME_PARTS = ['givenName', 'familyName', 'formatted', 'middleName', 'honorificPrefix', 'honorificSuffix'];
const ENTERPRISE_PARTS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'];
const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i;
const canonical = (list: string[], name: string) => list.find((entry) => entry.toLowerCase() === name.toLowerCase());
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `"True"`/`"False"` where a boolean belongs (Entra's default mode); other strings stay and fail validation later. */
function coerceBoolean(value: unknown): unknown {
  return typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
}

function coerceEmails(value: unknown): unknown {
  const fix = (entry: unknown) => (isObject(entry) && 'primary' in entry ? { ...entry, primary: coerceBoolean(entry.primary) } : entry);
  return Array.isArray(value) ? value.map(fix) : fix(value);
}

/** A path made canonical (attribute names' case, the core URN dropped), or 400 invalidPath. */
function canonicalPath(kind: Kind, raw: string): { path: string; attribute: string } {
  const path = raw.trim().replace(CORE_PREFIX, '');
  if (kind === 'User' && path.toLowerCase().startsWith(ENTERPRISE_USER.toLowerCase())) {
    const rest = path.slice(ENTERPRISE_USER.length);
    if (rest === '') return { path: ENTERPRISE_USER, attribute: ENTERPRISE_USER };
    if (!rest.startsWith(':')) throw invalidPath(`Unknown path ${raw}.`);
    const [part, ...sub] = rest.slice(1).split('.');
    const name = canonical(ENTERPRISE_PARTS, part!);
    if (!name || (sub.length && (name !== 'manager' || sub.join('.').toLowerCase() !== 'value' && sub.join('.').toLowerCase() !== 'displayname'))) {
      throw invalidPath(`Unknown path ${raw}.`);
    }
    return { path: `${ENTERPRISE_USER}:${name}${sub.length ? `.${sub[0]!.toLowerCase() === 'value' ? 'value' : 'displayName'}` : ''}`, attribute: ENTERPRISE_USER };
  }
  const match = /^([A-Za-z0-9_$-]+)(.*)$/.exec(path);
  if (!match) throw invalidPath(`Unknown path ${raw}.`);
  const attribute = canonical(kind === 'User' ? USER_ATTRIBUTES : GROUP_ATTRIBUTES, match[1]!);
  if (!attribute) throw invalidPath(`Unknown path ${raw}.`);
  let rest = match[2]!;
  if (attribute === 'name' && rest.startsWith('.')) {
    const part = canonical(NAME_PARTS, rest.slice(1));
    if (!part) throw invalidPath(`Unknown path ${raw}.`);
    rest = `.${part}`;
  }
  return { path: `${attribute}${rest}`, attribute };
}

/** `members[value eq "<id>"]` (Okta, Entra with the flag): the one id it names. */
function memberFilterId(path: string): string | undefined {
  const match = /^members\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$/i.exec(path.trim());
  return match ? JSON.parse(`"${match[1]}"`) : undefined;
}

function attributeOp(kind: Kind, op: AttributeOp['op'], rawPath: string, value: unknown): NormalOp[] {
  if (kind === 'Group') {
    const id = memberFilterId(rawPath);
    if (id !== undefined) {
      if (op !== 'remove') throw invalidPath('Only remove may name a member by value filter; add or replace members instead.');
      return [{ kind: 'members', op: 'remove', ids: [id] }];
    }
  }
  const { path, attribute } = canonicalPath(kind, rawPath);
  if (attribute === 'members' && path === 'members') {
    if (op === 'remove') return [value === undefined || value === null ? { kind: 'members', op: 'clear', ids: [] } : { kind: 'members', op: 'remove', ids: readMemberIds(value) }];
    return [{ kind: 'members', op, ids: readMemberIds(value) }];
  }
  if (attribute === 'members') throw invalidPath(`Unknown path ${rawPath}.`);
  // A URN path holding an object: one operation per attribute of the extension.
  if (attribute === ENTERPRISE_USER && path === ENTERPRISE_USER && op !== 'remove') {
    if (!isObject(value)) throw invalidValue(`${ENTERPRISE_USER} takes an object.`);
    return Object.entries(value).flatMap(([key, inner]) => attributeOp(kind, op, `${ENTERPRISE_USER}:${key}`, inner));
  }
  let fixed = value;
  if (path === 'active' || /\.primary$/.test(path)) fixed = coerceBoolean(value);
  else if (path === 'emails') fixed = coerceEmails(value);
  return [{ kind: 'attribute', op, path, attribute, ...(fixed === undefined ? {} : { value: fixed }) }];
}

/** The body of a PATCH (RFC 7644 §3.5.2) in the one form patch.ts applies. */
export function normalizePatch(body: unknown, kind: Kind): NormalOp[] {
  if (!isObject(body)) throw invalidSyntax('The body must be a PatchOp object.');
  const operations = Object.entries(body).find(([key]) => key.toLowerCase() === 'operations')?.[1];
  if (!Array.isArray(operations) || operations.length === 0) throw invalidSyntax('Operations must be a non-empty list.');
  if (operations.length > MAX_MEMBER_VALUES) throw new ScimError(400, `At most ${MAX_MEMBER_VALUES} operations per request.`, 'tooMany');
  const normal: NormalOp[] = [];
  for (const [index, operation] of operations.entries()) {
    if (!isObject(operation)) throw invalidSyntax(`Operations[${index}] must be an object.`);
    const opValue = Object.entries(operation).find(([key]) => key.toLowerCase() === 'op')?.[1];
    const op = typeof opValue === 'string' ? opValue.toLowerCase() : undefined;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw invalidSyntax(`Operations[${index}].op must be add, replace or remove.`);
    const path = Object.entries(operation).find(([key]) => key.toLowerCase() === 'path')?.[1];
    const value = Object.entries(operation).find(([key]) => key.toLowerCase() === 'value')?.[1];
    if (path !== undefined && path !== null && (typeof path !== 'string' || !path.trim())) throw invalidPath(`Operations[${index}].path must be a non-empty string.`);
    if (typeof path === 'string' && path.trim()) {
      normal.push(...attributeOp(kind, op, path, value));
      continue;
    }
    if (op === 'remove') throw noTarget('remove needs a path.');
    if (!isObject(value)) throw invalidValue(`Operations[${index}]: without a path, the value must be an object of attributes.`);
    // Path-less add/replace: one operation per key; a key may be dotted, a value path or a URN (Entra, Okta).
    for (const [key, inner] of Object.entries(value)) {
      if (CORE_PREFIX.test(`${key}:`) && isObject(inner)) {
        for (const [innerKey, innerValue] of Object.entries(inner)) normal.push(...attributeOp(kind, op, innerKey, innerValue));
      } else normal.push(...attributeOp(kind, op, key, inner));
    }
  }
  const memberValues = normal.reduce((sum, entry) => sum + (entry.kind === 'members' ? entry.ids.length : 0), 0);
  if (memberValues > MAX_MEMBER_VALUES) throw new ScimError(400, `At most ${MAX_MEMBER_VALUES} member values per request.`, 'tooMany');
  return normal;
}
