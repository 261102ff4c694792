import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, inject } from 'vitest';
import { createApiServer } from '../../infra/local/http-adapter';
import { handlers } from '../../infra/local/handlers';

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Api {
  url: string;
  request<T = any>(method: string, path: string, options?: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> }): Promise<Answer<T>>;
}

/** Every response body seen by the tests, to prove no secret ever leaves in one. */
export const responseTexts: string[] = [];

/** Requests to an API already listening at `url` (a test that serves it itself). */
export function apiAt(url: string): Api {
  const api: Api = {
    url,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${api.url}${path}`, { method, headers, body });
      const text = await response.text();
      responseTexts.push(text);
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.status, headers: response.headers, body: parsed as any, text };
    },
  };
  return api;
}

/** Serves the real handlers through the local adapter on a free port for one test file. */
export function useApi(): Api {
  const api = apiAt('');
  const server = createApiServer(handlers);
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return api;
}

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** The SES emulator's store: the emails really sent through the SES API. */
export async function emailsTo(address: string): Promise<StoredEmail[]> {
  const { sesPort } = inject('localStack');
  const response = await fetch(`http://127.0.0.1:${sesPort}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.destination.to.some((to) => to.toLowerCase().includes(address.toLowerCase())));
}

export async function lastEmailTo(address: string): Promise<StoredEmail> {
  const emails = await emailsTo(address);
  const email = emails.at(-1);
  if (!email) throw new Error(`no email to ${address}`);
  return email;
}

/** The link of an emailed message (`<APP_URL><path>#token=…`); `path` picks one when given. */
export function linkFromEmail(email: StoredEmail, path = '/[\\w-]+'): string {
  const link = new RegExp(`https?://[^\\s/]+${path}(?:\\?lang=[\\w-]+)?#token=[\\w%-]+`).exec(email.body.text ?? '')?.[0];
  if (!link) throw new Error(`no link in email "${email.subject}"`);
  return link;
}

export const tokenFromEmail = (email: StoredEmail): string => tokenFromUrl(linkFromEmail(email));

/** The token of an emailed or returned link: it rides in the fragment (`#token=`). */
export const tokenFromUrl = (url: string) => new URLSearchParams(new URL(url).hash.slice(1)).get('token')!;
