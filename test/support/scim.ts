import type { Api } from './api';
import { verifiedOrg } from './factories';

export const SCIM_TYPE = 'application/scim+json';

/** A verified organization with a SCIM token made by its root. */
export async function scimOrg(api: Api, name = 'Okta production') {
  const org = await verifiedOrg(api);
  const created = await api.request('POST', '/v1/org/scim/tokens', { token: org.rootToken, body: { name } });
  if (created.status !== 201) throw new Error(`SCIM token: ${created.status} ${created.text}`);
  return { ...org, scimToken: created.body.token as string, scimTokenId: created.body.id as string };
}

/** A SCIM request as the IdPs send it: application/scim+json, the token as Bearer. */
export function scim(api: Api, token: string) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api.request(method, `/scim/v2${path}`, {
      token,
      ...(body === undefined ? {} : { body }),
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/scim+json; charset=utf-8' }), accept: SCIM_TYPE, ...headers },
    });
}

export const scimUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'Given', familyName: 'Family' },
  emails: [{ primary: true, value: userName.includes('@') ? userName : `${userName}@example.com`, type: 'work' }],
  displayName: 'Given Family',
  active: true,
  ...extra,
});
