/**
 * Headers our CloudFront distribution adds to API requests: the viewer's address, and the
 * secret that proves the request came through the distribution (see EDGE_SECRET).
 */
export const EDGE_SECRET_HEADER = 'x-gatehouse-edge';
export const VIEWER_IP_HEADER = 'x-gatehouse-viewer-ip';
