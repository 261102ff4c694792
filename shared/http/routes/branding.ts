import { route } from '../route';
import { BrandingBody, PreviewBody, PreviewQuery, PublicBrandingQuery, TemplateBody } from '../requests/branding';

const BRANDING_BODY_BYTES = 128 * 1024;
const rootOnly = { 403: { description: 'Admins and developers' } } as const;

/**
 * Branding and email templates (api/branding.md): the root's routes run in the `org` function,
 * the public branding and logo of the sign-in pages in the `public` function.
 */
export const brandingOrgRoutes = [
  route({
    method: 'GET', path: '/v1/org/branding', group: 'org', operation: 'getBranding', auth: 'user',
    summary: 'The organization’s branding (root only); before any PUT every field null, version 0',
    responses: { 200: { description: 'Branding (with ETag)', schema: 'Branding' }, ...rootOnly },
  }),
  route({
    method: 'PUT', path: '/v1/org/branding', group: 'org', operation: 'putBranding', auth: 'user', body: BrandingBody, maxBodyBytes: BRANDING_BODY_BYTES,
    summary: 'Replace the branding (root only); an SVG logo is cleaned before it is stored',
    responses: {
      200: { description: 'Branding', schema: 'Branding' }, ...rootOnly,
      412: { description: 'Stale `If-Match`' }, 413: { description: '`logo_too_large`: more than 65,536 bytes decoded' },
    },
  }),
  route({
    method: 'GET', path: '/v1/org/email-templates', group: 'org', operation: 'listEmailTemplates', auth: 'user',
    summary: 'Every email type, its variables and the languages it has a custom template in (root only)',
    responses: { 200: { description: 'Email types', schema: 'EmailTemplateTypes' }, ...rootOnly },
  }),
  route({
    method: 'GET', path: '/v1/org/email-templates/{type}/{locale}', group: 'org', operation: 'getEmailTemplate', auth: 'user',
    summary: 'The organization’s template of a type and language, else the built-in as Liquid (root only)',
    responses: { 200: { description: 'Template', schema: 'EmailTemplate' }, ...rootOnly, 404: { description: 'Unknown type' } },
  }),
  route({
    method: 'PUT', path: '/v1/org/email-templates/{type}/{locale}', group: 'org', operation: 'putEmailTemplate', auth: 'user', body: TemplateBody, maxBodyBytes: BRANDING_BODY_BYTES,
    summary: 'Save a template (root only), checked first: parse, required variables, a strict render with sample data',
    responses: {
      200: { description: 'Template', schema: 'EmailTemplate' }, ...rootOnly,
      400: { description: '`template_invalid`, `missing_variable`, `unsupported_locale` or `validation_failed`' }, 412: { description: 'Stale `If-Match`' },
    },
  }),
  route({
    method: 'DELETE', path: '/v1/org/email-templates/{type}/{locale}', group: 'org', operation: 'deleteEmailTemplate', auth: 'user',
    summary: 'Revert to the built-in template (root only); 204 also when there was none',
    responses: { 204: { description: 'Reverted' }, ...rootOnly },
  }),
  route({
    method: 'POST', path: '/v1/org/email-templates/{type}/{locale}/preview', group: 'org', operation: 'previewEmailTemplate', auth: 'user',
    body: PreviewBody, query: PreviewQuery, maxBodyBytes: BRANDING_BODY_BYTES,
    summary: 'Render the saved template, the built-in or a draft with sample data; `?send=true` also mails it to the caller (root only)',
    responses: {
      200: { description: 'Preview', schema: 'EmailPreview' }, ...rootOnly,
      400: { description: 'A draft fails the checks of PUT' }, 429: { description: 'Too many emails to this address this hour' },
    },
  }),
] as const;

export const brandingPublicRoutes = [
  route({
    method: 'GET', path: '/v1/orgs/{slug}/branding', group: 'public', operation: 'getPublicBranding', auth: 'public', query: PublicBrandingQuery,
    summary: 'What a sign-in page shows of an organization, and the language negotiated from `ui_locales` / `Accept-Language`',
    responses: { 200: { description: 'Public branding (an unknown slug answers as an organization without branding)', schema: 'PublicBranding' }, 400: { description: 'Not a valid slug' } },
  }),
  route({
    method: 'GET', path: '/v1/orgs/{slug}/branding/logo', group: 'public', operation: 'getPublicLogo', auth: 'public', produces: ['image/png', 'image/svg+xml'],
    summary: 'The organization’s logo (PNG, or the cleaned SVG)',
    responses: { 200: { description: 'The image' }, 404: { description: 'No logo' } },
  }),
] as const;
