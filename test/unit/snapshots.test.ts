import { describe, expect, it } from 'vitest';
import { afterUpdate, userSnapshot } from '../../shared/data/snapshots';
import { newUser } from '../../shared/data/users';

const user = newUser({
  id: 'u1', orgId: 'o1', login: 'ada', name: 'Ada', email: 'ada@example.com', type: 'human', role: 'developer', status: 'active', at: '2026-12-01T00:00:00.000Z',
});

describe('event snapshots', () => {
  it('apply an update as updateUser writes it: dotted map entries, removals, the version bump; the record read stays as it was', () => {
    const read = { ...user, emailTokens: { reset: 'hash' } };
    const after = afterUpdate(read, { set: { role: 'admin', 'mfa.required': true, updatedAt: '2026-12-02T00:00:00.000Z' }, remove: ['emailTokens.reset'] });
    expect(after).toMatchObject({ role: 'admin', mfa: { enabled: false, required: true }, emailTokens: {}, version: 2, updatedAt: '2026-12-02T00:00:00.000Z' });
    expect(read).toMatchObject({ role: 'developer', mfa: { required: false }, emailTokens: { reset: 'hash' }, version: 1 });
    expect(afterUpdate(read, { set: { name: 'A' }, bumpVersion: false }).version).toBe(1);
  });

  it('carry the public user and the old value of each changed field, never a hash or token', () => {
    const after = afterUpdate({ ...user, passwordHash: '$argon2id$secret' }, { set: { role: 'admin', 'mfa.required': true } });
    const snapshot = userSnapshot(after, { ...user, passwordHash: '$argon2id$secret' });
    expect(snapshot.previous).toEqual({ role: 'developer', mfa: { enabled: false, required: false, methods: [], passkeys: 0 } });
    expect(JSON.stringify(snapshot)).not.toContain('argon2');
    expect(userSnapshot(user, user)).toEqual({ data: expect.objectContaining({ id: 'u1' }) });
  });
});
