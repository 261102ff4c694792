import type { FunctionGroup } from '../route';
import { authRoutes } from './auth';
import { eventsRoutes } from './events';
import { brandingOrgRoutes, brandingPublicRoutes } from './branding';
import { meRoutes } from './me';
import { oauthRoutes } from './oauth';
import { oidcRoutes } from './oidc';
import { passkeysRoutes } from './passkeys';
import { orgRoutes } from './org';
import { publicRoutes } from './public';
import { scimRoutes } from './scim';
import { ssoRoutes } from './sso';
import { usersRoutes } from './users';

export * from '../route';

/**
 * The route table: the one list that the CDK stack turns into API Gateway routes, the local
 * adapter serves and the OpenAPI document describes, kept in one file per function group.
 * Each Lambda entry point imports only its own group's file (and so builds only its own
 * request schemas at its cold start); everything else reads the whole table from here.
 */
export const routes = [...publicRoutes, ...authRoutes, ...meRoutes, ...usersRoutes, ...orgRoutes, ...oauthRoutes, ...oidcRoutes, ...scimRoutes, ...passkeysRoutes, ...ssoRoutes, ...eventsRoutes, ...brandingOrgRoutes, ...brandingPublicRoutes] as const;

export type Route = (typeof routes)[number];
export type RouteOf<G extends FunctionGroup> = Extract<Route, { group: G }>;
export type OperationOf<G extends FunctionGroup> = RouteOf<G>['operation'];
