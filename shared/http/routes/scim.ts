import { route } from '../route';
import { CreateScimTokenBody, GroupMappingsBody, PatchScimSettingsBody, ScimBody, ScimGroupNamesQuery, ScimListQuery, ScimReadQuery } from '../requests/scim';

/**
 * The `scim` function's routes (functions/scim.ts): provisioning settings, SCIM tokens and the
 * group mappings in the Gatehouse API, and the SCIM 2.0 service provider under /scim/v2, which
 * takes only SCIM tokens and answers SCIM errors as application/scim+json (shared/api/scim.md).
 */
const MAX_SCIM_BODY = 1024 * 1024;

export const scimRoutes = [
  // ---- settings (Gatehouse API) ----
  route({
    method: 'GET', path: '/v1/org/scim', group: 'scim', operation: 'getScimSettings', auth: 'user',
    summary: 'Provisioning settings and the directory’s activity (root, admin)',
    responses: { 200: { description: 'Settings (with ETag)', schema: 'ScimSettings' }, 403: { description: 'Developers' } },
  }),
  route({
    method: 'PATCH', path: '/v1/org/scim', group: 'scim', operation: 'patchScimSettings', auth: 'user',
    summary: 'Set the default role of SCIM-managed users (root only)', body: PatchScimSettingsBody,
    responses: { 200: { description: 'Settings', schema: 'ScimSettings' }, 403: { description: 'Admins and developers' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'GET', path: '/v1/org/scim/tokens', group: 'scim', operation: 'listScimTokens', auth: 'user',
    summary: 'SCIM tokens, never their secret (root only)',
    responses: { 200: { description: 'Tokens', schema: 'ScimTokenList' }, 403: { description: 'Admins and developers' } },
  }),
  route({
    method: 'POST', path: '/v1/org/scim/tokens', group: 'scim', operation: 'createScimToken', auth: 'user',
    summary: 'Create a SCIM token, shown once (root only, verified email; at most 5)', body: CreateScimTokenBody,
    responses: { 201: { description: 'The token, shown once', schema: 'NewScimToken' }, 403: { description: '`email_not_verified`, or not root' }, 409: { description: '`too_many_tokens`' } },
  }),
  route({
    method: 'DELETE', path: '/v1/org/scim/tokens/{tokenId}', group: 'scim', operation: 'revokeScimToken', auth: 'user',
    summary: 'Revoke a SCIM token at once (root only)',
    responses: { 204: { description: 'Revoked' }, 403: { description: 'Admins and developers' }, 404: { description: 'No such token' } },
  }),
  route({
    method: 'GET', path: '/v1/org/scim/groups', group: 'scim', operation: 'listScimGroupNames', auth: 'user',
    summary: 'The directory’s groups, for the mapping editor (root, admin)', query: ScimGroupNamesQuery,
    responses: { 200: { description: 'Groups', schema: 'ScimGroupNamePage' }, 403: { description: 'Developers' } },
  }),
  route({
    method: 'GET', path: '/v1/org/group-mappings', group: 'scim', operation: 'getGroupMappings', auth: 'user',
    summary: 'IdP group → role and permissions, shared by SCIM and SSO (root, admin)',
    responses: { 200: { description: 'The list (with ETag)', schema: 'GroupMappingList' }, 403: { description: 'Developers' } },
  }),
  route({
    method: 'PUT', path: '/v1/org/group-mappings', group: 'scim', operation: 'putGroupMappings', auth: 'user',
    summary: 'Replace the group mapping list; IdP-managed users are recomputed (root only)', body: GroupMappingsBody,
    responses: { 200: { description: 'The list', schema: 'GroupMappingList' }, 403: { description: 'Admins and developers' }, 412: { description: 'Stale `If-Match`' } },
  }),
  // ---- SCIM 2.0 (RFC 7644) ----
  route({
    method: 'GET', path: '/scim/v2/ServiceProviderConfig', group: 'scim', operation: 'scimServiceProviderConfig', auth: 'scim', errors: 'scim',
    summary: 'What this SCIM service supports (RFC 7644 §4)',
    responses: { 200: { description: 'ServiceProviderConfig', schema: 'ScimResource' } },
  }),
  route({
    method: 'GET', path: '/scim/v2/ResourceTypes', group: 'scim', operation: 'scimResourceTypes', auth: 'scim', errors: 'scim',
    summary: 'User and Group resource types',
    responses: { 200: { description: 'ListResponse', schema: 'ScimListResponse' } },
  }),
  route({
    method: 'GET', path: '/scim/v2/ResourceTypes/{name}', group: 'scim', operation: 'scimResourceType', auth: 'scim', errors: 'scim',
    summary: 'One resource type',
    responses: { 200: { description: 'ResourceType', schema: 'ScimResource' }, 404: { description: 'Unknown' } },
  }),
  route({
    method: 'GET', path: '/scim/v2/Schemas', group: 'scim', operation: 'scimSchemas', auth: 'scim', errors: 'scim',
    summary: 'The core User, core Group and enterprise User schemas',
    responses: { 200: { description: 'ListResponse', schema: 'ScimListResponse' } },
  }),
  route({
    method: 'GET', path: '/scim/v2/Schemas/{urn}', group: 'scim', operation: 'scimSchema', auth: 'scim', errors: 'scim',
    summary: 'One schema by URN',
    responses: { 200: { description: 'Schema', schema: 'ScimResource' }, 404: { description: 'Unknown URN' } },
  }),
  route({
    method: 'GET', path: '/scim/v2/Users', group: 'scim', operation: 'scimListUsers', auth: 'scim', errors: 'scim', query: ScimListQuery,
    summary: 'Users, filtered and paged (every person of the organization)',
    responses: { 200: { description: 'ListResponse', schema: 'ScimListResponse' }, 400: { description: '`invalidFilter`, `invalidValue`' } },
  }),
  route({
    method: 'POST', path: '/scim/v2/Users', group: 'scim', operation: 'scimCreateUser', auth: 'scim', errors: 'scim', body: ScimBody, maxBodyBytes: MAX_SCIM_BODY,
    summary: 'Provision a user',
    responses: { 201: { description: 'User, with Location', schema: 'ScimResource' }, 409: { description: '`uniqueness`' } },
  }),
  route({
    method: 'GET', path: '/scim/v2/Users/{id}', group: 'scim', operation: 'scimGetUser', auth: 'scim', errors: 'scim', query: ScimReadQuery,
    summary: 'One user',
    responses: { 200: { description: 'User (with ETag)', schema: 'ScimResource' }, 404: { description: 'Unknown, another organization’s, a service account' } },
  }),
  route({
    method: 'PUT', path: '/scim/v2/Users/{id}', group: 'scim', operation: 'scimReplaceUser', auth: 'scim', errors: 'scim', body: ScimBody, maxBodyBytes: MAX_SCIM_BODY,
    summary: 'Replace a user (Okta’s full PUT)',
    responses: { 200: { description: 'User', schema: 'ScimResource' }, 403: { description: '`mutability`: the root' }, 404: { description: 'Unknown' }, 409: { description: '`uniqueness`' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'PATCH', path: '/scim/v2/Users/{id}', group: 'scim', operation: 'scimPatchUser', auth: 'scim', errors: 'scim', body: ScimBody, maxBodyBytes: MAX_SCIM_BODY,
    summary: 'Patch a user (RFC 7644 §3.5.2 and the Okta and Entra forms), atomically',
    responses: { 200: { description: 'User', schema: 'ScimResource' }, 403: { description: '`mutability`: the root' }, 404: { description: 'Unknown' }, 409: { description: '`uniqueness`' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'DELETE', path: '/scim/v2/Users/{id}', group: 'scim', operation: 'scimDeleteUser', auth: 'scim', errors: 'scim',
    summary: 'Delete a user; its userName, email and externalId are free at once',
    responses: { 204: { description: 'Deleted' }, 403: { description: '`mutability`: the root' }, 404: { description: 'Unknown' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'GET', path: '/scim/v2/Groups', group: 'scim', operation: 'scimListGroups', auth: 'scim', errors: 'scim', query: ScimListQuery,
    summary: 'Groups, filtered and paged',
    responses: { 200: { description: 'ListResponse', schema: 'ScimListResponse' }, 400: { description: '`invalidFilter`, `invalidValue`' } },
  }),
  route({
    method: 'POST', path: '/scim/v2/Groups', group: 'scim', operation: 'scimCreateGroup', auth: 'scim', errors: 'scim', body: ScimBody, maxBodyBytes: MAX_SCIM_BODY,
    summary: 'Create a group with members',
    responses: { 201: { description: 'Group, with Location', schema: 'ScimResource' }, 409: { description: '`uniqueness`' } },
  }),
  route({
    method: 'GET', path: '/scim/v2/Groups/{id}', group: 'scim', operation: 'scimGetGroup', auth: 'scim', errors: 'scim', query: ScimReadQuery,
    summary: 'One group (`excludedAttributes=members` leaves members out)',
    responses: { 200: { description: 'Group (with ETag)', schema: 'ScimResource' }, 404: { description: 'Unknown' } },
  }),
  route({
    method: 'PUT', path: '/scim/v2/Groups/{id}', group: 'scim', operation: 'scimReplaceGroup', auth: 'scim', errors: 'scim', body: ScimBody, maxBodyBytes: MAX_SCIM_BODY,
    summary: 'Replace a group and its members',
    responses: { 200: { description: 'Group', schema: 'ScimResource' }, 404: { description: 'Unknown' }, 409: { description: '`uniqueness`' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'PATCH', path: '/scim/v2/Groups/{id}', group: 'scim', operation: 'scimPatchGroup', auth: 'scim', errors: 'scim', body: ScimBody, maxBodyBytes: MAX_SCIM_BODY,
    summary: 'Patch a group and its members (atomic); 204',
    responses: { 204: { description: 'Patched' }, 404: { description: 'Unknown' }, 409: { description: '`uniqueness`' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'DELETE', path: '/scim/v2/Groups/{id}', group: 'scim', operation: 'scimDeleteGroup', auth: 'scim', errors: 'scim',
    summary: 'Delete a group; its members’ roles are recomputed',
    responses: { 204: { description: 'Deleted' }, 404: { description: 'Unknown' }, 412: { description: 'Stale `If-Match`' } },
  }),
] as const;
