import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Answer, Api } from './api';

/** The local secrets of the registered confidential clients, as `npm start` writes them. */
export function clientSecret(id: string): string {
  const secrets = JSON.parse(readFileSync(join(inject('localStack').dataDir, 'client-secrets.json'), 'utf8')) as Record<string, string>;
  const secret = secrets[id];
  if (!secret) throw new Error(`no local secret for client ${id}`);
  return secret;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined and Base64-encoded. */
export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A form-encoded POST, the way OAuth clients send it. */
export function postForm(api: Api, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  return api.request('POST', path, {
    raw: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** A service account of the organization, with its first API token. */
export async function serviceAccount(api: Api, rootToken: string, role: 'admin' | 'developer' = 'developer', permissions?: string[]) {
  const login = `svc-${Math.random().toString(36).slice(2, 8)}`;
  const created = await api.request('POST', '/v1/users', {
    token: rootToken,
    body: { type: 'service', login, name: 'Service', role, ...(permissions ? { permissions } : {}) },
  });
  if (created.status !== 201) throw new Error(`service account: ${created.status} ${created.text}`);
  return { id: created.body.user.id as string, login, apiToken: created.body.apiToken.token as string, apiTokenId: created.body.apiToken.id as string };
}

/** `client_credentials` with Basic authentication. */
export const clientCredentials = (api: Api, clientId: string, secret: string, fields: Record<string, string> = {}) =>
  postForm(api, '/oauth2/token', { grant_type: 'client_credentials', ...fields }, { authorization: basic(clientId, secret) });
