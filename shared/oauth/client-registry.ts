import * as z from 'zod';
import { parseContextList } from '../context-settings';

/**
 * The shape of `cdk.json` context `gatehouse:clients` (the SaaS's registered applications),
 * kept apart from the runtime so that synth, `npm start` and config() validate it alike.
 */
const ClientId = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'must be 2–64 of a-z, 0-9, . _ -, starting with a letter or digit');
const RedirectUri = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      // RFC 6749 §3.1.2: absolute, no fragment. Loopback http is for native apps and local demos.
      return !url.hash && (url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname)) || /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol));
    } catch {
      return false;
    }
  }, 'must be an absolute URI without fragment: https, http on a loopback address, or a private-use scheme (com.example.app:)');

const Entry = z.strictObject({
  id: ClientId,
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  type: z.enum(['public', 'confidential'], { error: 'must be `public` (browser, mobile) or `confidential` (server)' }),
  redirectUris: z.array(RedirectUri).max(20).default([]),
  postLogoutRedirectUris: z.array(RedirectUri).max(20).default([]),
  /** AWS only, added by the stack: the Secrets Manager secret of a confidential client. */
  secretArn: z.string().min(20).optional(),
});

export const ClientRegistry = z.array(Entry).max(50, 'must declare at most 50 clients').superRefine((entries, check) => {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.id)) check.addIssue({ code: 'custom', path: [index, 'id'], message: `\`${entry.id}\` is declared twice` });
    seen.add(entry.id);
    if (entry.id === 'console' || entry.id === 'api') check.addIssue({ code: 'custom', path: [index, 'id'], message: `\`${entry.id}\` is Gatehouse's own` });
  });
});

export type RegisteredClient = z.output<typeof Entry>;

export function parseClients(value: unknown, source = 'gatehouse:clients'): RegisteredClient[] {
  return parseContextList(ClientRegistry, value, source, 'id');
}

