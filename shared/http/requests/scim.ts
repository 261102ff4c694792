import * as z from 'zod';
import { Cursor, Limit, PermissionList, text } from '../schemas';

/** What the `scim` function (functions/scim.ts) takes: provisioning settings (JSON API) and /scim/v2 (SCIM). */

// ---- settings, tokens, group mappings (the Gatehouse API: problem+json) ----

export const PatchScimSettingsBody = z.strictObject({ defaultRole: z.enum(['admin', 'developer']) });

export const CreateScimTokenBody = z.strictObject({ name: text(64) });

export const ScimGroupNamesQuery = z.object({ limit: Limit, cursor: Cursor });

export const GroupMappingsBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        group: text(256),
        role: z.enum(['admin', 'developer']).nullable().optional().meta({ description: '`root` is never a value: groups never make anyone root' }),
        permissions: PermissionList.optional(),
      }),
    )
    .max(100),
});

// ---- /scim/v2 (SCIM: its bodies are read by shared/scim, which answers SCIM errors) ----

/** Any JSON object: SCIM resources are read attribute by attribute, case-insensitively, unknown ones ignored. */
export const ScimBody = z.record(z.string(), z.unknown()).meta({ description: 'A SCIM resource or PatchOp (RFC 7643, RFC 7644 §3.5.2), as application/scim+json or application/json' });

const ScimText = z.string().max(2048).optional();
export const ScimListQuery = z.object({
  filter: ScimText.meta({ description: '`eq` joined by `and` on userName, externalId, id, emails.value, emails[type eq "work"].value (Users); displayName, externalId, id (Groups)' }),
  startIndex: ScimText,
  count: ScimText,
  attributes: ScimText,
  excludedAttributes: ScimText,
  sortBy: ScimText,
  sortOrder: ScimText,
});
export const ScimReadQuery = z.object({ attributes: ScimText, excludedAttributes: ScimText });
