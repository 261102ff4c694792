import { jwks } from '../shared/auth/jwt';
import { config } from '../shared/config';
import { assertTableAnswers } from '../shared/data/readiness';
import { lambdaHandler } from '../shared/http/pipeline';
import { openApiDocument } from '../shared/http/openapi';

let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = lambdaHandler('public', {
  health: async ({ query }) => {
    if (query.deep !== '1') return { status: 200, body: { status: 'ok' } };
    await assertTableAnswers();
    return { status: 200, body: { status: 'ok', checks: { table: 'ok' } } };
  },
  jwks: async () => ({ status: 200, body: await jwks() }),
  openapi: async () => {
    document ??= openApiDocument(config().APP_URL);
    return { status: 200, body: document };
  },
});
