import { jwks } from '../shared/auth/jwt';
import { config } from '../shared/config';
import { assertTableAnswers } from '../shared/data/readiness';
import { lambdaHandler } from '../shared/http/pipeline';
import { brandingPublicRoutes } from '../shared/http/routes/branding';
import { publicRoutes } from '../shared/http/routes/public';
import { publicBranding, publicLogo } from '../shared/services/branding';
import type { openApiDocument } from '../shared/http/openapi';

// Loaded on the first request for it: the document is built from the whole route table and
// every schema, which no health check or key fetch should pay for at a cold start.
let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = lambdaHandler([...publicRoutes, ...brandingPublicRoutes] as const, {
  health: async ({ query }) => {
    if (query.deep !== '1') return { status: 200, body: { status: 'ok' } };
    await assertTableAnswers();
    return { status: 200, body: { status: 'ok', checks: { table: 'ok' } } };
  },
  jwks: async () => ({ status: 200, body: await jwks() }),
  getPublicBranding: async ({ params, query, acceptLanguage }) => ({
    status: 200,
    body: await publicBranding(params.slug!, query.ui_locales, acceptLanguage),
    headers: { Vary: 'Accept-Language', 'Cache-Control': 'public, max-age=60' },
  }),
  getPublicLogo: async ({ params }) => publicLogo(params.slug!),
  openapi: async () => {
    document ??= (await import('../shared/http/openapi')).openApiDocument(config().APP_URL);
    return { status: 200, body: document };
  },
});
