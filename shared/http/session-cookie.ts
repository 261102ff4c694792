import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '../config';

/**
 * Browser sessions keep the refresh token where no script can read it: an HttpOnly cookie.
 * `__Host-` pins it to this exact origin (Secure, Path=/, no Domain), SameSite=Strict keeps it
 * off every cross-site request, and the API reads it only together with the `Prefer` header,
 * which a cross-site form cannot send and a cross-origin script cannot send without a CORS
 * preflight that only configured origins pass. Scripts and services keep using the body.
 */
export const REFRESH_COOKIE = '__Host-gatehouse-refresh';
export const COOKIE_PREFERENCE = 'refresh-token=cookie';

export function prefersCookie(headers: APIGatewayProxyEventV2['headers']): boolean {
  return (headers.prefer ?? '')
    .split(',')
    .some((preference) => preference.trim().toLowerCase() === COOKIE_PREFERENCE);
}

export function refreshCookieOf(event: APIGatewayProxyEventV2): string | undefined {
  const prefix = `${REFRESH_COOKIE}=`;
  const cookies = event.cookies ?? event.headers.cookie?.split(';') ?? [];
  const value = cookies.map((cookie) => cookie.trim()).find((cookie) => cookie.startsWith(prefix))?.slice(prefix.length);
  return value || undefined;
}

export const setRefreshCookie = (token: string) =>
  `${REFRESH_COOKIE}=${token}; Path=/; Max-Age=${config().SESSION_DAYS * 86400}; Secure; HttpOnly; SameSite=Strict`;

export const clearRefreshCookie = () => `${REFRESH_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict`;
