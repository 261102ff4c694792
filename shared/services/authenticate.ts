import type { Principal } from '../context';
import { unauthorized } from '../errors';
import { authenticateApiToken } from './api-tokens';
import { authenticateAccessToken } from './sessions';

/** `Authorization: Bearer` carries either an access token (JWT) or an API token (`ghp_…`). */
export async function authenticate(bearer: string): Promise<Principal> {
  if (bearer.startsWith('ghp_')) {
    const principal = await authenticateApiToken(bearer);
    if (!principal) throw unauthorized('The API token is not valid.');
    return principal;
  }
  return authenticateAccessToken(bearer);
}
