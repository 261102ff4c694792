import type { Context } from 'aws-lambda';
import { logger, withLogContext } from '../shared/log';
import { importInvoices, type ImportReport } from '../shared/services/billing';

/**
 * The billing integration's entry point: invoked with IAM (no API route), with
 * `{ "invoices": [ ... ] }`. Validates the whole batch, then upserts idempotently by number.
 */
export async function handler(event: { invoices?: unknown }, context: Context): Promise<ImportReport> {
  return withLogContext({ requestId: context.awsRequestId, route: 'billing-import' }, async () => {
    const report = await importInvoices(event?.invoices);
    logger.info('invoices imported', { created: report.created, updated: report.updated, unchanged: report.unchanged, errors: report.errors.length });
    return report;
  });
}
