import * as z from 'zod';
import { nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { getBilling, listInvoices, putBilling, upsertInvoice, type BillingProfile, type ImportOutcome, type Invoice } from '../data/billing';
import { decodeCursor, encodeCursor } from '../data/cursor';
import { getOrg, orgIdBySlug } from '../data/orgs';
import { transact } from '../data/transact';
import { forbidden, preconditionFailed, validationFailed } from '../errors';
import { newId } from '../ids';
import { InvoiceRecord } from '../http/requests/org';

/** Luhn-valid runs of 13–19 digits (spaces and dashes allowed) look like card numbers. */
function looksLikeCardNumber(value: string): boolean {
  for (const match of value.matchAll(/(?:\d[ -]?){12,18}\d/g)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length < 13 || digits.length > 19) continue;
    let sum = 0;
    for (let index = 0; index < digits.length; index += 1) {
      let digit = Number(digits[digits.length - 1 - index]);
      if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    if (sum % 10 === 0) return true;
  }
  return false;
}

/** Paths of every string field that holds something card-number-like. */
export function cardNumberFields(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'string') return looksLikeCardNumber(value) ? [path.join('.') || '(body)'] : [];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => cardNumberFields(item, [...path, key]));
  }
  return [];
}

const assertBillingRole = (ctx: AuthedContext) => {
  if (ctx.principal.user.role !== 'root') throw forbidden('Only the organization owner sees and changes the billing profile.');
};

export const billingReply = (profile: BillingProfile) => ({ status: 200, body: profile, headers: { ETag: `"${profile.version}"` } });

export async function readBilling(ctx: AuthedContext): Promise<BillingProfile> {
  assertBillingRole(ctx);
  return getBilling(ctx.principal.orgId);
}

export async function writeBilling(
  ctx: AuthedContext,
  input: Omit<BillingProfile, 'updatedAt' | 'version' | 'paymentMethod' | 'address'> & Partial<Pick<BillingProfile, 'paymentMethod' | 'address'>>,
  ifMatch?: number,
): Promise<BillingProfile> {
  assertBillingRole(ctx);
  const cards = cardNumberFields(input);
  if (cards.length) {
    throw validationFailed(cards.map((path) => ({ path, message: 'looks like a card number; only brand and last four digits are kept' })), 'Card numbers are never accepted.');
  }
  const current = await getBilling(ctx.principal.orgId);
  if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed();
  const at = nowIso();
  const next: BillingProfile = {
    plan: input.plan,
    billingEmail: input.billingEmail,
    paymentMethod: input.paymentMethod ?? null,
    address: input.address ?? null,
    updatedAt: at,
    version: current.version + 1,
  };
  const changed = (['plan', 'billingEmail', 'paymentMethod', 'address'] as const).filter((field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]));
  await transact([
    putBilling(ctx.principal.orgId, next, current.version),
    auditItem(ctx, {
      orgId: ctx.principal.orgId,
      action: 'billing.updated',
      actor: actorOf(ctx.principal.user),
      target: { type: 'billing', id: ctx.principal.orgId },
      details: { fields: changed, ...(changed.includes('plan') ? { planFrom: current.plan, planTo: next.plan } : {}) },
    }, at),
  ]);
  return next;
}

export async function invoices(ctx: AuthedContext, query: { limit: number; cursor?: string }) {
  if (ctx.principal.user.role === 'developer') throw forbidden('Only the owner and admins see invoices.');
  const { orgId } = ctx.principal;
  const page = await listInvoices(orgId, { limit: query.limit, start: await decodeCursor(orgId, 'invoices', query.cursor) });
  return { items: page.items, nextCursor: await encodeCursor(orgId, 'invoices', page.next) };
}

export const InvoiceFile = z.array(InvoiceRecord).max(10_000);
export type InvoiceFile = z.infer<typeof InvoiceFile>;

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: Array<{ index: number; number?: string; message: string }>;
}

/**
 * The billing integration's way in (a command and an IAM-invoked Lambda, not the public API).
 * The whole batch is validated first: one bad record and nothing is written.
 */
export async function importInvoices(records: unknown): Promise<ImportReport> {
  const parsed = InvoiceFile.safeParse(records);
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, errors: [] };
  if (!parsed.success) {
    report.errors = parsed.error.issues.map((issue) => ({ index: Number(issue.path[0] ?? -1), message: `${issue.path.slice(1).join('.') || '(record)'}: ${issue.message}` }));
    return report;
  }
  const orgs = new Map<string, string | undefined>();
  for (const record of parsed.data) {
    if (!orgs.has(record.org)) {
      orgs.set(record.org, /^[0-9a-f-]{36}$/.test(record.org) ? (await getOrg(record.org))?.id : await orgIdBySlug(record.org));
    }
  }
  const unknown = parsed.data.map((record, index) => ({ record, index })).filter(({ record }) => !orgs.get(record.org));
  if (unknown.length) {
    report.errors = unknown.map(({ record, index }) => ({ index, number: record.number, message: `no organization "${record.org}"` }));
    return report;
  }
  for (const [index, record] of parsed.data.entries()) {
    const { org, ...fields } = record;
    try {
      const outcome: ImportOutcome = await upsertInvoice(orgs.get(org)!, { id: newId(), ...fields } as Invoice);
      report[outcome] += 1;
    } catch (error) {
      report.errors.push({ index, number: record.number, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}
