import { isApiPath } from '../../infra/console/policy';
import { describe, expect, it } from 'vitest';
import { handlers } from '../../infra/local/handlers';
import { openApiDocument } from '../../shared/http/openapi';
import { routeKey, routes } from '../../shared/http/routes';

describe('the route table', () => {
  it('has unique method+path pairs and unique operation ids', () => {
    expect(new Set(routes.map(routeKey)).size).toBe(routes.length);
    expect(new Set(routes.map((route) => route.operation)).size).toBe(routes.length);
  });

  it('has a local handler for every function group it names', () => {
    for (const route of routes) expect(typeof handlers[route.group]).toBe('function');
  });

  it('is exactly what the OpenAPI document lists', () => {
    const document = openApiDocument();
    const listed = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual(routes.map(routeKey).sort());
    for (const route of routes) {
      const operation = (document.paths[route.path] as Record<string, { operationId: string }>)[route.method.toLowerCase()]!;
      expect(operation.operationId).toBe(route.operation);
    }
    expect(document.openapi).toBe('3.1.0');
  });

  it('documents the OAuth routes with form bodies and RFC 6749 error answers', () => {
    const document = openApiDocument() as any;
    const token = document.paths['/oauth2/token'].post;
    const form = token.requestBody.content['application/x-www-form-urlencoded'].schema;
    expect(form.required).toEqual(['grant_type']);
    expect(form.properties.client_secret.maxLength).toBe(500);
    expect(token.requestBody.content['application/json']).toBeUndefined();
    expect(token.security).toEqual([{ clientBasic: [] }, {}]);
    for (const status of ['400', '401', '429']) {
      expect(token.responses[status].content['application/json'].schema.required).toEqual(['error']);
      expect(token.responses[status].content['application/problem+json']).toBeUndefined();
    }
    expect(token.responses['401'].headers['WWW-Authenticate']).toBeDefined();
    expect(token.responses['200'].headers.Pragma).toBeDefined();
    for (const path of ['/oauth2/introspect', '/oauth2/revoke']) {
      expect(document.paths[path].post.requestBody.content['application/x-www-form-urlencoded'].schema.required).toEqual(['token']);
    }
    expect(document.paths['/.well-known/openid-configuration'].get.responses['200'].content['application/json']).toBeDefined();
    expect(document.components.securitySchemes.clientBasic).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('documents request bodies from the zod schemas, strict and bounded', () => {
    const document = openApiDocument() as any;
    const signUp = document.paths['/v1/orgs'].post.requestBody.content['application/json'].schema;
    expect(signUp.additionalProperties).toBe(false);
    expect(signUp.required).toEqual(expect.arrayContaining(['orgName', 'slug', 'login', 'name', 'email', 'password']));
    expect(signUp.properties.email.maxLength).toBe(254);
    expect(document.paths['/v1/me'].get.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/v1/me'].get.responses['401'].content['application/problem+json']).toBeDefined();
  });

  it('keeps every API route under the paths the shared origin sends to the API, and no console page there', () => {
    for (const route of routes) expect(isApiPath(route.path.replace(/\{\w+\}/g, 'x')), route.path).toBe(true);
    for (const page of ['/', '/login', '/signup', '/activate', '/reset-password', '/verify-email', '/users/abc', '/assets/index.js']) {
      expect(isApiPath(page), page).toBe(false);
    }
  });
});
