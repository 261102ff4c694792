/**
 * Headers our CloudFront distribution adds to API requests: the viewer's address, and the
 * secret that proves the request came through the distribution (see EDGE_SECRET).
 */
export const EDGE_SECRET_HEADER = 'x-gatehouse-edge';
export const VIEWER_IP_HEADER = 'x-gatehouse-viewer-ip';
/**
 * The header CloudFront adds to every request it sends to API Gateway, from the rotating origin
 * secret (`{ current, previous }`): API Gateway's own URL is public, and this is how a function
 * knows a request did not bypass CloudFront and its WAF.
 */
export const ORIGIN_SECRET_HEADER = 'x-gatehouse-origin';
