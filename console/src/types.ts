import type * as z from 'zod';
import type * as s from '../../shared/http/schemas';

// The console's types come from the API's own schemas, so the two cannot drift apart.
export type User = z.output<typeof s.User>;
export type Org = z.output<typeof s.Org>;
export type Tokens = z.output<typeof s.Tokens>;
export type Challenge = z.output<typeof s.Challenge>;
export type Enrolment = z.output<typeof s.Enrolment>;
export type ApiToken = z.output<typeof s.ApiToken>;
export type NewApiToken = z.output<typeof s.NewApiToken>;
export type InviteResult = z.output<typeof s.InviteResult>;
export type Link = z.output<typeof s.Link>;
export type AuditEvent = z.output<typeof s.AuditEvent>;
export type BillingProfile = z.output<typeof s.BillingProfile>;
export type BillingBody = z.input<typeof s.BillingBody>;
export type Invoice = z.output<typeof s.Invoice>;
export type Permission = z.output<typeof s.Permission>;
export type Role = User['role'];
export type Status = User['status'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
