/**
 * The From header: the deployment's address (EMAIL_FROM, `Name <address>` or a bare address)
 * with the organization's display name when it set one. RFC 5322: a display name with
 * specials is quoted; RFC 2047: one that is not ASCII is encoded, as SES requires.
 */
export function fromAddress(deploymentFrom: string, displayName?: string | null): string {
  if (!displayName) return deploymentFrom;
  const address = /<([^<>]+)>\s*$/.exec(deploymentFrom)?.[1] ?? deploymentFrom.trim();
  return `${encodeDisplayName(displayName)} <${address}>`;
}

export function encodeDisplayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[^\x20-\x7e]/.test(name)) return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name)) return name;
  return `"${name.replace(/(["\\])/g, '\\$1')}"`;
}
