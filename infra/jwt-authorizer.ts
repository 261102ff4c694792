import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';

export interface GatehouseAuthorizerProps {
  /** Gatehouse's issuer: the stack output `Issuer` (or `GatehouseStack.issuer` in the same app). */
  issuer: string;
  /** The stack output `Audience` (`gatehouse:audience`); default `gatehouse`. */
  audience?: string;
  authorizerName?: string;
}

/**
 * For any other stack of the SaaS: an API Gateway HTTP API JWT authorizer that trusts
 * Gatehouse's access tokens (RS256, keys found through `<issuer>/.well-known/openid-configuration`).
 * Protecting a route with a permission is then one line:
 *
 *   api.addRoutes({ path: '/settings', methods: [HttpMethod.PUT], integration,
 *     authorizer: gatehouseJwtAuthorizer('Gatehouse', { issuer, audience }),
 *     authorizationScopes: ['settings:write'] });
 *
 * The authorizer checks signature, `kid`, `iss`, `aud`, `exp`/`nbf`/`iat` and that `scope`
 * holds one of the route's scopes; it cannot know that a user was deactivated since the token
 * was issued (15 minutes at most): a route that must know at once asks /oauth2/introspect.
 */
export function gatehouseJwtAuthorizer(id: string, props: GatehouseAuthorizerProps): HttpJwtAuthorizer {
  return new HttpJwtAuthorizer(id, props.issuer, {
    jwtAudience: [props.audience ?? 'gatehouse'],
    identitySource: ['$request.header.Authorization'],
    authorizerName: props.authorizerName ?? id,
  });
}
