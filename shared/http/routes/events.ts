import { route } from '../route';
import { CreateWebhookBody, DeliveriesQuery, EventsQuery, PatchWebhookBody, RotateSecretBody } from '../requests/events';

/** The `events` function's routes: webhook endpoints (root) and the events API (functions/events.ts). */
export const eventsRoutes = [
  route({
    method: 'GET', path: '/v1/events', group: 'events', operation: 'listEvents', auth: 'user',
    summary: 'Events oldest first, from a cursor (root, admin)', query: EventsQuery,
    responses: { 200: { description: 'Events and the cursor to ask again with', schema: 'EventPage' }, 400: { description: '`invalid_cursor`, `unknown_event_type`' }, 403: { description: 'Developers' } },
  }),
  route({
    method: 'GET', path: '/v1/events/types', group: 'events', operation: 'listEventTypes', auth: 'user',
    summary: 'The event catalog (root, admin)',
    responses: { 200: { description: 'Event types', schema: 'EventTypeList' }, 403: { description: 'Developers' } },
  }),
  route({
    method: 'POST', path: '/v1/org/webhooks', group: 'events', operation: 'createWebhook', auth: 'user',
    summary: 'Add a webhook endpoint (root); the signing secret is shown only here', body: CreateWebhookBody,
    responses: { 201: { description: 'Endpoint with its secret', schema: 'WebhookEndpointCreated' }, 400: { description: '`validation_failed`, `unknown_event_type`, `url_not_allowed`' }, 409: { description: '`too_many_endpoints`' } },
  }),
  route({
    method: 'GET', path: '/v1/org/webhooks', group: 'events', operation: 'listWebhooks', auth: 'user',
    summary: 'Webhook endpoints (root)',
    responses: { 200: { description: 'Endpoints', schema: 'WebhookEndpointList' } },
  }),
  route({
    method: 'GET', path: '/v1/org/webhooks/{id}', group: 'events', operation: 'getWebhook', auth: 'user',
    summary: 'One webhook endpoint (root)',
    responses: { 200: { description: 'Endpoint (with ETag)', schema: 'WebhookEndpoint' }, 404: { description: 'Unknown id' } },
  }),
  route({
    method: 'PATCH', path: '/v1/org/webhooks/{id}', group: 'events', operation: 'patchWebhook', auth: 'user',
    summary: 'Change, enable or disable a webhook endpoint (root)', body: PatchWebhookBody,
    responses: { 200: { description: 'Endpoint', schema: 'WebhookEndpoint' }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'DELETE', path: '/v1/org/webhooks/{id}', group: 'events', operation: 'deleteWebhook', auth: 'user',
    summary: 'Delete a webhook endpoint and its pending deliveries (root)',
    responses: { 204: { description: 'Deleted' }, 404: { description: 'Unknown id' } },
  }),
  route({
    method: 'POST', path: '/v1/org/webhooks/{id}/rotate-secret', group: 'events', operation: 'rotateWebhookSecret', auth: 'user',
    summary: 'A new signing secret; the old one keeps signing beside it for the overlap (root)', body: RotateSecretBody,
    responses: { 200: { description: 'The new secret', schema: 'WebhookSecret' } },
  }),
  route({
    method: 'GET', path: '/v1/org/webhooks/{id}/deliveries', group: 'events', operation: 'listWebhookDeliveries', auth: 'user',
    summary: 'Deliveries to an endpoint, newest first (root)', query: DeliveriesQuery,
    responses: { 200: { description: 'Deliveries', schema: 'WebhookDeliveryList' } },
  }),
  route({
    method: 'GET', path: '/v1/org/webhooks/{id}/deliveries/{deliveryId}', group: 'events', operation: 'getWebhookDelivery', auth: 'user',
    summary: 'One delivery with its attempts (root)',
    responses: { 200: { description: 'Delivery', schema: 'WebhookDelivery' }, 404: { description: 'Unknown id' } },
  }),
  route({
    method: 'POST', path: '/v1/org/webhooks/{id}/deliveries/{deliveryId}/retry', group: 'events', operation: 'retryWebhookDelivery', auth: 'user',
    summary: 'Send a delivery again within seconds, same webhook-id (root)',
    responses: { 202: { description: 'The delivery, pending', schema: 'WebhookDelivery' }, 409: { description: '`endpoint_disabled`' } },
  }),
  route({
    method: 'POST', path: '/v1/org/webhooks/{id}/test', group: 'events', operation: 'testWebhook', auth: 'user',
    summary: 'Send a webhook.test event to this endpoint (root)',
    responses: { 202: { description: 'The test delivery', schema: 'WebhookDelivery' } },
  }),
] as const;
