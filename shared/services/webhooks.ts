import { seal } from '../auth/crypto';
import { assertRoot } from '../auth/policy';
import { clock, nowIso } from '../clock';
import type { AuthedContext } from '../context';
import { actorOf, auditItem } from '../data/audit';
import { decodeCursor, encodeCursor } from '../data/cursor';
import {
  type DeliveryRecord, type EndpointRecord, createDelivery, deleteDeliveries, deleteEndpointItem, getDelivery, getEndpoint,
  listDeliveries, listEndpoints, listEvents, putEndpoint, replaceEndpoint, saveDelivery,
} from '../data/events';
import { transact } from '../data/transact';
import { Problem, badRequest, conflict, forbidden, notFound, preconditionFailed, validationFailed } from '../errors';
import { newId } from '../ids';
import { urlProblem } from '../events/addresses';
import { TEST_EVENT_TYPE, catalogItems, isEventType } from '../events/catalog';
import { deliveryIdOf } from '../events/dispatcher';
import { newSigningSecret } from '../events/post';
import { queueDelivery, sealedSecretBinding } from '../events/sender';

export const MAX_ENDPOINTS = 20;
const DELIVERY_TTL_SECONDS = 30 * 86_400;

/** The endpoint as the API shows it: never a secret. */
export const publicEndpoint = (endpoint: EndpointRecord) => ({
  id: endpoint.id,
  url: endpoint.url,
  description: endpoint.description,
  events: endpoint.events,
  enabled: endpoint.enabled,
  disabledReason: endpoint.disabledReason,
  previousSecretExpiresAt: endpoint.previousSecretExpiresAt && Date.parse(endpoint.previousSecretExpiresAt) > clock.now() ? endpoint.previousSecretExpiresAt : null,
  createdAt: endpoint.createdAt,
  updatedAt: endpoint.updatedAt,
  version: endpoint.version,
});

export const publicDelivery = (delivery: DeliveryRecord) => ({
  id: delivery.id,
  endpointId: delivery.endpointId,
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  status: delivery.status,
  attempts: delivery.attempts,
  nextAttemptAt: delivery.nextAttemptAt,
  createdAt: delivery.createdAt,
  updatedAt: delivery.updatedAt,
  payload: JSON.parse(delivery.body) as unknown,
});

export const endpointReply = (endpoint: EndpointRecord, status = 200, extra: Record<string, unknown> = {}) =>
  ({ status, body: { ...publicEndpoint(endpoint), ...extra }, headers: { ETag: `"${endpoint.version}"` } });

function checkUrl(url: string): void {
  const problem = urlProblem(url);
  if (!problem) return;
  if (problem.code === 'validation_failed') throw validationFailed([{ path: 'url', message: problem.message }]);
  throw new Problem(400, 'url_not_allowed', `The URL ${problem.message}.`, [{ path: 'url', message: problem.message }]);
}

function checkEvents(events: string[]): void {
  if (!events.length) throw validationFailed([{ path: 'events', message: 'must name at least one event type, or "*"' }]);
  if (new Set(events).size !== events.length) throw validationFailed([{ path: 'events', message: 'must not repeat a type' }]);
  if (events.includes('*') && events.length > 1) throw validationFailed([{ path: 'events', message: '"*" stands alone' }]);
  const unknown = events.filter((type) => type !== '*' && !isEventType(type));
  if (unknown.length) {
    throw new Problem(400, 'unknown_event_type', `Unknown event type: ${unknown.join(', ')}.`, unknown.map((type) => ({ path: 'events', message: `"${type}" is not in the catalog` })));
  }
}

const webhookAudit = (ctx: AuthedContext, action: string, endpoint: Pick<EndpointRecord, 'id' | 'orgId' | 'url'>, details: Record<string, unknown>, at: string) =>
  auditItem(ctx, {
    orgId: endpoint.orgId,
    action,
    actor: actorOf(ctx.principal.user),
    target: { type: 'webhook', id: endpoint.id },
    details: { url: endpoint.url, ...details },
  }, at);

async function ownEndpoint(ctx: AuthedContext, id: string): Promise<EndpointRecord> {
  assertRoot(ctx.principal, 'Only the organization owner manages webhooks.');
  const endpoint = await getEndpoint(ctx.principal.orgId, id);
  if (!endpoint) throw notFound('No such webhook endpoint.');
  return endpoint;
}

export async function createEndpoint(ctx: AuthedContext, input: { url: string; events: string[]; description?: string }) {
  assertRoot(ctx.principal, 'Only the organization owner manages webhooks.');
  checkUrl(input.url);
  checkEvents(input.events);
  const orgId = ctx.principal.orgId;
  if ((await listEndpoints(orgId)).length >= MAX_ENDPOINTS) throw conflict('too_many_endpoints', `An organization has at most ${MAX_ENDPOINTS} webhook endpoints.`);
  const at = nowIso();
  const id = newId();
  const secret = newSigningSecret();
  const endpoint: EndpointRecord = {
    id,
    orgId,
    url: input.url,
    description: input.description ?? null,
    events: input.events,
    enabled: true,
    disabledReason: null,
    secret: await seal(secret, sealedSecretBinding({ orgId, id })),
    previousSecret: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await transact([putEndpoint(endpoint), webhookAudit(ctx, 'webhook.created', endpoint, { events: endpoint.events }, at)]);
  return { endpoint, secret };
}

export async function endpoints(ctx: AuthedContext) {
  assertRoot(ctx.principal, 'Only the organization owner manages webhooks.');
  return { items: (await listEndpoints(ctx.principal.orgId)).map(publicEndpoint) };
}

export const endpoint = ownEndpoint;

export async function updateEndpoint(ctx: AuthedContext, id: string, input: { url?: string; events?: string[]; description?: string | null; enabled?: boolean }, ifMatch?: number) {
  const current = await ownEndpoint(ctx, id);
  if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed();
  if (input.url !== undefined) checkUrl(input.url);
  if (input.events !== undefined) checkEvents(input.events);
  const at = nowIso();
  const next: EndpointRecord = {
    ...current,
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.events !== undefined ? { events: input.events } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.enabled === false ? { enabled: false, disabledReason: 'manual' as const } : {}),
    ...(input.enabled === true ? { enabled: true, disabledReason: null, failingSince: null } : {}),
    updatedAt: at,
    version: current.version + 1,
  };
  const fields = (['url', 'events', 'description', 'enabled'] as const).filter((field) => input[field] !== undefined);
  await transact([
    replaceEndpoint(next, current.version),
    webhookAudit(ctx, input.enabled === false ? 'webhook.disabled' : 'webhook.updated', next, { fields }, at),
  ]);
  return next;
}

export async function deleteEndpoint(ctx: AuthedContext, id: string): Promise<void> {
  const current = await ownEndpoint(ctx, id);
  await transact([deleteEndpointItem(current.orgId, id), webhookAudit(ctx, 'webhook.deleted', current, {}, nowIso())]);
  // Its pending deliveries are dropped: the sender finds no delivery, or no endpoint, and stops.
  await deleteDeliveries(current.orgId, id);
}

export async function rotateSecret(ctx: AuthedContext, id: string, overlapSeconds = 86_400) {
  const current = await ownEndpoint(ctx, id);
  const now = clock.now();
  const at = new Date(now).toISOString();
  const secret = newSigningSecret();
  // A new rotation ends an older previous secret at once: only the current one is kept beside the new.
  const previousSecretExpiresAt = overlapSeconds > 0 ? new Date(now + overlapSeconds * 1000).toISOString() : null;
  const next: EndpointRecord = {
    ...current,
    secret: await seal(secret, sealedSecretBinding(current)),
    previousSecret: overlapSeconds > 0 ? current.secret : null,
    previousSecretExpiresAt,
    updatedAt: at,
    version: current.version + 1,
  };
  await transact([replaceEndpoint(next, current.version), webhookAudit(ctx, 'webhook.secret_rotated', next, { overlapSeconds }, at)]);
  return { secret, previousSecretExpiresAt };
}

export async function deliveries(ctx: AuthedContext, id: string, query: { status?: string; eventType?: string; limit?: number }) {
  const current = await ownEndpoint(ctx, id);
  const items = await listDeliveries(current.orgId, current.id, { status: query.status, eventType: query.eventType, limit: query.limit ?? 50 });
  return { items: items.map(publicDelivery) };
}

export async function delivery(ctx: AuthedContext, id: string, deliveryId: string) {
  const current = await ownEndpoint(ctx, id);
  const found = await getDelivery(current.orgId, current.id, deliveryId);
  if (!found) throw notFound('No such delivery.');
  return found;
}

/** Sends a delivery again within seconds, whatever its status, with the same `webhook-id`. */
export async function retryDelivery(ctx: AuthedContext, id: string, deliveryId: string) {
  const current = await ownEndpoint(ctx, id);
  if (!current.enabled) throw conflict('endpoint_disabled', 'The endpoint is disabled; enable it first.');
  const found = await getDelivery(current.orgId, current.id, deliveryId);
  if (!found) throw notFound('No such delivery.');
  const at = new Date(Math.max(clock.now(), Date.parse(found.updatedAt) + 1)).toISOString();
  const next: DeliveryRecord = { ...found, status: 'pending', nextAttemptAt: at, updatedAt: at };
  if (!(await saveDelivery(next, found.updatedAt))) throw conflict('concurrent_change', 'The delivery changed at the same time; try again.');
  await queueDelivery(next);
  return next;
}

/** A `webhook.test` event to this endpoint only (also a disabled one), never listed or on the bus. */
export async function sendTest(ctx: AuthedContext, id: string) {
  const current = await ownEndpoint(ctx, id);
  const at = nowIso();
  const eventId = newId();
  const body = JSON.stringify({
    id: eventId,
    type: TEST_EVENT_TYPE,
    timestamp: at,
    org: current.orgId,
    actor: { type: 'user', id: ctx.principal.user.id },
    data: { endpointId: current.id, message: 'A test event sent from Gatehouse.' },
  });
  const created: DeliveryRecord = {
    id: deliveryIdOf(eventId, at),
    orgId: current.orgId,
    endpointId: current.id,
    eventId,
    eventType: TEST_EVENT_TYPE,
    body,
    status: 'pending',
    attempts: [],
    attemptCount: 0,
    nextAttemptAt: at,
    createdAt: at,
    updatedAt: at,
    ttl: Math.floor(clock.now() / 1000) + DELIVERY_TTL_SECONDS,
  };
  await createDelivery(created);
  await queueDelivery(created);
  return created;
}

// ---------------------------------------------------------------- the events API

const assertCanReadEvents = (ctx: AuthedContext) => {
  if (ctx.principal.user.role === 'developer') throw forbidden('Only the owner and admins read events.');
};

export function eventTypes(ctx: AuthedContext) {
  assertCanReadEvents(ctx);
  return { items: catalogItems() };
}

/**
 * Events oldest first from a cursor that is the position in the organization's numbered
 * order (shared/data/events.ts numberEvent): positions are given once, in stream order, so a
 * poller following `nextCursor` sees each event once. Items are the stored JSON, byte for byte
 * what a webhook of it carries.
 */
export async function listEventsPage(ctx: AuthedContext, query: { after?: string; type?: string; limit: number }) {
  assertCanReadEvents(ctx);
  const orgId = ctx.principal.orgId;
  const types = query.type ? query.type.split(',').map((type) => type.trim()).filter(Boolean) : undefined;
  const unknown = (types ?? []).filter((type) => !isEventType(type));
  if (unknown.length) throw new Problem(400, 'unknown_event_type', `Unknown event type: ${unknown.join(', ')}.`);
  let afterSeq = 0;
  if (query.after !== undefined) {
    try {
      const position = await decodeCursor(orgId, 'events', query.after);
      afterSeq = Number(position?.s);
      if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new Error('bad position');
    } catch {
      throw badRequest('invalid_cursor', 'The cursor is not one this organization’s events API gave out.');
    }
  }
  const page = await listEvents(orgId, { afterSeq, types, limit: query.limit });
  return {
    bodies: page.items.map((item) => item.body),
    nextCursor: (await encodeCursor(orgId, 'events', { s: page.lastSeq }))!,
  };
}
