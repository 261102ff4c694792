import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CORS } from '../../shared/http/cors';
import { type FunctionGroup, type RouteDef, routeKey, routes } from '../../shared/http/routes';
import { ContextSettingError } from '../../shared/context-settings';
import { houseLogGroup } from './house-function';

export interface ApiProps {
  functions: Record<FunctionGroup, IFunction>;
  allowedOrigins: string[];
  /** Steady requests per second and burst for the whole stage. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Tighter limits for single routes (`gatehouse:routeThrottles`), by route key. */
  routeThrottles?: Record<string, { rateLimit: number; burstLimit: number }>;
}

/**
 * The HTTP API (API Gateway v2): one route per entry of the route table, each integrated
 * with its group's function; unmatched requests go to the public function, which answers a
 * problem+json 404. Throttled, with JSON access logs.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Gatehouse user management API',
      createDefaultStage: false,
      corsPreflight: props.allowedOrigins.length
        ? {
            allowOrigins: props.allowedOrigins,
            allowMethods: CORS.methods.map((method) => CorsHttpMethod[method]),
            allowHeaders: [...CORS.allowHeaders],
            exposeHeaders: [...CORS.exposeHeaders],
            maxAge: Duration.seconds(CORS.maxAgeSeconds),
          }
        : undefined,
    });
    this.accessLogs = houseLogGroup(this, 'AccessLogs');
    const stage = this.httpApi.addStage('LiveStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    const integrations = new Map<FunctionGroup, HttpLambdaIntegration>();
    const integration = (group: FunctionGroup) => {
      if (!integrations.has(group)) integrations.set(group, new HttpLambdaIntegration(`${group}Integration`, props.functions[group], {
        // One permission per function for this API, not one per route: 130 routes would otherwise add
        // 130 Lambda permissions and push the stack past CloudFormation's 500 resources.
        scopePermissionToRoute: false,
      }));
      return integrations.get(group)!;
    };
    const throttled = new Set(Object.keys(props.routeThrottles ?? {}));
    for (const route of routes as readonly RouteDef[]) {
      const made = this.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration: integration(route.group) });
      // A stage's route settings name routes that must exist first.
      if (throttled.has(routeKey(route))) made.forEach((each) => stage.node.addDependency(each));
    }
    // Unknown paths reach the public function, which answers a problem+json 404 like every other error.
    this.httpApi.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration: integration('public') });

    const known = new Set((routes as readonly RouteDef[]).map(routeKey));
    const unknown = Object.keys(props.routeThrottles ?? {}).filter((key) => !known.has(key));
    if (unknown.length) {
      throw new ContextSettingError(unknown.map((key) => `gatehouse:routeThrottles "${key}": no such route (keys are "METHOD /path" of the route table)`), 'gatehouse:routeThrottles');
    }
    // API Gateway applies a route's own limits instead of the stage's for that route.
    (stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      Object.entries(props.routeThrottles ?? {}).map(([key, limit]) => [key, { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit }]),
    );
  }
}
