import * as z from 'zod';
import { LOCALES } from '../../i18n/locales';
import { LocaleTag, Name, Slug } from '../schemas';

/** Branding and email templates (api/branding.md): root's routes in the `org` function, public ones in `public`. */

const SupportUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' && !url.username && !url.password && value === value.trim();
    } catch {
      return false;
    }
  }, 'must be an absolute https:// URL without user info');

const FromName = z
  .string()
  .min(1)
  .max(64)
  .refine((value) => !/[\p{Cc}<>@]/u.test(value), 'must not contain control characters, <, > or @')
  .refine((value) => value.trim().length > 0, 'must not be blank');

export const BrandingBody = z.strictObject({
  displayName: Name.nullable().optional(),
  primaryColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be #rrggbb')
    .transform((value) => value.toLowerCase())
    .nullable()
    .optional(),
  logo: z.string().max(100_000).nullable().optional().meta({ description: '`data:image/png;base64,…` or `data:image/svg+xml;base64,…`, at most 65,536 bytes decoded' }),
  supportUrl: SupportUrl.nullable().optional(),
  fromName: FromName.nullable().optional(),
  defaultLocale: LocaleTag,
});
export type BrandingBody = z.infer<typeof BrandingBody>;

export const PublicBrandingQuery = z.object({
  ui_locales: z.string().max(512).optional().meta({ description: 'Space-separated language tags in order of preference (negotiated)' }),
});

export const SlugParam = Slug;

const part = (max: number) => z.string().refine((value) => Buffer.byteLength(value) <= max, `must be at most ${max} bytes`);
export const TemplateBody = z.strictObject({
  subject: z.string().min(1).max(500),
  text: part(32 * 1024),
  html: part(32 * 1024).nullable().optional(),
});
export type TemplateBody = z.infer<typeof TemplateBody>;

export const PreviewBody = z.union([TemplateBody, z.strictObject({})]);
export const PreviewQuery = z.object({ send: z.enum(['true', 'false']).optional() });

export const LOCALE_LIST = [...LOCALES];
