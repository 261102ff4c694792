import { clock, nowIso } from '../clock';
import { config } from '../config';
import type { ScimPrincipal } from '../context';
import { findScimToken, touchScimToken } from '../data/scim';
import { admitScimRequest } from '../data/scim-rate';
import { hashToken } from '../ids';
import { logger } from '../log';
import { ScimError } from '../scim/errors';

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

/**
 * The organization's SCIM rate (shared/api/scim.md "Rate limit"): `GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND`
 * (CDK context `gatehouse:scimRequestsPerSecond`, 50 on AWS) with bursts of twice that. Counted
 * per organization, never per token or address: one organization's burst never slows another,
 * and a second token does not double the rate. Over it: 429 with Retry-After, before anything
 * is read or written for the request.
 */
export async function admitScim(principal: ScimPrincipal, ip: string): Promise<void> {
  const perSecond = config().GATEHOUSE_LIMIT_SCIM_REQUESTS_PER_SECOND;
  const verdict = await admitScimRequest(principal.orgId, clock.now(), perSecond, 2 * perSecond);
  if (verdict.admitted) return;
  const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  logger.warn('limit reached', { event: 'abuse.rate_limited', limit: 'scim', orgId: principal.orgId, ip });
  throw new ScimError(429, `Over ${perSecond} SCIM requests per second for this organization; retry after ${seconds} s.`, undefined, { 'Retry-After': String(seconds) });
}
