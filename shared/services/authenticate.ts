import type { Principal } from '../context';
import { unauthorized } from '../errors';
import { authenticateApiToken } from './api-tokens';
import { authenticateAccessToken } from './sessions';

/**
 * `Authorization: Bearer` carries either an access token (JWT) or an API token (`ghp_…`). A
 * SCIM token (`gscim_…`) works only on /scim/v2, whose routes authenticate it themselves.
 */
export async function authenticate(bearer: string): Promise<Principal> {
  if (bearer.startsWith('gscim_')) throw unauthorized('A SCIM token works only on /scim/v2.');
  if (bearer.startsWith('ghp_')) {
    const principal = await authenticateApiToken(bearer);
    if (!principal) throw unauthorized('The API token is not valid.');
    return principal;
  }
  return authenticateAccessToken(bearer);
}
