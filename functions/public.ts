import { jwks } from '../shared/auth/jwt';
import { config } from '../shared/config';
import { assertTableAnswers } from '../shared/data/readiness';
import { lambdaHandler } from '../shared/http/pipeline';
import { publicRoutes } from '../shared/http/routes/public';
import type { openApiDocument } from '../shared/http/openapi';

// Loaded on the first request for it: the document is built from the whole route table and
// every schema, which no health check or key fetch should pay for at a cold start.
let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = lambdaHandler(publicRoutes, {
  health: async ({ query }) => {
    if (query.deep !== '1') return { status: 200, body: { status: 'ok' } };
    await assertTableAnswers();
    return { status: 200, body: { status: 'ok', checks: { table: 'ok' } } };
  },
  jwks: async () => ({ status: 200, body: await jwks() }),
  openapi: async () => {
    document ??= (await import('../shared/http/openapi')).openApiDocument(config().APP_URL);
    return { status: 200, body: document };
  },
});
