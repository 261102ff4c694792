import * as z from 'zod';
import { EmailStatusOk, FreeText, LocaleTag, Name, Password } from '../schemas';

/** What the `me` function (functions/me.ts) takes: the caller's own account and two-factor. */

export const PatchMeBody = z.strictObject({
  name: Name.optional(),
  location: FreeText.nullable().optional(),
  locale: LocaleTag.nullable().optional(),
  emailStatus: EmailStatusOk.optional(),
});

export const ChangePasswordBody = z.strictObject({
  currentPassword: Password,
  newPassword: Password,
});

// ---- two-factor ----

export const CodeBody = z.strictObject({ code: z.string().min(1).max(64).meta({ description: 'A 6-digit TOTP code, or a recovery code' }) });
export const DisableMfaBody = z.union([CodeBody, z.strictObject({ password: Password })]);
