import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sealDeviceCookie } from '../auth/device-cookie';
import { config } from '../config';
import type { RequestContext } from '../context';

/**
 * The device cookie (api/production.md "Device cookie"): set by every completed sign-in,
 * whether or not the client asked for cookie sessions, and read by the sign-in routes.
 * `__Host-` pins it to this origin; HttpOnly keeps it from scripts; SameSite=Strict off
 * cross-site requests.
 */
export const DEVICE_COOKIE = '__Host-gatehouse-device';

export function deviceCookieOf(event: APIGatewayProxyEventV2): string | undefined {
  const prefix = `${DEVICE_COOKIE}=`;
  const cookies = event.cookies ?? event.headers.cookie?.split(';') ?? [];
  const value = cookies.map((cookie) => cookie.trim()).find((cookie) => cookie.startsWith(prefix))?.slice(prefix.length);
  return value || undefined;
}

/** The Set-Cookie a reply carries when its request completed a sign-in, else nothing. */
export async function deviceSetCookie(ctx: RequestContext): Promise<string | undefined> {
  const issue = ctx.device?.issue;
  if (!issue) return undefined;
  const days = config().GATEHOUSE_DEVICE_COOKIE_DAYS;
  return `${DEVICE_COOKIE}=${await sealDeviceCookie(issue, days)}; Path=/; Max-Age=${days * 86400}; Secure; HttpOnly; SameSite=Strict`;
}
