import { nowSeconds } from '../clock';
import { putEmailToken } from '../data/email-tokens';
import type { EmailTokenPurpose, UserRecord } from '../data/users';
import { config } from '../config';
import { hashToken, randomSecret } from '../ids';

export const LINK_SECONDS: Record<EmailTokenPurpose, number> = {
  verifyEmail: 7 * 86400,
  activation: 7 * 86400,
  reset: 3600,
};

/**
 * Links point at APP_URL only, never at a request's Host header. The token rides in the fragment,
 * which browsers never send: it stays out of CDN and server logs and out of Referer headers.
 */
const appLink = (path: string, token: string) => `${config().APP_URL}${path}#token=${encodeURIComponent(token)}`;

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
