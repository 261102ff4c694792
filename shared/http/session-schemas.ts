import * as z from 'zod';
import { Password } from './schemas';

/** Request schemas of the session routes (API.md "Sessions"), which the `me` and `users` groups share. */

export const SessionId = z.uuid().meta({ description: 'A session id, as listed (and as the access token’s `sid`)' });
const Code = z.string().min(1).max(64).meta({ description: 'A 6-digit TOTP code, or a recovery code' });

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

export const EndOrgSessionsBody = z.strictObject({
  password: Password,
  code: Code.optional().meta({ description: 'Required when the owner has two-factor on' }),
});

