import * as z from 'zod';
import { Email } from '../schemas';

/** What the `sso` function (functions/sso.ts) takes: domains, connections and the sign-in through an organization's IdP. */

const Id = z.string().min(1).max(64);

export const DomainBody = z.strictObject({ domain: z.string().min(1).max(253) });

const Pem = z.string().min(1).max(16 * 1024);
const SamlBody = z.strictObject({
  metadataXml: z.string().min(1).max(100 * 1024).optional(),
  entityId: z.string().min(1).max(1024).optional(),
  ssoUrl: z.string().min(1).max(2048).optional(),
  certificates: z.array(Pem).min(1).max(5).optional(),
  signRequests: z.boolean().optional(),
});
const OidcBody = z.strictObject({
  issuer: z.string().min(1).max(2048).optional(),
  clientId: z.string().min(1).max(512).optional(),
  clientSecret: z.string().min(1).max(2048).optional(),
});
const Jit = z.strictObject({ enabled: z.boolean(), defaultRole: z.enum(['developer', 'admin']) });
const Domains = z.array(z.string().min(1).max(253)).min(1).max(20);

export const CreateConnectionBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  protocol: z.enum(['saml', 'oidc']),
  saml: SamlBody.optional(),
  oidc: OidcBody.optional(),
  domains: Domains,
  jit: Jit,
  allowIdpInitiated: z.boolean().optional(),
  enforce: z.boolean().optional(),
  enabled: z.boolean().optional(),
});
export type CreateConnectionBody = z.infer<typeof CreateConnectionBody>;

export const PatchConnectionBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  protocol: z.enum(['saml', 'oidc']).optional(),
  saml: SamlBody.optional(),
  oidc: OidcBody.optional(),
  domains: Domains.optional(),
  jit: Jit.optional(),
  allowIdpInitiated: z.boolean().optional(),
  enforce: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

const Handle = z.string().min(1).max(200);

export const SsoStartBody = z
  .strictObject({
    email: Email.optional(),
    org: z.string().min(1).max(64).optional(),
    connection: Id.optional(),
    request: Handle.optional(),
  })
  .refine((body) => (body.email !== undefined) !== (body.org !== undefined || body.connection !== undefined), {
    message: 'give either email, or org and connection',
  })
  .refine((body) => body.email !== undefined || (body.org !== undefined && body.connection !== undefined), {
    message: 'give both org and connection',
  });

export const SsoCompleteBody = z.strictObject({ handle: Handle });

/** The IdP's HTTP-POST binding: other form fields an IdP may add are ignored. */
export const AcsForm = z.object({ SAMLResponse: z.string().min(1), RelayState: z.string().max(80).optional() });

export const OidcCallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  iss: z.string().max(2048).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
});
