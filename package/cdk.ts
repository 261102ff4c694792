/** `gatehouse/cdk`: what a SaaS's own CDK app imports to trust Gatehouse's tokens. */
export { GatehouseJwtAuthorizer, gatehouseJwtAuthorizer, type GatehouseAuthorizerProps } from '../infra/jwt-authorizer.js';
