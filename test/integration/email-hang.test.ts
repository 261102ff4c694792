import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/config';
import { getUser, updateUser } from '../../shared/data/users';
import { transact } from '../../shared/data/transact';
import { STRONG_PASSWORD, loginAs, uniqueSlug } from '../support/factories';
import { type Answer, tokenFromUrl, useApi } from '../support/api';

// This file's SES endpoint is a socket that accepts connections and never answers, as a
// hanging SES would. (Each test file has its own modules and environment.)
const sockets = new Set<Socket>();
const blackHole = createServer((socket) => {
  sockets.add(socket);
  socket.on('error', () => undefined);
  socket.on('close', () => sockets.delete(socket));
});
await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
});
process.env.SES_ENDPOINT = `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}`;
resetConfig();

const api = useApi();

/** One email's budget is 3 s (shared/email/mailer.ts); this leaves room for a loaded machine. */
const BOUND_MS = 6000;

async function timed(request: Promise<Answer>) {
  const started = performance.now();
  const answer = await request;
  return { answer, ms: performance.now() - started };
}

describe('when SES accepts connections and never answers', () => {
  it('answers sign-up and invitations within a bounded time, reporting the email as failed, the change kept', async () => {
    const slug = uniqueSlug();
    const signUp = await timed(
      api.request('POST', '/v1/orgs', {
        body: { orgName: 'Hang', slug, login: 'owner', name: 'Owner', email: `owner@${slug}.example.com`, password: STRONG_PASSWORD },
      }),
    );
    expect(signUp.answer.status).toBe(201);
    expect(signUp.ms).toBeLessThan(BOUND_MS);
    const root = (await getUser(signUp.answer.body.org.id, signUp.answer.body.user.id))!;
    await transact([updateUser(root, { set: { emailVerified: true } })]);
    const { accessToken } = await loginAs(api, slug, 'owner', STRONG_PASSWORD);

    const body = { login: 'waiting', name: 'Waiting', email: `waiting@${slug}.example.com`, role: 'developer' };
    const invited = await timed(api.request('POST', '/v1/users', { token: accessToken, body }));
    expect(invited.answer.status, invited.answer.text).toBe(201);
    expect(invited.answer.body.emailDelivery).toBe('failed');
    expect(invited.ms).toBeLessThan(BOUND_MS);

    // The user was created once: a retry is a conflict, and the returned link works.
    expect((await api.request('POST', '/v1/users', { token: accessToken, body })).status).toBe(409);
    const reissued = await timed(api.request('POST', `/v1/users/${invited.answer.body.user.id}/activation`, { token: accessToken }));
    expect(reissued.answer.status).toBe(201);
    expect(reissued.answer.body.emailDelivery).toBe('failed');
    expect(reissued.ms).toBeLessThan(BOUND_MS);
    const activated = await api.request('POST', '/v1/auth/activate', { body: { token: tokenFromUrl(reissued.answer.body.url), password: 'a fine long passphrase' } });
    expect(activated.status).toBe(200);

    // A request that sends two emails (old and new address) still answers within one email's bound.
    const member = invited.answer.body.user.id as string;
    const moved = await timed(api.request('PATCH', `/v1/users/${member}`, { token: accessToken, body: { email: `moved@${slug}.example.com` } }));
    expect(moved.answer.status, moved.answer.text).toBe(200);
    expect(moved.ms).toBeLessThan(BOUND_MS);
  });
});
