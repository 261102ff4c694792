import { lambdaHandler } from '../shared/http/pipeline';
import { eventsRoutes } from '../shared/http/routes/events';
import * as webhooks from '../shared/services/webhooks';

export const handler = lambdaHandler(eventsRoutes, {
  listEvents: async ({ ctx, query }) => {
    const page = await webhooks.listEventsPage(ctx, query);
    return { status: 200, body: { items: page.bodies.map((body) => JSON.parse(body) as unknown), nextCursor: page.nextCursor } };
  },
  listEventTypes: async ({ ctx }) => ({ status: 200, body: webhooks.eventTypes(ctx) }),
  createWebhook: async ({ ctx, body }) => {
    const { endpoint, secret } = await webhooks.createEndpoint(ctx, body);
    return webhooks.endpointReply(endpoint, 201, { secret });
  },
  listWebhooks: async ({ ctx }) => ({ status: 200, body: await webhooks.endpoints(ctx) }),
  getWebhook: async ({ ctx, params }) => webhooks.endpointReply(await webhooks.endpoint(ctx, params.id!)),
  patchWebhook: async ({ ctx, params, body, ifMatch }) => webhooks.endpointReply(await webhooks.updateEndpoint(ctx, params.id!, body, ifMatch)),
  deleteWebhook: async ({ ctx, params }) => {
    await webhooks.deleteEndpoint(ctx, params.id!);
    return { status: 204 };
  },
  rotateWebhookSecret: async ({ ctx, params, body }) => ({ status: 200, body: await webhooks.rotateSecret(ctx, params.id!, body?.overlapSeconds) }),
  listWebhookDeliveries: async ({ ctx, params, query }) => ({ status: 200, body: await webhooks.deliveries(ctx, params.id!, query) }),
  getWebhookDelivery: async ({ ctx, params }) => ({ status: 200, body: webhooks.publicDelivery(await webhooks.delivery(ctx, params.id!, params.deliveryId!)) }),
  retryWebhookDelivery: async ({ ctx, params }) => ({ status: 202, body: webhooks.publicDelivery(await webhooks.retryDelivery(ctx, params.id!, params.deliveryId!)) }),
  testWebhook: async ({ ctx, params }) => ({ status: 202, body: webhooks.publicDelivery(await webhooks.sendTest(ctx, params.id!)) }),
});
