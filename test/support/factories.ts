import { randomBytes } from 'node:crypto';
import type { Api } from './api';

export const uniqueSlug = (prefix = 'org') => `${prefix}-${randomBytes(5).toString('hex')}`;
export const STRONG_PASSWORD = 'correct horse battery staple 42';

export interface SignedUpOrg {
  slug: string;
  orgId: string;
  root: { id: string; login: string; email: string; password: string };
}

/** A fresh organization owned by the test that creates it. */
export async function signUpOrg(api: Api, overrides: Partial<Record<string, string>> = {}): Promise<SignedUpOrg> {
  const slug = overrides.slug ?? uniqueSlug();
  const body = {
    orgName: 'Acme Test',
    slug,
    login: 'owner',
    name: 'Olivia Owner',
    email: `owner@${slug}.example.com`,
    password: STRONG_PASSWORD,
    ...overrides,
  };
  const answer = await api.request('POST', '/v1/orgs', { body });
  if (answer.status !== 201) throw new Error(`sign-up failed: ${answer.status} ${answer.text}`);
  return {
    slug,
    orgId: answer.body.org.id,
    root: { id: answer.body.user.id, login: answer.body.user.login, email: body.email!, password: body.password! },
  };
}

export async function loginAs(api: Api, slug: string, login: string, password: string) {
  const answer = await api.request('POST', '/v1/auth/login', { body: { org: slug, login, password } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${answer.text}`);
  return answer.body as { accessToken: string; refreshToken: string; tokenType: string; expiresIn: number };
}

export interface Member {
  id: string;
  login: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** An organization whose root has verified its email and is signed in. */
export async function verifiedOrg(api: Api) {
  const org = await signUpOrg(api);
  const { lastEmailTo, tokenFromEmail } = await import('./api');
  const token = tokenFromEmail(await lastEmailTo(org.root.email));
  const verified = await api.request('POST', '/v1/auth/verify-email', { body: { token } });
  if (verified.status !== 204) throw new Error(`verification failed: ${verified.text}`);
  const tokens = await loginAs(api, org.slug, org.root.login, org.root.password);
  return { ...org, rootToken: tokens.accessToken, rootRefresh: tokens.refreshToken };
}

/** Invites a person by link as `inviterToken`, activates from the emailed link, and signs in. */
export async function addMember(
  api: Api,
  org: { slug: string },
  inviterToken: string,
  role: 'admin' | 'developer',
  overrides: Record<string, unknown> = {},
): Promise<Member> {
  const { lastEmailTo, tokenFromEmail } = await import('./api');
  const login = (overrides.login as string) ?? `${role}-${randomBytes(3).toString('hex')}`;
  const email = (overrides.email as string) ?? `${login}@${org.slug}.example.com`;
  const invited = await api.request('POST', '/v1/users', { token: inviterToken, body: { login, name: `Test ${role}`, email, role, ...overrides } });
  if (invited.status !== 201) throw new Error(`invite failed: ${invited.status} ${invited.text}`);
  const password = `${role} passphrase for tests ${randomBytes(2).toString('hex')}`;
  const activated = await api.request('POST', '/v1/auth/activate', { body: { token: tokenFromEmail(await lastEmailTo(email)), password } });
  if (activated.status !== 200) throw new Error(`activation failed: ${activated.status} ${activated.text}`);
  return { id: invited.body.user.id, login, email, password, accessToken: activated.body.accessToken, refreshToken: activated.body.refreshToken };
}
