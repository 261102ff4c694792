import { open } from '../auth/crypto';
import { clock } from '../clock';
import { config } from '../config';
import {
  type DeliveryRecord, type EndpointRecord, deliveryKey, endpointKey, getDeliveriesWithEndpoints, getDelivery, getEndpoint, listDeliveries, markEndpoint, saveDelivery,
} from '../data/events';
import { requireOrg } from '../data/orgs';
import { listUsers } from '../data/users';
import { emailUser } from '../email/compose';
import { logger } from '../log';
import { TEST_EVENT_TYPE } from './catalog';
import { postOnce, signedHeaders } from './post';
import { enqueueAll } from './transport';

/**
 * Seconds after the previous attempt (api/events.md "Sending"): at once, then 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h, about 3 days in all, each ±10 %.
 */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;
/** An endpoint without a success for this long, while attempts failed, is disabled. */
export const FAILING_DISABLE_MS = 5 * 86_400_000;
const KEEP_ATTEMPTS = 20;

export interface WebhookMessage {
  kind: 'delivery';
  orgId: string;
  endpointId: string;
  deliveryId: string;
  /** The delivery's nextAttemptAt this message was queued for; any other value makes it stale. */
  attemptAt: string;
}

/** The jitter of a retry; tests replace it to make the schedule exact. */
export const jitter = { factor: (): number => 0.9 + Math.random() * 0.2 };

export const sealedSecretBinding = (endpoint: Pick<EndpointRecord, 'orgId' | 'id'>) => `webhook:${endpoint.orgId}:${endpoint.id}`;

/** The secrets that sign now: the current one, and the previous one during its overlap. */
export async function signingSecrets(endpoint: EndpointRecord, now = clock.now()): Promise<string[]> {
  const binding = sealedSecretBinding(endpoint);
  const secrets = [await open(endpoint.secret, binding)];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && Date.parse(endpoint.previousSecretExpiresAt) > now) {
    secrets.push(await open(endpoint.previousSecret, binding));
  }
  return secrets;
}

const delaySecondsUntil = (iso: string) => Math.max(0, (Date.parse(iso) - clock.now()) / 1000);

type Queueable = Pick<DeliveryRecord, 'orgId' | 'endpointId' | 'id' | 'nextAttemptAt'>;

/** Queues the deliveries' next attempts (`due` is each one's nextAttemptAt), in as few requests as the queue takes. */
export const queueDeliveries = (deliveries: Queueable[]) =>
  enqueueAll('webhooks', deliveries.flatMap((delivery) => delivery.nextAttemptAt
    ? [{
      message: { kind: 'delivery', orgId: delivery.orgId, endpointId: delivery.endpointId, deliveryId: delivery.id, attemptAt: delivery.nextAttemptAt } satisfies WebhookMessage,
      delaySeconds: delaySecondsUntil(delivery.nextAttemptAt),
    }]
    : []));

export const queueDelivery = (delivery: Queueable) => queueDeliveries([delivery]);

/**
 * A queue batch's deliveries and endpoints, read before any of its messages is handled: one
 * batch read instead of two reads a message. Messages of one batch share the endpoint as read,
 * and what the sender changes on it is written back here, so a later message sees it.
 */
export type BatchReads = Awaited<ReturnType<typeof getDeliveriesWithEndpoints>>;
export const readForBatch = (messages: WebhookMessage[]): Promise<BatchReads> => getDeliveriesWithEndpoints(messages);

/**
 * Handles one queued delivery message: at most one attempt, its outcome written to the
 * delivery, the next attempt queued. Safe to receive twice (at least once): a delivery that is
 * no longer pending, or not yet due, gets no attempt from a stale or early message.
 */
export async function handleWebhookMessage(message: WebhookMessage, reads?: BatchReads): Promise<void> {
  const delivery = reads ? reads.deliveries.get(deliveryKey(message)) : await getDelivery(message.orgId, message.endpointId, message.deliveryId);
  // Stale: the delivery ended, or a manual retry queued another message for a new time.
  if (!delivery || delivery.status !== 'pending' || !delivery.nextAttemptAt || delivery.nextAttemptAt !== message.attemptAt) return;
  // Early: SQS holds a message back 15 minutes at most, so a longer wait arrives in hops.
  if (delaySecondsUntil(delivery.nextAttemptAt) > 1) {
    await queueDelivery(delivery);
    return;
  }
  const endpoint = reads ? reads.endpoints.get(endpointKey(message)) : await getEndpoint(message.orgId, message.endpointId);
  const now = clock.now();
  const nowIso = new Date(now).toISOString();
  if (!endpoint || (!endpoint.enabled && delivery.eventType !== TEST_EVENT_TYPE)) {
    await saveDelivery({ ...delivery, status: 'failed', nextAttemptAt: null, updatedAt: nowIso }, delivery.updatedAt);
    return;
  }

  const attempt = await postOnce(endpoint.url, signedHeaders(delivery.eventId, delivery.body, await signingSecrets(endpoint, now)), delivery.body);
  const { retryAfterSeconds, ...recorded } = attempt;
  const attemptCount = (delivery.attemptCount ?? delivery.attempts.length) + 1;
  const succeeded = attempt.error === null && attempt.responseStatus !== null && attempt.responseStatus >= 200 && attempt.responseStatus < 300;
  const gone = attempt.responseStatus === 410;
  const after = RETRY_SCHEDULE_SECONDS[attemptCount - 1];
  const next: DeliveryRecord = {
    ...delivery,
    attempts: [...delivery.attempts, recorded].slice(-KEEP_ATTEMPTS),
    attemptCount,
    updatedAt: new Date(Math.max(now, Date.parse(delivery.updatedAt) + 1)).toISOString(),
    status: succeeded ? 'succeeded' : gone || after === undefined ? 'failed' : 'pending',
    nextAttemptAt: null,
  };
  if (next.status === 'pending') {
    const seconds = Math.max(after! * jitter.factor(), retryAfterSeconds ?? 0);
    next.nextAttemptAt = new Date(Date.parse(attempt.at) + seconds * 1000).toISOString();
  }
  if (!(await saveDelivery(next, delivery.updatedAt))) return;
  // A second message for this delivery later in the batch then finds it handled.
  reads?.deliveries.set(deliveryKey(message), next);
  logger.info('webhook attempt', { event: 'webhook.attempt', endpointId: endpoint.id, deliveryId: delivery.id, status: attempt.responseStatus, error: attempt.error, outcome: next.status });

  if (delivery.eventType === TEST_EVENT_TYPE) {
    if (next.status === 'pending') await queueDelivery(next);
    return;
  }
  if (succeeded) {
    if (endpoint.failingSince) await mark(endpoint, { failingSince: null }, reads);
    return;
  }
  if (gone) {
    await disableEndpoint(endpoint, 'gone', reads);
    return;
  }
  const failingSince = endpoint.failingSince ?? nowIso;
  if (!endpoint.failingSince) await mark(endpoint, { failingSince }, reads);
  if (now - Date.parse(failingSince) >= FAILING_DISABLE_MS) {
    await disableEndpoint(endpoint, 'failing', reads);
    return;
  }
  if (next.status === 'pending') await queueDelivery(next);
}

/**
 * Changes the sender's bookkeeping on an endpoint and keeps the batch's copy in step. When the
 * change is refused (the endpoint was deleted, or disabled meanwhile), the copy is dropped: the
 * batch's later messages then find no endpoint and fail their deliveries, as they would have.
 */
async function mark(endpoint: EndpointRecord, set: Parameters<typeof markEndpoint>[2], reads: BatchReads | undefined, onlyIf?: Parameters<typeof markEndpoint>[3]) {
  const marked = await markEndpoint(endpoint.orgId, endpoint.id, set, onlyIf);
  const key = endpointKey({ orgId: endpoint.orgId, endpointId: endpoint.id });
  if (marked) reads?.endpoints.set(key, { ...endpoint, ...set });
  else reads?.endpoints.delete(key);
  return marked;
}

/**
 * Disables an endpoint the sender gave up on: its pending deliveries fail, and the root is
 * emailed (once: only the call that flips `enabled` sends it).
 */
async function disableEndpoint(endpoint: EndpointRecord, reason: 'gone' | 'failing', reads: BatchReads | undefined): Promise<void> {
  const at = new Date(clock.now()).toISOString();
  const flipped = await mark(endpoint, { enabled: false, disabledReason: reason, updatedAt: at }, reads, { enabled: true });
  if (!flipped) return;
  logger.warn('webhook endpoint disabled', { event: 'webhook.disabled', endpointId: endpoint.id, reason });
  for (const pending of await listDeliveries(endpoint.orgId, endpoint.id, { status: 'pending', limit: 1000 })) {
    await saveDelivery({ ...pending, status: 'failed', nextAttemptAt: null, updatedAt: at }, pending.updatedAt);
  }
  const org = await requireOrg(endpoint.orgId);
  const roots = await listUsers(endpoint.orgId, { role: 'root', limit: 5 });
  for (const root of roots.items) {
    if (root.email) {
      await emailUser(root.email, 'webhook-disabled', org, { ...root, orgId: endpoint.orgId }, {
        endpoint: { url: endpoint.url, description: endpoint.description },
        reason,
        link: `${config().APP_URL}/settings/webhooks`,
      });
    }
  }
}
