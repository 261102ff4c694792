/**
 * AWS on-demand list prices (us-east-1), as published on the pages named, read for this
 * benchmark in November 2026. Update the numbers and the date together.
 */
export const PRICES = {
  asOf: '2026-11',
  region: 'us-east-1',
  /** aws.amazon.com/api-gateway/pricing — HTTP APIs, first 300 million requests a month. */
  apiGatewayHttpPerMillion: 1.0,
  /** aws.amazon.com/lambda/pricing — requests, and duration on Arm (first 7.5 billion GB-s). */
  lambdaRequestsPerMillion: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  /** aws.amazon.com/dynamodb/pricing/on-demand — after the November 2024 reduction. */
  dynamoWriteRequestUnitsPerMillion: 0.625,
  dynamoReadRequestUnitsPerMillion: 0.125,
  /**
   * aws.amazon.com/cloudfront/pricing — HTTPS requests in the US and Europe ($0.0100 per
   * 10,000). Paid on top of API Gateway when the console's browser calls the API through
   * the shared CloudFront origin; services calling API Gateway directly do not pay it.
   */
  cloudFrontHttpsPerMillion: 1.0,
  /** aws.amazon.com/ses/pricing — outbound email. */
  sesPerThousandEmails: 0.1,
  /** aws.amazon.com/cognito/pricing — per monthly active user, beyond the free tier. */
  cognitoEssentialsPerMau: 0.015,
  cognitoLitePerMau: 0.0055,
  /**
   * aws.amazon.com/cognito/pricing — machine-to-machine: client-credentials token requests,
   * and each app client configured for them, per month.
   */
  cognitoM2mPerThousandTokenRequests: 2.25,
  cognitoM2mPerClientPerMonth: 6,
  /** aws.amazon.com/eventbridge/pricing — custom events put on a bus (per 64 KB chunk). */
  eventBridgeCustomEventsPerMillion: 1.0,
  /** aws.amazon.com/sqs/pricing — standard queue requests (per 64 KB chunk), after the free tier. */
  sqsStandardRequestsPerMillion: 0.4,
  /**
   * aws.amazon.com/dynamodb/pricing/on-demand — Streams read requests, $0.02 per 100,000; free
   * when Lambda's event source mapping reads them (the dispatcher), so the events row counts 0.
   */
  dynamoStreamsReadRequestsPerMillion: 0.2,
} as const;

/** The Lambda memory size the stack configures (infra/constructs/house-function.ts). */
export const LAMBDA_MEMORY_MB = 1024;
/** Lambda gives one full vCPU at 1,769 MB and CPU in proportion below that. */
export const LAMBDA_VCPU_SHARE = LAMBDA_MEMORY_MB / 1769;

/** The usage profile of one monthly active user (PRODUCT.md). */
export const PROFILE = {
  logins: 20,
  refreshes: 320,
  apiCalls: 60,
} as const;

/**
 * The machine-to-machine profile: one service exchanging its client credentials for a
 * 15-minute access token every 15 minutes, all month (30 days), and nothing else. Gatehouse
 * has no per-client fee: a client is a service account and its API token, two items.
 */
export const M2M_PROFILE = {
  clients: 1,
  tokenRequestsPerClientPerMonth: 30 * 24 * 4,
} as const;
