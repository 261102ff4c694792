import { clock, nowIso } from '../clock';
import type { ScimPrincipal } from '../context';
import { findScimToken, touchScimToken } from '../data/scim';
import { hashToken } from '../ids';

/**
 * Authenticating the directory's SCIM tokens, apart from managing them (scim-tokens.ts), so
 * that the pipeline every function shares loads only this. SCIM tokens are `gscim_` + 256
 * random bits, shown once, kept only as a hash, never expiring.
 */
export const SCIM_TOKEN_PREFIX = 'gscim_';
export const SCIM_TOKEN_PURPOSE = 'scimToken';
const TOUCH_EVERY_MS = 60_000;
const TOKEN_SHAPE = /^gscim_[A-Za-z0-9_-]{43}$/;

/**
 * One read: the hash of the presented token names its organization, or nothing. A revoked
 * token's lookup item is gone, so it fails from the next request on. The hash is of 256
 * random bits, so finding the item by it reveals nothing a timing could exploit.
 */
export async function authenticateScimToken(token: string): Promise<ScimPrincipal | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const hash = hashToken(SCIM_TOKEN_PURPOSE, token);
  const found = await findScimToken(hash);
  if (!found) return undefined;
  if (!found.lastUsedAt || clock.now() - Date.parse(found.lastUsedAt) > TOUCH_EVERY_MS) {
    await touchScimToken(hash, 'lastUsedAt', nowIso());
  }
  return { orgId: found.orgId, slug: found.slug, tokenId: found.id, tokenName: found.name, tokenHash: hash, lastChangeAt: found.lastChangeAt };
}

/** After a change: `lastChangeAt`, written at most once a minute. */
export async function noteScimChange(principal: ScimPrincipal): Promise<void> {
  if (!principal.lastChangeAt || clock.now() - Date.parse(principal.lastChangeAt) > TOUCH_EVERY_MS) {
    const at = nowIso();
    await touchScimToken(principal.tokenHash, 'lastChangeAt', at);
    principal.lastChangeAt = at;
  }
}
