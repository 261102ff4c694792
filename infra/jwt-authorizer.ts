import type { HttpRouteAuthorizerBindOptions, HttpRouteAuthorizerConfig, IHttpApi, IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';

export interface GatehouseAuthorizerProps {
  /** Gatehouse's issuer: the stack output `Issuer` (or `GatehouseStack.issuer` in the same app). */
  issuer: string;
  /** The stack output `Audience` (`gatehouse:audience`); default `gatehouse`. */
  audience?: string;
  authorizerName?: string;
}

/**
 * An API Gateway HTTP API JWT authorizer that trusts Gatehouse's access tokens (RS256, keys found
 * through `<issuer>/.well-known/openid-configuration`), for any stack of the SaaS. One value
 * serves every route of every API: CDK's HttpJwtAuthorizer creates its AWS::ApiGatewayV2::Authorizer
 * once, in the first API it is bound to, and would hand that API's authorizer id to a second API's
 * routes; this one keeps an HttpJwtAuthorizer per API, so each API gets its own.
 *
 * It imports nothing but aws-cdk-lib: no cdk-nag plugin, acknowledgement or aspect reaches the
 * consumer's app (Gatehouse's own checks live in infra/app.ts, which the package does not export).
 *
 * The authorizer checks signature, `kid`, `iss`, `aud`, `exp`/`nbf`/`iat` and that `scope`
 * holds one of the route's scopes; it cannot know that a user was deactivated since the token
 * was issued (15 minutes at most): a route that must know at once asks /oauth2/introspect.
 */
export class GatehouseJwtAuthorizer implements IHttpRouteAuthorizer {
  readonly authorizationType = 'JWT';
  private readonly perApi = new Map<IHttpApi, HttpJwtAuthorizer>();

  constructor(
    private readonly id: string,
    private readonly props: GatehouseAuthorizerProps,
  ) {}

  bind(options: HttpRouteAuthorizerBindOptions): HttpRouteAuthorizerConfig {
    const api = options.route.httpApi;
    let authorizer = this.perApi.get(api);
    if (!authorizer) {
      authorizer = new HttpJwtAuthorizer(this.id, this.props.issuer, {
        jwtAudience: [this.props.audience ?? 'gatehouse'],
        identitySource: ['$request.header.Authorization'],
        authorizerName: this.props.authorizerName ?? this.id,
      });
      this.perApi.set(api, authorizer);
    }
    return authorizer.bind(options);
  }
}

/**
 * Protecting a route with a permission is then one line:
 *
 *   api.addRoutes({ path: '/settings', methods: [HttpMethod.PUT], integration,
 *     authorizer: gatehouseJwtAuthorizer('Gatehouse', { issuer, audience }),
 *     authorizationScopes: ['settings:write'] });
 */
export const gatehouseJwtAuthorizer = (id: string, props: GatehouseAuthorizerProps): GatehouseJwtAuthorizer => new GatehouseJwtAuthorizer(id, props);
