import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../shared/scim/filter';
import { normalizePatch } from '../../shared/scim/normalize';
import { applyAttributeOps, applyMemberOps } from '../../shared/scim/patch';
import { negotiateLocale, readUser } from '../../shared/scim/resources';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = () => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'u1',
  userName: 'Alice',
  name: { givenName: 'Alice', familyName: 'Example' },
  emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
  active: true,
  groups: [{ value: 'g1', display: 'Team' }],
  meta: { resourceType: 'User', version: 'W/"1"' },
});
const ops = (...Operations: unknown[]) => ({ Operations });
const scimTypeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { scimType?: string }).scimType;
  }
  return 'no error';
};

describe('SCIM filters (RFC 7644 §3.4.2.2, the eq/and subset)', () => {
  it('reads eq joined by and, on the indexed attributes, in any letter case', () => {
    expect(parseFilter('userName Eq "A@b.com" AND externalId eq "x\\"y"', 'User')).toEqual([
      { attribute: 'userName', value: 'A@b.com' },
      { attribute: 'externalId', value: 'x"y' },
    ]);
    expect(parseFilter('emails[type eq "work"].value eq "a@b.com"', 'User')).toEqual([{ attribute: 'email', value: 'a@b.com' }]);
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Team (EU)"', 'Group')).toEqual([{ attribute: 'displayName', value: 'Team (EU)' }]);
  });

  it('refuses everything else as invalidFilter', () => {
    for (const text of ['userName sw "a"', 'userName eq "a" or id eq "b"', 'not userName eq "a"', '(userName eq "a")', 'userName eq 1', 'displayName eq "a"', 'emails[type eq "home"].value eq "a"', 'userName', '']) {
      expect(scimTypeOf(() => parseFilter(text, 'User')), text).toBe('invalidFilter');
    }
    expect(scimTypeOf(() => parseFilter('userName eq "a"', 'Group'))).toBe('invalidFilter');
  });
});

describe('quirk normalisation and PATCH behind the guards', () => {
  it('accepts Entra’s capitalised ops, "False", and URN and dotted keys of a path-less replace', () => {
    const normal = normalizePatch(ops({ op: 'Replace', path: 'active', value: 'False' }, { op: 'replace', value: { 'name.givenName': 'Al', [`${ENTERPRISE}:department`]: 'R&D', [ENTERPRISE]: { costCenter: '7' } } }), 'User');
    const result = applyAttributeOps(user(), normal);
    expect(result.active).toBe(false);
    expect(result.name).toEqual({ givenName: 'Al', familyName: 'Example' });
    expect(result[ENTERPRISE]).toEqual({ department: 'R&D', costCenter: '7' });
    expect(readUser(result).active).toBe(false);
  });

  it('never edits its input, and refuses a changed id, meta or groups while ignoring an equal one', () => {
    const original = user();
    const snapshot = structuredClone(original);
    applyAttributeOps(original, normalizePatch(ops({ op: 'replace', path: 'displayName', value: 'X' }, { op: 'replace', value: { id: 'u1' } }), 'User'));
    expect(original).toEqual(snapshot);
    expect(scimTypeOf(() => applyAttributeOps(original, normalizePatch(ops({ op: 'replace', path: 'id', value: 'u2' }), 'User')))).toBe('mutability');
    expect(scimTypeOf(() => applyAttributeOps(original, normalizePatch(ops({ op: 'add', path: 'groups', value: [{ value: 'g2' }] }), 'User')))).toBe('mutability');
    expect(scimTypeOf(() => applyAttributeOps(original, normalizePatch(ops({ op: 'remove', path: 'meta' }), 'User')))).toBe('mutability');
  });

  it('takes Entra’s remove-by-value as removing exactly those members, and "$ref": null as nothing', () => {
    const normal = normalizePatch(ops(
      { op: 'Add', path: 'members', value: [{ $ref: null, value: 'c' }, { value: 'a' }] },
      { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'a' }, { value: 'zzz' }] },
      { op: 'remove', path: 'members[value eq "b"]' },
    ), 'Group');
    expect(applyMemberOps(['a', 'b'], normal)).toEqual(['c']);
    expect(applyMemberOps(['a', 'b'], normalizePatch(ops({ op: 'remove', path: 'members' }), 'Group'))).toEqual([]);
  });

  it('answers the RFC’s error types', () => {
    expect(scimTypeOf(() => normalizePatch(ops({ op: 'copy', path: 'active' }), 'User'))).toBe('invalidSyntax');
    expect(scimTypeOf(() => normalizePatch(ops(), 'User'))).toBe('invalidSyntax');
    expect(scimTypeOf(() => normalizePatch(ops({ op: 'remove' }), 'User'))).toBe('noTarget');
    expect(scimTypeOf(() => normalizePatch(ops({ op: 'replace', path: 'shoeSize', value: 1 }), 'User'))).toBe('invalidPath');
    expect(scimTypeOf(() => normalizePatch(ops({ op: 'add', path: 'members', value: Array.from({ length: 1001 }, (_, index) => ({ value: String(index) })) }), 'Group'))).toBe('tooMany');
    expect(scimTypeOf(() => readUser(applyAttributeOps(user(), normalizePatch(ops({ op: 'replace', path: 'active', value: 'nope' }), 'User'))))).toBe('invalidValue');
  });
});

describe('the User mapping', () => {
  it('keeps userName as sent, lower-cases the login, and picks the primary, else work, else first email', () => {
    const input = readUser({ userName: 'Bob.Smith@Example.com', emails: [{ value: 'home@x.io', type: 'home' }, { value: 'work@x.io', type: 'work' }] });
    expect(input).toMatchObject({ login: 'bob.smith@example.com', email: 'work@x.io', name: 'Bob.Smith@Example.com', scim: { userName: 'Bob.Smith@Example.com' } });
    expect(readUser({ userName: 'c@x.io' }).email).toBe('c@x.io');
    expect(scimTypeOf(() => readUser({ userName: 'a@b@c.io' }))).toBe('invalidValue');
    expect(scimTypeOf(() => readUser({ userName: 'plain' }))).toBe('invalidValue');
    expect(readUser({ userName: 'x@y.io', [ENTERPRISE]: { manager: 'm1' } }).scim.enterprise).toEqual({ manager: { value: 'm1' } });
  });

  it('negotiates the locale to a supported language', () => {
    expect([negotiateLocale('pt-BR'), negotiateLocale('en-US'), negotiateLocale('de_AT'), negotiateLocale('it'), negotiateLocale(undefined)]).toEqual(['pt-BR', 'en', 'de', null, null]);
  });
});
