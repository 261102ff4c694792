import { describe, expect, it } from 'vitest';
import { roleFromGroups } from '../../shared/services/group-roles';

describe('roleFromGroups (shared by SCIM and SSO)', () => {
  const mappings = [
    { group: 'Engineering', role: 'developer' as const, permissions: ['Reports:Read'] },
    { group: 'IT-Admins', role: 'admin' as const, permissions: ['Settings:Write'] },
    { group: 'Auditors', role: null, permissions: ['Reports:Read', 'Audit:Read'] },
  ];

  it('changes nothing while the list is empty', () => {
    expect(roleFromGroups([], ['IT-Admins'], 'developer')).toBeUndefined();
  });

  it('gives the highest mapped role and the union of permissions, matching names case-insensitively', () => {
    expect(roleFromGroups(mappings, ['engineering', 'it-admins', 'AUDITORS'], 'developer')).toEqual({
      role: 'admin',
      permissions: ['Audit:Read', 'Reports:Read', 'Settings:Write'],
    });
  });

  it('falls back to the default role, with no permissions, when no group is mapped', () => {
    expect(roleFromGroups(mappings, ['Sales'], 'admin')).toEqual({ role: 'admin', permissions: [] });
    expect(roleFromGroups(mappings, ['Auditors'], 'developer')).toEqual({ role: 'developer', permissions: ['Audit:Read', 'Reports:Read'] });
  });

  it('never answers root, whatever a mapping says', () => {
    const hostile = [{ group: 'x', role: 'root' as never, permissions: [] }];
    expect(roleFromGroups(hostile, ['x'], 'developer')?.role).not.toBe('root');
  });
});
