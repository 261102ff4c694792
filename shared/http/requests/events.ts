import * as z from 'zod';
import { Limit, text } from '../schemas';

/** What the `events` function (functions/events.ts) takes: webhook endpoints and the events API. */

const EventList = z.array(z.string().min(1).max(64)).max(40);
const WebhookUrl = z.string().min(1).max(2048);

export const CreateWebhookBody = z.strictObject({
  url: WebhookUrl,
  events: EventList,
  description: text(200).optional(),
});

export const PatchWebhookBody = z.strictObject({
  url: WebhookUrl.optional(),
  events: EventList.optional(),
  description: text(200).nullable().optional(),
  enabled: z.boolean().optional(),
});

export const RotateSecretBody = z.strictObject({
  overlapSeconds: z.number().int().min(0).max(86_400).optional(),
});

export const DeliveriesQuery = z.object({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  eventType: z.string().min(1).max(64).optional(),
  limit: Limit,
});

export const EventsQuery = z.object({
  after: z.string().min(1).max(2048).optional(),
  type: z.string().min(1).max(1024).optional(),
  limit: Limit,
});
