import { route } from '../route';
import { AuditQuery, BillingBody, InvoiceQuery, PatchOrgBody } from '../requests/org';

/** The `org` function's routes: the organization, audit trail, billing and permissions (functions/org.ts). */
export const orgRoutes = [
  route({
    method: 'GET', path: '/v1/org', group: 'org', operation: 'getOrg', auth: 'user',
    summary: 'The caller’s organization',
    responses: { 200: { description: 'Organization (with ETag)', schema: 'Org' } },
  }),
  route({
    method: 'PATCH', path: '/v1/org', group: 'org', operation: 'patchOrg', auth: 'user',
    summary: 'Rename the organization (root, admin); set its two-factor policy `mfaPolicy` (root only, audited)', body: PatchOrgBody,
    responses: { 200: { description: 'Organization', schema: 'Org' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'GET', path: '/v1/billing', group: 'org', operation: 'getBilling', auth: 'user',
    summary: 'The billing profile (root only); before any PUT, the defaults at version 0',
    responses: { 200: { description: 'Billing profile (with ETag)', schema: 'BillingProfile' }, 403: { description: 'Admins and developers' } },
  }),
  route({
    method: 'PUT', path: '/v1/billing', group: 'org', operation: 'putBilling', auth: 'user',
    summary: 'Replace the billing profile (root only); card numbers are refused, only brand and last four kept', body: BillingBody,
    responses: { 200: { description: 'Billing profile', schema: 'BillingProfile' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'GET', path: '/v1/billing/invoices', group: 'org', operation: 'listInvoices', auth: 'user',
    summary: 'Invoices, newest period first (root, admin)', query: InvoiceQuery,
    responses: { 200: { description: 'Invoices', schema: 'InvoicePage' }, 403: { description: 'Developers' } },
  }),
  route({
    method: 'GET', path: '/v1/audit-events', group: 'org', operation: 'listAuditEvents', auth: 'user',
    summary: 'The audit log, newest first (root, admin)', query: AuditQuery,
    responses: { 200: { description: 'Audit events', schema: 'AuditPage' }, 403: { description: 'Developers' } },
  }),
  // ---- permissions (issue 13) ----
  route({
    method: 'GET', path: '/v1/permissions', group: 'org', operation: 'listPermissions', auth: 'user',
    summary: 'The deployment’s permission catalog (any signed-in user)',
    responses: { 200: { description: 'Every permission a user can be granted, in catalog order', schema: 'PermissionCatalogAnswer' } },
  }),
] as const;
