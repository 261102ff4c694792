import { negotiate, type Locale } from '../i18n/locales';
import { config } from '../config';
import type { ScimGroupRecord } from '../data/scim';
import type { ScimUserData, UserRecord } from '../data/users';
import { isValidLogin, LOGIN_RULE, normalizeLogin } from '../http/schemas';
import { ScimError, invalidValue } from './errors';

/**
 * The SCIM representation of Gatehouse's users and groups, and the reading of what a
 * directory sends into the input the services take (shared/api/scim.md "User resource",
 * "Group resource"). Quirks are normalised before this (normalize.ts); this is the RFC's
 * mapping and its validation.
 */
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export const scimBaseUrl = () => `${config().APP_URL}/scim/v2`;
export const etag = (version: number) => `W/"${version}"`;

const MAX_STRING = 256;
const MAX_USERNAME = 128;
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}.]+(\.[^\s@\p{Cc}.]+)+$/u;
const ENTERPRISE_STRINGS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'] as const;

// ---- answers ----

/** A name Gatehouse did not get from SCIM: all but its last word is given, the last is family. */
function splitName(name: string) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) return { givenName: words[0] ?? name, formatted: name };
  return { givenName: words.slice(0, -1).join(' '), familyName: words.at(-1)!, formatted: name };
}

const defined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;

export function toScimUser(user: UserRecord): Record<string, unknown> {
  const base = scimBaseUrl();
  const scim = user.scim;
  const enterprise = scim?.enterprise && Object.keys(scim.enterprise).length ? scim.enterprise : undefined;
  const name = scim
    ? defined({ givenName: scim.givenName, familyName: scim.familyName, formatted: scim.formatted })
    : splitName(user.name);
  return defined({
    schemas: enterprise ? [CORE_USER, ENTERPRISE_USER] : [CORE_USER],
    id: user.id,
    externalId: scim?.externalId,
    userName: scim?.userName ?? user.login,
    name: Object.keys(name).length ? name : undefined,
    displayName: scim ? (scim.displayName ?? user.name) : user.name,
    emails: user.email ? [{ value: user.email, type: 'work', primary: true }] : [],
    active: user.status !== 'deactivated',
    locale: scim?.locale,
    preferredLanguage: scim?.preferredLanguage,
    groups: Object.entries(user.scimGroups ?? {}).map(([id, display]) => ({ value: id, display, $ref: `${base}/Groups/${id}` })),
    [ENTERPRISE_USER]: enterprise,
    meta: { resourceType: 'User', created: user.createdAt, lastModified: user.updatedAt, location: `${base}/Users/${user.id}`, version: etag(user.version) },
  });
}

export function toScimGroup(group: ScimGroupRecord, display?: Map<string, string>): Record<string, unknown> {
  const base = scimBaseUrl();
  return defined({
    schemas: [CORE_GROUP],
    id: group.id,
    externalId: group.externalId,
    displayName: group.displayName,
    members: group.members.map((id) => defined({ value: id, display: display?.get(id), type: 'User', $ref: `${base}/Users/${id}` })),
    meta: { resourceType: 'Group', created: group.createdAt, lastModified: group.updatedAt, location: `${base}/Groups/${group.id}`, version: etag(group.version) },
  });
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5): top-level names; `id` and `schemas` always stay. */
export function project(resource: Record<string, unknown>, attributes?: string, excluded?: string): Record<string, unknown> {
  const names = (list?: string) => list?.split(',').map((name) => name.trim().toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/, '').split('.')[0]!).filter(Boolean);
  const keep = names(attributes);
  const drop = names(excluded);
  if (!keep?.length && !drop?.length) return resource;
  return Object.fromEntries(
    Object.entries(resource).filter(([key]) => {
      const lower = key.toLowerCase();
      if (lower === 'id' || lower === 'schemas') return true;
      if (keep?.length) return keep.includes(lower);
      return !drop!.includes(lower);
    }),
  );
}

// ---- reading what the directory sends ----

/** `true`/`false`, or Entra's `"True"`/`"False"` in any case; anything else is 400 invalidValue. */
export function readBoolean(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidValue(`${field} must be true or false.`);
}

function readString(value: unknown, field: string, max = MAX_STRING): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(`${field} must be a string.`);
  if (value.length > max) throw invalidValue(`${field} must be at most ${max} characters.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalidValue(`${field} must not contain control characters.`);
  return value;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys compared case-insensitively, as SCIM attribute names are (RFC 7643 §2.1). */
function get(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

export interface UserInput {
  login: string;
  name: string;
  email: string;
  /** Absent: keep the current state (PUT) or the default (POST: active). */
  active?: boolean;
  scim: ScimUserData;
}


/** The supported language that matches exactly, else one with the same primary subtag, else null. */
export function negotiateLocale(tag: string | undefined): Locale | null {
  if (!tag) return null;
  // Directories send `en_US`-style tags; the catalogs' own negotiation matches exact, then primary language.
  return negotiate([tag.trim().replace(/_/g, '-')]) ?? null;
}

function readEmail(body: Record<string, unknown>, userName: string): string {
  const emails = get(body, 'emails');
  let chosen: string | undefined;
  if (emails !== undefined && emails !== null) {
    if (!Array.isArray(emails)) throw invalidValue('emails must be a list.');
    const entries = emails.map((entry, index) => {
      if (!isObject(entry)) throw invalidValue(`emails[${index}] must be an object.`);
      const primary = get(entry, 'primary');
      return {
        value: readString(get(entry, 'value'), `emails[${index}].value`, 254),
        type: readString(get(entry, 'type'), `emails[${index}].type`),
        primary: primary === undefined || primary === null ? false : readBoolean(primary, `emails[${index}].primary`),
      };
    }).filter((entry) => entry.value);
    chosen = (entries.find((entry) => entry.primary) ?? entries.find((entry) => entry.type?.toLowerCase() === 'work') ?? entries[0])?.value;
  }
  chosen ??= EMAIL.test(userName) ? userName : undefined;
  if (!chosen) throw invalidValue('An email address is required: in emails, or as the userName.');
  if (!EMAIL.test(chosen)) throw invalidValue('The email address is not valid.');
  return chosen;
}

function readEnterprise(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidValue(`${ENTERPRISE_USER} must be an object.`);
  const out: Record<string, unknown> = {};
  for (const field of ENTERPRISE_STRINGS) {
    const read = readString(get(value, field), field);
    if (read !== undefined) out[field] = read;
  }
  const manager = get(value, 'manager');
  // Entra may send the manager as a bare id (apache/directory-scimple PR #1244).
  if (typeof manager === 'string') out.manager = { value: readString(manager, 'manager.value') };
  else if (isObject(manager)) {
    const managerValue = readString(get(manager, 'value'), 'manager.value');
    const display = readString(get(manager, 'displayName'), 'manager.displayName');
    if (managerValue !== undefined || display !== undefined) out.manager = defined({ value: managerValue, displayName: display });
  } else if (manager !== undefined && manager !== null) throw invalidValue('manager must be an object or a string.');
  return Object.keys(out).length ? out : undefined;
}

/** A User resource (POST, PUT, or the result of a PATCH) as the services' input. */
export function readUser(body: Record<string, unknown>): UserInput {
  const userName = readString(get(body, 'userName'), 'userName', MAX_USERNAME);
  if (!userName || !userName.trim()) throw invalidValue('userName is required.');
  const login = normalizeLogin(userName);
  if (!isValidLogin(login)) throw invalidValue(`userName must be a valid login: ${LOGIN_RULE}.`);
  const nameValue = get(body, 'name');
  if (nameValue !== undefined && nameValue !== null && !isObject(nameValue)) throw invalidValue('name must be an object.');
  const name = isObject(nameValue) ? nameValue : {};
  const givenName = readString(get(name, 'givenName'), 'name.givenName');
  const familyName = readString(get(name, 'familyName'), 'name.familyName');
  const formatted = readString(get(name, 'formatted'), 'name.formatted');
  const displayName = readString(get(body, 'displayName'), 'displayName');
  const activeValue = get(body, 'active');
  const active = activeValue === undefined || activeValue === null ? undefined : readBoolean(activeValue, 'active');
  const scim: ScimUserData = defined({
    userName,
    externalId: readString(get(body, 'externalId'), 'externalId'),
    givenName,
    familyName,
    formatted,
    displayName,
    locale: readString(get(body, 'locale'), 'locale'),
    preferredLanguage: readString(get(body, 'preferredLanguage'), 'preferredLanguage'),
    enterprise: readEnterprise(get(body, ENTERPRISE_USER)),
  });
  if (scim.externalId === '') throw invalidValue('externalId must not be empty.');
  const joined = [givenName, familyName].filter((part) => part && part.trim()).join(' ');
  return {
    login,
    name: displayName?.trim() || joined || userName,
    email: readEmail(body, userName),
    active,
    scim,
  };
}

export interface GroupInput {
  displayName: string;
  externalId?: string;
  /** Member user ids as sent (deduplicated); undefined when `members` was absent. */
  members?: string[];
}

export const MAX_MEMBER_VALUES = 1000;

/** Member values: only `value` counts; `$ref` (null from Entra), `display` and `type` are ignored. */
export function readMemberIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  if (list.length > MAX_MEMBER_VALUES) throw new ScimError(400, `At most ${MAX_MEMBER_VALUES} member values per request.`, 'tooMany');
  return [...new Set(list.map((member, index) => {
    const id = isObject(member) ? get(member, 'value') : member;
    if (typeof id !== 'string' || !id) throw invalidValue(`members[${index}].value must be a user id.`);
    return id;
  }))];
}

export function readGroup(body: Record<string, unknown>): GroupInput {
  const displayName = readString(get(body, 'displayName'), 'displayName');
  if (!displayName || !displayName.trim()) throw invalidValue('displayName is required.');
  const externalId = readString(get(body, 'externalId'), 'externalId');
  const members = get(body, 'members');
  return defined({ displayName, externalId: externalId || undefined, members: members === undefined || members === null ? undefined : readMemberIds(members) });
}
