/**
 * `npx tsx test/bench/passkey-usage.ts [--runs N]`: the DynamoDB reads and writes of passkey
 * sign-ins on the local stack (DynamoDB Local, the SES emulator, the real handlers in this
 * process), counted from the usage the pipeline reports per request (X-Gatehouse-Usage, from
 * ReturnConsumedCapacity), with a software authenticator making real P-256 assertions:
 * - passwordless: POST /v1/auth/passkey/options, then POST /v1/auth/passkey;
 * - second factor: POST /v1/auth/login (answered MFA_REQUIRED with passkey options), then
 *   POST /v1/auth/challenge with the assertion.
 * Each from a browser that signed in before (its device cookie) and from a new one, and with
 * the organization's policy cached in the instance or not (a new function instance, or the 30 s
 * cache expired). Prints figures, never pass/fail; `npm run bench` has the same passwordless row.
 */
import { parseArgs } from 'node:util';
import { startBenchApi } from './local-api';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const RUNS = Math.max(Number(args.runs), 1);
const bench = await startBenchApi('passkey');

const { resetConfig } = await import('../../shared/config');
const { clock } = await import('../../shared/clock');
const { POLICY_CACHE_SECONDS } = await import('../../shared/services/mfa-policy');
const { apiAt } = await import('../support/api');
const { loginAs, signUpOrg } = await import('../support/factories');
const { SoftAuthenticator } = await import('./../support/authenticator');

// The relying party is APP_URL's host name; the API is reached on 127.0.0.1 (as behind a domain).
const ORIGIN = `http://localhost:${bench.port}`;
process.env.APP_URL = ORIGIN;
resetConfig();
const api = apiAt(`http://127.0.0.1:${bench.port}`);

type Usage = { reads: number; writes: number; rcu: number; wcu: number };
const usageOf = (headers: Headers): Usage => JSON.parse(headers.get('x-gatehouse-usage') ?? '{"reads":0,"writes":0,"rcu":0,"wcu":0}');
const add = (...all: Usage[]): Usage => all.reduce((a, b) => ({ reads: a.reads + b.reads, writes: a.writes + b.writes, rcu: a.rcu + b.rcu, wcu: a.wcu + b.wcu }), { reads: 0, writes: 0, rcu: 0, wcu: 0 });
const deviceCookie = (headers: Headers) => headers.getSetCookie().find((value) => value.startsWith('__Host-gatehouse-device='))?.split(';')[0];
/** Moves the clock past the instance's policy cache, as a new function instance would see it. */
const realNow = clock.now;
let offset = 0;
const expirePolicyCache = () => {
  offset += (POLICY_CACHE_SECONDS + 1) * 1000;
  clock.now = () => realNow() + offset;
};

try {
  const owner = await signUpOrg(api);
  const rootToken = (await loginAs(api, owner.slug, owner.root.login, owner.root.password)).accessToken;
  const authenticator = new SoftAuthenticator(ORIGIN);
  const options = await api.request('POST', '/v1/me/passkeys/options', { token: rootToken, body: {} });
  const added = await api.request('POST', '/v1/me/passkeys', { token: rootToken, body: { response: authenticator.create(options.body.options) } });
  if (added.status !== 201) throw new Error(`registration: ${added.status} ${added.text}`);

  const rows = new Map<string, { parts: string; runs: Usage[][] }>();
  const record = (name: string, parts: string, usages: Usage[]) => {
    const row = rows.get(name) ?? { parts, runs: [] };
    row.runs.push(usages);
    rows.set(name, row);
  };

  let cookie: string | undefined;
  for (let run = 0; run < RUNS; run += 1) {
    for (const known of [false, true]) {
      for (const cold of [false, true]) {
        if (cold) expirePolicyCache();
        const headers = known && cookie ? { cookie } : undefined;
        const opened = await api.request('POST', '/v1/auth/passkey/options', { body: {}, headers });
        const signedIn = await api.request('POST', '/v1/auth/passkey', { body: { session: opened.body.session, response: authenticator.get(opened.body.options) }, headers });
        if (signedIn.status !== 200) throw new Error(`passwordless: ${signedIn.status} ${signedIn.text}`);
        record(`passwordless, ${known ? 'known' : 'new'} browser${cold ? ', policy read' : ''}`, 'options + assertion', [usageOf(opened.headers), usageOf(signedIn.headers)]);

        if (cold) expirePolicyCache();
        const login = await api.request('POST', '/v1/auth/login', { body: { org: owner.slug, login: owner.root.login, password: owner.root.password }, headers });
        if (login.body.challenge !== 'MFA_REQUIRED' || !login.body.passkeyOptions) throw new Error(`login: ${login.status} ${login.text}`);
        const answered = await api.request('POST', '/v1/auth/challenge', {
          body: { session: login.body.session, challenge: 'MFA_REQUIRED', passkey: authenticator.get(login.body.passkeyOptions) },
          headers,
        });
        if (answered.status !== 200) throw new Error(`second factor: ${answered.status} ${answered.text}`);
        // The device cookie comes with a completed password sign-in (a passwordless one needs none).
        cookie ??= deviceCookie(answered.headers);
        record(`password + passkey, ${known ? 'known' : 'new'} browser${cold ? ', policy read' : ''}`, 'login + challenge', [usageOf(login.headers), usageOf(answered.headers)]);
      }
    }
  }

  console.log(`DynamoDB per passkey sign-in, from X-Gatehouse-Usage (${RUNS} sign-ins per row; the figures of every run are listed when they differ)`);
  for (const [name, { parts, runs }] of rows) {
    const distinct = [...new Set(runs.map((usages) => JSON.stringify(usages)))].map((text) => JSON.parse(text) as Usage[]);
    const shown = distinct.map((usages) => {
      const total = add(...usages);
      return `${total.reads} reads (${total.rcu} RCU), ${total.writes} writes (${total.wcu} WCU)  [${parts}: ${usages.map((usage) => `${usage.reads}r/${usage.writes}w`).join(' + ')}]`;
    });
    console.log(`  ${name.padEnd(44)} ${shown.join(' | ')}`);
  }
} finally {
  await bench.stop();
}
