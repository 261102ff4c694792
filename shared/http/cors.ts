/**
 * What browsers may send and read cross-origin: one definition for the functions, the local
 * adapter's preflight answers and API Gateway's CORS configuration. Origins come from config.
 */
export const CORS = {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['authorization', 'content-type', 'if-match', 'prefer'],
  exposeHeaders: ['etag', 'x-request-id', 'retry-after', 'preference-applied'],
  maxAgeSeconds: 600,
} as const;
