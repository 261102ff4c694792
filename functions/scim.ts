import { lambdaHandler } from '../shared/http/pipeline';
import { scimRoutes } from '../shared/http/routes/scim';
import { resourceType, resourceTypeList, schemaById, schemaList, serviceProviderConfig } from '../shared/scim/discovery';
import { etag } from '../shared/scim/resources';
import { changeScimSettings, groupMappings, replaceGroupMappings, scimGroupNames, scimSettings } from '../shared/services/provisioning';
import * as groups from '../shared/services/scim-groups';
import { createScimToken, listScimTokens, revokeScimToken } from '../shared/services/scim-tokens';
import * as users from '../shared/services/scim-users';

const versioned = <T extends { version: number }>(body: T) => ({ status: 200, body, headers: { ETag: `"${body.version}"` } });

export const handler = lambdaHandler(scimRoutes, {
  getScimSettings: async ({ ctx }) => versioned(await scimSettings(ctx)),
  patchScimSettings: async ({ ctx, body, ifMatch }) => versioned(await changeScimSettings(ctx, body.defaultRole, ifMatch)),
  listScimTokens: async ({ ctx }) => ({ status: 200, body: await listScimTokens(ctx) }),
  createScimToken: async ({ ctx, body }) => ({ status: 201, body: await createScimToken(ctx, body.name) }),
  revokeScimToken: async ({ ctx, params }) => {
    await revokeScimToken(ctx, params.tokenId!);
    return { status: 204 };
  },
  listScimGroupNames: async ({ ctx, query }) => ({ status: 200, body: await scimGroupNames(ctx, query) }),
  getGroupMappings: async ({ ctx }) => versioned(await groupMappings(ctx)),
  putGroupMappings: async ({ ctx, body, ifMatch }) => versioned(await replaceGroupMappings(ctx, body.items, ifMatch)),

  scimServiceProviderConfig: async () => ({ status: 200, body: serviceProviderConfig() }),
  scimResourceTypes: async () => ({ status: 200, body: resourceTypeList() }),
  scimResourceType: async ({ params }) => ({ status: 200, body: resourceType(params.name!) }),
  scimSchemas: async () => ({ status: 200, body: schemaList() }),
  scimSchema: async ({ params }) => ({ status: 200, body: schemaById(params.urn!) }),

  scimListUsers: async ({ ctx, query }) => ({ status: 200, body: await users.listScimUsers(ctx, query) }),
  scimCreateUser: async ({ ctx, body }) => users.userReply(await users.createScimUser(ctx, body), 201),
  scimGetUser: async ({ ctx, params, query }) => users.userReply(await users.visibleUser(ctx, params.id!), 200, query),
  scimReplaceUser: async ({ ctx, params, body, ifMatch }) => users.userReply(await users.replaceScimUser(ctx, params.id!, body, ifMatch)),
  scimPatchUser: async ({ ctx, params, body, ifMatch }) => users.userReply(await users.patchScimUser(ctx, params.id!, body, ifMatch)),
  scimDeleteUser: async ({ ctx, params, ifMatch }) => {
    await users.deleteScimUser(ctx, params.id!, ifMatch);
    return { status: 204 };
  },

  scimListGroups: async ({ ctx, query }) => ({ status: 200, body: await groups.listScimGroups(ctx, query) }),
  scimCreateGroup: async ({ ctx, body }) => {
    const group = await groups.createScimGroup(ctx, body);
    const answer = await groups.groupBody(ctx, group);
    return { status: 201, body: answer, headers: { ETag: etag(group.version), Location: (answer.meta as { location: string }).location } };
  },
  scimGetGroup: async ({ ctx, params, query }) => {
    const group = await groups.visibleGroup(ctx, params.id!);
    return { status: 200, body: await groups.groupBody(ctx, group, query), headers: { ETag: etag(group.version) } };
  },
  scimReplaceGroup: async ({ ctx, params, body, ifMatch }) => {
    const group = await groups.replaceScimGroup(ctx, params.id!, body, ifMatch);
    return { status: 200, body: await groups.groupBody(ctx, group), headers: { ETag: etag(group.version) } };
  },
  scimPatchGroup: async ({ ctx, params, body, ifMatch }) => {
    await groups.patchScimGroup(ctx, params.id!, body, ifMatch);
    return { status: 204 };
  },
  scimDeleteGroup: async ({ ctx, params, ifMatch }) => {
    await groups.deleteScimGroup(ctx, params.id!, ifMatch);
    return { status: 204 };
  },
});
