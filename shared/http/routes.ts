import type { z } from 'zod';
import * as s from './schemas';

/**
 * The route table: the one list that the CDK stack turns into API Gateway routes, the local
 * adapter serves, the Lambda entry points implement and the OpenAPI document describes.
 * `group` names the Lambda function (functions/<group>.ts) that serves the route.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type FunctionGroup = 'public' | 'auth' | 'me' | 'org';
export type Access = 'public' | 'user';

export interface RouteDef {
  method: Method;
  path: string;
  group: FunctionGroup;
  operation: string;
  auth: Access;
  summary: string;
  body?: z.ZodType;
  /** Bodyless POSTs accept no body or `{}`. */
  query?: z.ZodType;
  responses: Partial<Record<number, { description: string; schema?: z.ZodType }>>;
  /** Answers that may be cached by clients (e.g. the JWKS). */
  cacheSeconds?: number;
}

const route = <const R extends RouteDef>(definition: R) => definition;

export const routes = [
  route({
    method: 'GET', path: '/health', group: 'public', operation: 'health', auth: 'public',
    summary: 'Liveness check',
    responses: { 200: { description: 'The service answers', schema: s.Health } },
  }),
  route({
    method: 'GET', path: '/.well-known/jwks.json', group: 'public', operation: 'jwks', auth: 'public',
    summary: 'Public keys that verify access tokens', cacheSeconds: 300,
    responses: { 200: { description: 'JSON Web Key Set', schema: s.Jwks } },
  }),
  route({
    method: 'GET', path: '/v1/openapi.json', group: 'public', operation: 'openapi', auth: 'public',
    summary: 'This API as an OpenAPI 3.1 document', cacheSeconds: 300,
    responses: { 200: { description: 'OpenAPI document', schema: s.OpenApiDocument } },
  }),
  route({
    method: 'POST', path: '/v1/orgs', group: 'auth', operation: 'signUp', auth: 'public',
    summary: 'Sign up an organization and its root user', body: s.SignUpBody,
    responses: {
      201: { description: 'Organization and its root (active, email not yet verified)', schema: s.SignUpResult },
      409: { description: '`slug_taken`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/login', group: 'auth', operation: 'login', auth: 'public',
    summary: 'Log in with organization slug, login and password', body: s.LoginBody,
    responses: {
      200: { description: 'Tokens', schema: s.Tokens },
      401: { description: '`invalid_credentials`, whatever the reason' },
      429: { description: 'Locked after repeated failures; see `Retry-After`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/refresh', group: 'auth', operation: 'refresh', auth: 'public',
    summary: 'Exchange a refresh token for new tokens (the refresh token is rotated)', body: s.RefreshBody,
    responses: {
      200: { description: 'New tokens; the presented refresh token is spent', schema: s.Tokens },
      401: { description: 'Invalid, expired or revoked; presenting a spent token revokes its whole session' },
    },
  }),
  route({
    method: 'POST', path: '/v1/auth/logout', group: 'auth', operation: 'logout', auth: 'public',
    summary: 'End the session of a refresh token', body: s.RefreshBody,
    responses: { 204: { description: 'Signed out (also when the token was already invalid)' } },
  }),
  route({
    method: 'POST', path: '/v1/auth/verify-email', group: 'auth', operation: 'verifyEmail', auth: 'public',
    summary: 'Verify an email address with the emailed token', body: s.TokenBody,
    responses: { 204: { description: 'Verified' }, 400: { description: '`invalid_token`' } },
  }),
  route({
    method: 'GET', path: '/v1/me', group: 'me', operation: 'getMe', auth: 'user',
    summary: 'The signed-in user',
    responses: { 200: { description: 'User (with ETag)', schema: s.User } },
  }),
  route({
    method: 'PATCH', path: '/v1/me', group: 'me', operation: 'patchMe', auth: 'user',
    summary: 'Change own name or location', body: s.PatchMeBody,
    responses: { 200: { description: 'User', schema: s.User }, 412: { description: 'Stale `If-Match`' } },
  }),
  route({
    method: 'POST', path: '/v1/me/email-verification', group: 'me', operation: 'resendVerification', auth: 'user',
    summary: 'Email a new verification link (rate-limited)',
    responses: {
      202: { description: 'A new link was emailed; earlier links are dead' },
      409: { description: '`already_verified`' },
      429: { description: 'Asked too often; see `Retry-After`' },
    },
  }),
  route({
    method: 'POST', path: '/v1/me/password', group: 'me', operation: 'changePassword', auth: 'user',
    summary: 'Change own password; signs out every other session', body: s.ChangePasswordBody,
    responses: { 204: { description: 'Changed' }, 403: { description: '`reauthentication_failed`' } },
  }),
  route({
    method: 'GET', path: '/v1/org', group: 'org', operation: 'getOrg', auth: 'user',
    summary: 'The caller’s organization',
    responses: { 200: { description: 'Organization (with ETag)', schema: s.Org } },
  }),
  route({
    method: 'PATCH', path: '/v1/org', group: 'org', operation: 'patchOrg', auth: 'user',
    summary: 'Rename the organization (root, admin)', body: s.PatchOrgBody,
    responses: { 200: { description: 'Organization', schema: s.Org }, 412: { description: 'Stale `If-Match`' } },
  }),
] as const;

export type Route = (typeof routes)[number];
export type RouteOf<G extends FunctionGroup> = Extract<Route, { group: G }>;
export type OperationOf<G extends FunctionGroup> = RouteOf<G>['operation'];

export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>) => `${route.method} ${route.path}`;
