import { nowSeconds } from '../clock';
import { putEmailToken } from '../data/email-tokens';
import type { EmailTokenPurpose, UserRecord } from '../data/users';
import { appLink } from '../email/templates';
import { hashToken, randomSecret } from '../ids';

export const LINK_SECONDS: Record<EmailTokenPurpose, number> = {
  verifyEmail: 7 * 86400,
  activation: 7 * 86400,
  reset: 3600,
};

const PAGE: Record<EmailTokenPurpose, string> = { verifyEmail: '/verify-email', activation: '/activate', reset: '/reset-password' };

/**
 * A single-use emailed link for one purpose: 256 random bits, stored only as a hash that is
 * also recorded on the user, so issuing the next link of the same purpose kills this one.
 */
export function newLink(user: Pick<UserRecord, 'orgId' | 'id' | 'email'>, purpose: EmailTokenPurpose) {
  const token = randomSecret();
  const hash = hashToken(purpose, token);
  const expiresAtSeconds = nowSeconds() + LINK_SECONDS[purpose];
  return {
    hash,
    url: appLink(PAGE[purpose], token),
    expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
    item: putEmailToken({
      hash,
      purpose,
      orgId: user.orgId,
      userId: user.id,
      email: purpose === 'verifyEmail' ? user.email?.toLowerCase() : undefined,
      expiresAt: expiresAtSeconds,
    }),
  };
}
