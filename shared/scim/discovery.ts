import { CORE_GROUP, CORE_USER, ENTERPRISE_USER, LIST_RESPONSE, scimBaseUrl } from './resources';
import { scimNotFound } from './errors';

/**
 * The discovery documents (RFC 7644 §4, RFC 7643 §5–7) as static data: what this service
 * supports, its two resource types and the three schemas it reads.
 */
type Attribute = Record<string, unknown>;
const attr = (name: string, extra: Attribute = {}): Attribute => ({
  name, type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra,
});
const complex = (name: string, subAttributes: Attribute[], extra: Attribute = {}) => attr(name, { type: 'complex', subAttributes, ...extra });

const USER_ATTRIBUTES = [
  attr('userName', { required: true, uniqueness: 'server', description: 'The login; its case is kept, uniqueness ignores it' }),
  complex('name', [attr('formatted'), attr('familyName'), attr('givenName')]),
  attr('displayName'),
  attr('locale'),
  attr('preferredLanguage'),
  attr('active', { type: 'boolean' }),
  attr('password', { mutability: 'writeOnly', returned: 'never', description: 'Accepted and ignored' }),
  complex('emails', [attr('value'), attr('type', { canonicalValues: ['work'] }), attr('primary', { type: 'boolean' })], { multiValued: true, description: 'One address is kept: the primary, else work, else first' }),
  complex('groups', [attr('value', { mutability: 'readOnly' }), attr('$ref', { type: 'reference', referenceTypes: ['Group'], mutability: 'readOnly' }), attr('display', { mutability: 'readOnly' })], { multiValued: true, mutability: 'readOnly' }),
];
const GROUP_ATTRIBUTES = [
  attr('displayName', { required: true, uniqueness: 'server' }),
  complex('members', [attr('value', { mutability: 'immutable' }), attr('$ref', { type: 'reference', referenceTypes: ['User'], mutability: 'immutable' }), attr('display', { mutability: 'readOnly' }), attr('type', { mutability: 'immutable' })], { multiValued: true }),
];
const ENTERPRISE_ATTRIBUTES = [
  attr('employeeNumber'), attr('costCenter'), attr('organization'), attr('division'), attr('department'),
  complex('manager', [attr('value'), attr('$ref', { type: 'reference', referenceTypes: ['User'] }), attr('displayName', { mutability: 'readOnly' })]),
];

const schemaDocument = (id: string, name: string, attributes: Attribute[]) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id,
  name,
  attributes,
  meta: { resourceType: 'Schema', location: `${scimBaseUrl()}/Schemas/${id}` },
});

const schemas = () => [
  schemaDocument(CORE_USER, 'User', USER_ATTRIBUTES),
  schemaDocument(CORE_GROUP, 'Group', GROUP_ATTRIBUTES),
  schemaDocument(ENTERPRISE_USER, 'EnterpriseUser', ENTERPRISE_ATTRIBUTES),
];

const resourceTypes = () => [
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User', name: 'User', endpoint: '/Users', schema: CORE_USER,
    schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
    meta: { resourceType: 'ResourceType', location: `${scimBaseUrl()}/ResourceTypes/User` },
  },
  {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'Group', name: 'Group', endpoint: '/Groups', schema: CORE_GROUP,
    meta: { resourceType: 'ResourceType', location: `${scimBaseUrl()}/ResourceTypes/Group` },
  },
];

const list = (items: unknown[]) => ({ schemas: [LIST_RESPONSE], totalResults: items.length, startIndex: 1, itemsPerPage: items.length, Resources: items });

export const serviceProviderConfig = () => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  documentationUri: `${scimBaseUrl().replace(/\/scim\/v2$/, '')}/openapi.json`,
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: 100 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [
    { type: 'oauthbearertoken', name: 'SCIM token', description: 'Authorization: Bearer gscim_…, created by the organization owner in Settings → Provisioning', primary: true },
  ],
  meta: { resourceType: 'ServiceProviderConfig', location: `${scimBaseUrl()}/ServiceProviderConfig` },
});

export const resourceTypeList = () => list(resourceTypes());
export function resourceType(name: string) {
  const found = resourceTypes().find((type) => type.id === name);
  if (!found) throw scimNotFound('No such resource type.');
  return found;
}
export const schemaList = () => list(schemas());
export function schemaById(urn: string) {
  const found = schemas().find((schema) => schema.id === urn);
  if (!found) throw scimNotFound('No such schema.');
  return found;
}
