import type * as z from 'zod';
import type * as r from '../../shared/http/responses';
import type * as org from '../../shared/http/requests/org';

// The console's types come from the API's own schemas, so the two cannot drift apart.
export type User = z.output<typeof r.User>;
export type Org = z.output<typeof r.Org>;
export type Tokens = z.output<typeof r.Tokens>;
export type Challenge = z.output<typeof r.Challenge>;
export type Enrolment = z.output<typeof r.Enrolment>;
export type ApiToken = z.output<typeof r.ApiToken>;
export type NewApiToken = z.output<typeof r.NewApiToken>;
export type InviteResult = z.output<typeof r.InviteResult>;
export type Link = z.output<typeof r.Link>;
export type AuditEvent = z.output<typeof r.AuditEvent>;
export type BillingProfile = z.output<typeof r.BillingProfile>;
export type BillingBody = z.input<typeof org.BillingBody>;
export type Invoice = z.output<typeof r.Invoice>;
export type Permission = z.output<typeof r.Permission>;
export type Passkey = z.output<typeof r.Passkey>;
export type MfaPolicy = z.output<typeof r.MfaPolicy>;
export type Role = User['role'];
export type Status = User['status'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export type Branding = z.output<typeof r.Branding>;
export type PublicBranding = z.output<typeof r.PublicBranding>;
export type EmailTemplateTypes = z.output<typeof r.EmailTemplateTypes>;
export type EmailTemplate = z.output<typeof r.EmailTemplate>;
export type EmailPreview = z.output<typeof r.EmailPreview>;
