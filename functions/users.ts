import { lambdaHandler } from '../shared/http/pipeline';
import { usersRoutes } from '../shared/http/routes/users';
import { userReply } from '../shared/services/account';
import { createApiToken, listApiTokens, revokeApiToken } from '../shared/services/api-tokens';
import { resetForUser } from '../shared/services/mfa';
import { endOrgSessions, endUserSessions, listUserSessions } from '../shared/services/session-management';
import { transferOwnership } from '../shared/services/transfer';
import * as users from '../shared/services/users';
import { importUsers } from '../shared/services/user-import';
import { exportUsers } from '../shared/services/user-export';

export const handler = lambdaHandler(usersRoutes, {
  transferOwnership: async ({ ctx, body }) => ({ status: 200, body: await transferOwnership(ctx, body) }),
  listUsers: async ({ ctx, query }) => ({ status: 200, body: await users.list(ctx, query) }),
  inviteUser: async ({ ctx, body }) => ({ status: 201, body: await users.invite(ctx, body) }),
  importUsers: async ({ ctx, body }) => ({ status: 200, body: await importUsers(ctx, body) }),
  exportUsers: async ({ ctx, query }) => {
    const exported = await exportUsers(ctx, query.format);
    const date = new Date().toISOString().slice(0, 10);
    return exported.format === 'csv'
      ? { status: 200, body: exported.csv, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="users-${date}.csv"` } }
      : { status: 200, body: { items: exported.items } };
  },
  getUser: async ({ ctx, params }) => userReply(await users.show(ctx, params.id!)),
  patchUser: async ({ ctx, params, body, ifMatch }) => userReply(await users.patch(ctx, params.id!, body, ifMatch)),
  deleteUser: async ({ ctx, params, query }) => {
    await users.remove(ctx, params.id!, query.confirm);
    return { status: 204 };
  },
  reissueActivation: async ({ ctx, params }) => ({ status: 201, body: await users.reissueActivation(ctx, params.id!) }),
  revokeActivation: async ({ ctx, params }) => {
    await users.revokeActivation(ctx, params.id!);
    return { status: 204 };
  },
  issuePasswordReset: async ({ ctx, params }) => ({ status: 201, body: await users.issuePasswordReset(ctx, params.id!) }),
  revokePasswordReset: async ({ ctx, params }) => {
    await users.revokePasswordReset(ctx, params.id!);
    return { status: 204 };
  },
  resetUserMfa: async ({ ctx, params }) => {
    await resetForUser(ctx, await users.loadTarget(ctx, params.id!));
    return { status: 204 };
  },
  listUserApiTokens: async ({ ctx, params }) => ({ status: 200, body: listApiTokens(await users.tokenOwner(ctx, params.id!, 'read')) }),
  createUserApiToken: async ({ ctx, params, body }) => ({
    status: 201,
    body: await createApiToken(ctx, await users.tokenOwner(ctx, params.id!, 'manage'), body),
  }),
  revokeUserApiToken: async ({ ctx, params }) => {
    await revokeApiToken(ctx, await users.tokenOwner(ctx, params.id!, 'manage'), params.tokenId!);
    return { status: 204 };
  },
  listUserSessions: async ({ ctx, params }) => ({ status: 200, body: await listUserSessions(ctx, params.id!) }),
  endUserSessions: async ({ ctx, params }) => {
    await endUserSessions(ctx, params.id!);
    return { status: 204 };
  },
  endOrgSessions: async ({ ctx, body }) => ({ status: 200, body: await endOrgSessions(ctx, body) }),
});
