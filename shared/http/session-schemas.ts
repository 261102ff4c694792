import * as z from 'zod';
import { Password } from './schemas';

/** Schemas of the session routes (API.md "Sessions"), beside the rest in schemas.ts. */

const SessionId = z.uuid().meta({ description: 'A session id, as listed (and as the access token’s `sid`)' });
const Code = z.string().min(1).max(64).meta({ description: 'A 6-digit TOTP code, or a recovery code' });

export const Session = z
  .object({
    id: SessionId,
    current: z.boolean().meta({ description: 'The session of the access token that asked' }),
    createdAt: z.iso.datetime().meta({ description: 'The sign-in' }),
    lastUsedAt: z.iso.datetime().meta({
      description: 'The last sign-in or refresh (updated by the refresh’s own write, so it may lag real use by one access-token lifetime, 15 minutes)',
    }),
    expiresAt: z.iso.datetime().meta({ description: 'When the refresh token stops working unless used before' }),
    ip: z.string().nullable().meta({ description: 'Address of the last sign-in or refresh' }),
    userAgent: z.string().nullable().meta({ description: 'The user agent of the sign-in, at most 256 characters' }),
    browser: z.string().nullable().meta({ description: 'Parsed from the user agent, e.g. `Firefox 133`; null when it names no known browser', example: 'Firefox 133' }),
    os: z.string().nullable().meta({ description: 'Parsed from the user agent, e.g. `macOS Sonoma`', example: 'Windows 10' }),
    client: z.string().nullable().meta({
      description: '`console` (the browser session), `api` (tokens in the body), or the registered app’s id; null only for sessions started before Gatehouse recorded it',
    }),
    mfa: z.boolean().nullable().meta({ description: 'A second factor was used to sign in (null as for `client`)' }),
  })
  .meta({ id: 'Session' });

export const SessionList = z
  .object({ items: z.array(Session), nextCursor: z.null().meta({ description: 'Always null: at most 50 sessions, one page' }) })
  .meta({ id: 'SessionList' });

export const EndMySessionsBody = z.strictObject({
  sessions: z
    .union([
      z.literal('others'),
      z.array(SessionId).min(1).max(50).refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id'),
    ])
    .meta({ description: '`"others"`: every session but this one; or the ids to end (this one may be among them)' }),
  password: Password.optional().meta({ description: 'Your password; or give `code`' }),
  code: Code.optional(),
});

export const EndedSessions = z
  .object({ ended: z.number().int().min(0).meta({ description: 'How many live sessions ended' }) })
  .meta({ id: 'EndedSessions' });

export const EndOrgSessionsBody = z.strictObject({
  password: Password,
  code: Code.optional().meta({ description: 'Required when the owner has two-factor on' }),
});

export const EndedOrgSessions = EndedSessions.extend({
  users: z.number().int().min(0).meta({ description: 'How many users lost at least one session' }),
}).meta({ id: 'EndedOrgSessions' });
