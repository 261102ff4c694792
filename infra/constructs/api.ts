import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CORS } from '../../shared/http/cors';
import { type FunctionGroup, type RouteDef, routes } from '../../shared/http/routes';

export interface ApiProps {
  functions: Record<FunctionGroup, IFunction>;
  allowedOrigins: string[];
  /** Steady requests per second and burst for the whole stage. */
  throttle: { rateLimit: number; burstLimit: number };
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
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.httpApi.addStage('LiveStage', {
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
      if (!integrations.has(group)) integrations.set(group, new HttpLambdaIntegration(`${group}Integration`, props.functions[group]));
      return integrations.get(group)!;
    };
    for (const route of routes as readonly RouteDef[]) {
      this.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration: integration(route.group) });
    }
    // Unknown paths reach the public function, which answers a problem+json 404 like every other error.
    this.httpApi.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration: integration('public') });
  }
}
