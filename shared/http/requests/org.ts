import * as z from 'zod';
import { Cursor, Email, FreeText, Limit, Name, safeCheck, text } from '../schemas';

/** What the `org` function (functions/org.ts) takes: the organization, its audit trail and billing; and the invoice import. */

/** Root only: who must have a second factor, and which methods count (api/passkeys.md). */
export const MfaPolicyPatch = z.strictObject({
  require: z.enum(['off', 'admins', 'everyone']).optional(),
  methods: z
    .array(z.enum(['totp', 'passkey']))
    .min(1)
    .max(2)
    .refine((methods) => new Set(methods).size === methods.length, 'must not repeat a method')
    .optional(),
});

export const PatchOrgBody = z
  .strictObject({ name: Name.optional(), mfaPolicy: MfaPolicyPatch.optional() })
  .refine((body) => body.name !== undefined || body.mfaPolicy !== undefined, 'send `name`, `mfaPolicy` or both');

export const AuditQuery = z.object({
  limit: Limit,
  cursor: Cursor,
  action: z.string().min(1).max(64).optional(),
  actor: z.string().min(1).max(64).optional(),
  target: z.string().min(1).max(64).optional(),
});

// ---- billing ----

// Made on the first country checked: constructing it loads ICU's region names, which cost
// every function about 15 ms of cold start when it was made at import.
let regionNames: Intl.DisplayNames | undefined;
const regionName = (code: string) => (regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' })).of(code);
const Country = z
  .string()
  // `abort`: a malformed code is not looked up at all (zod runs later checks after a failed one).
  .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code in capitals, such as FR', abort: true })
  // ICU also names a few codes that are not countries (EU, UN, ZZ for "unknown").
  .refine(safeCheck((code: string) => !['EU', 'EZ', 'UN', 'QO', 'ZZ'].includes(code) && regionName(code) !== code), 'is not an ISO 3166-1 country code');

export const BillingBody = z.strictObject({
  plan: z.enum(['free', 'team', 'business', 'enterprise']),
  billingEmail: Email,
  paymentMethod: z
    .strictObject({
      brand: z.enum(['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'sepa_debit', 'other']),
      last4: z.string().regex(/^\d{4}$/, 'must be the last four digits only'),
      expMonth: z.number().int().min(1).max(12),
      expYear: z.number().int().min(2000).max(2100),
    })
    .optional(),
  address: z
    .strictObject({
      line1: FreeText,
      line2: FreeText.optional(),
      city: text(100),
      state: text(100).optional(),
      postalCode: text(20),
      country: Country,
    })
    .optional(),
});

const day = z.iso.date();
export const InvoiceRecord = z.strictObject({
  org: z.string().min(1).max(64).meta({ description: 'Organization id or slug' }),
  number: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, '1–40 of letters, digits and . _ -'),
  periodStart: day,
  periodEnd: day,
  amountDue: z.number().int().min(0).max(1e12),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  status: z.enum(['draft', 'open', 'paid', 'void', 'uncollectible']),
}).refine(safeCheck((invoice: { periodStart: string; periodEnd: string }) => invoice.periodStart <= invoice.periodEnd), { message: 'periodStart must not be after periodEnd', path: ['periodEnd'] });

export const InvoiceQuery = z.object({ limit: Limit, cursor: Cursor });
