import { domainToASCII } from 'node:url';

/**
 * Consumer mail domains: anyone can get an address there, so no organization may claim one
 * (shared/api/sso.md). `gmx.*` covers GMX's country domains.
 */
export const CONSUMER_DOMAINS = [
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com',
  'rocketmail.com', 'icloud.com', 'me.com', 'mac.com', 'proton.me', 'protonmail.com', 'pm.me', 'aol.com', 'gmx.*',
  'mail.com', 'zoho.com', 'yandex.com', 'yandex.ru', 'mail.ru', 'web.de', 'qq.com', '163.com', '126.com', 'fastmail.com',
  'hey.com', 'tutanota.com', 'tuta.io',
] as const;

export function isConsumerDomain(domain: string): boolean {
  return CONSUMER_DOMAINS.some((entry) => (entry.endsWith('.*') ? domain.startsWith(entry.slice(0, -1)) && domain.split('.').length === 2 : domain === entry))
    || /^(hotmail|outlook|yahoo|live)\.[a-z.]+$/.test(domain);
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A host name of at least two labels, lower case, IDNs as punycode; undefined when it is not one. */
export function normalizeDomain(input: string): string | undefined {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, '');
  if (!trimmed || /[\s/:*@?#\\]/.test(trimmed)) return undefined;
  const ascii = domainToASCII(trimmed);
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels.at(-1)!)) return undefined;
  return ascii;
}

/** The domain part of an email address, normalised like claimed domains. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  return at > 0 ? normalizeDomain(email.slice(at + 1)) : undefined;
}

export const challengeName = (domain: string) => `_gatehouse-challenge.${domain}`;
export const challengeValue = (token: string) => `gatehouse-domain-verification=${token}`;
