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
