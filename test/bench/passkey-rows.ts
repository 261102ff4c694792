/**
 * The benchmark's passkey row: a passwordless sign-in (options, then the assertion), measured as
 * the pair of requests a browser makes, so its reads and writes are what one sign-in costs. Each
 * worker signs in with its own passkey of the owner (a shared one would race on its counter).
 * Skipped when the API under measurement has passkeys off (APP_URL an IP address).
 */
import { SoftAuthenticator } from '../support/authenticator';
import type { BenchAnswer, BenchCall, BenchOperation } from './oauth-rows';

export const PASSKEY_ROW = 'passkey sign-in';

const combine = (...answers: BenchAnswer[]): BenchAnswer => ({
  status: Math.max(...answers.map((answer) => answer.status)),
  headers: answers.at(-1)!.headers,
  body: answers.at(-1)!.body,
  ms: answers.reduce((total, answer) => total + answer.ms, 0),
  usage: answers.reduce(
    (total, answer) => ({ reads: total.reads + answer.usage.reads, writes: total.writes + answer.usage.writes, rcu: total.rcu + answer.usage.rcu, wcu: total.wcu + answer.usage.wcu }),
    { reads: 0, writes: 0, rcu: 0, wcu: 0 },
  ),
});

export function passkeyOperations(deps: { call: BenchCall; rootToken: () => Promise<string>; appUrl: string }): { operations: BenchOperation[]; skipped: string[] } {
  const { call } = deps;
  const authenticator = new SoftAuthenticator(new URL(deps.appUrl).origin);
  const credentials: string[] = [];
  return {
    skipped: [],
    operations: [
      {
        name: PASSKEY_ROW,
        setup: async () => {
          if (credentials.length) return;
          const token = await deps.rootToken();
          for (let worker = 0; worker < 8; worker += 1) {
            const options = await call('POST', '/v1/me/passkeys/options', { token, body: {} });
            if (options.status !== 200) throw new Error(`passkey options: ${options.status} ${JSON.stringify(options.body)}`);
            const added = await call('POST', '/v1/me/passkeys', { token, body: { response: authenticator.create(options.body.options) } });
            if (added.status !== 201) throw new Error(`passkey registration: ${added.status} ${JSON.stringify(added.body)}`);
            credentials.push(added.body.credentialId as string);
          }
        },
        step: async (_, worker) => {
          const options = await call('POST', '/v1/auth/passkey/options', { body: {} });
          const response = authenticator.get(options.body.options, { credentialId: credentials[worker % credentials.length] });
          return combine(options, await call('POST', '/v1/auth/passkey', { body: { session: options.body.session, response } }));
        },
      },
    ],
  };
}
