/**
 * `npx tsx test/bench/sso.ts [--runs N]`: the enterprise SSO rows of the benchmark, on the local
 * stack (DynamoDB Local, the SES emulator, the real handlers in this process): the ACS's CPU per
 * SAML sign-in (signature checks, decryption, every SP check, the user and audit writes) and
 * the DynamoDB reads and writes of one whole SSO sign-in (start + ACS + complete), from the
 * usage the pipeline counts per request (X-Gatehouse-Usage). Prints figures, never pass/fail.
 */
import { parseArgs } from 'node:util';
import { startBenchApi } from './local-api';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const RUNS = Math.max(Number(args.runs), 1);
const bench = await startBenchApi('sso');

const { resetConfig } = await import('../../shared/config');
const { apiAt } = await import('../support/api');
const { startTxtServer } = await import('../support/dns-server');
const { loginAs, signUpOrg } = await import('../support/factories');
const { verifiedDomain } = await import('../support/sso');
const { authnRequestOf, forge, newKeyPair } = await import('../support/saml-forger');

const dns = await startTxtServer();
process.env.GATEHOUSE_DNS_SERVER = dns.address;
process.env.APP_URL = `http://127.0.0.1:${bench.port}`;
resetConfig();
const api = apiAt(process.env.APP_URL);

type Usage = { reads: number; writes: number; rcu: number; wcu: number };
const usageOf = (headers: Headers): Usage => JSON.parse(headers.get('x-gatehouse-usage') ?? '{"reads":0,"writes":0,"rcu":0,"wcu":0}');
const add = (a: Usage, b: Usage): Usage => ({ reads: a.reads + b.reads, writes: a.writes + b.writes, rcu: a.rcu + b.rcu, wcu: a.wcu + b.wcu });

try {
  // Setup: the org, the verified domain, a SAML connection with encryption.
  const idp = { entityId: 'https://idp.bench.test/saml', keys: newKeyPair('Bench IdP') };
  const owner = await signUpOrg(api);
  const org = { ...owner, rootToken: (await loginAs(api, owner.slug, owner.root.login, owner.root.password)).accessToken };
  const { domain } = await verifiedDomain(api, dns, org.rootToken);
  const connection = (await api.request('POST', '/v1/org/sso/connections', {
    token: org.rootToken,
    body: { name: 'Bench', protocol: 'saml', saml: { entityId: idp.entityId, ssoUrl: 'http://127.0.0.1:9/sso', certificates: [idp.keys.certificate] }, domains: [domain], jit: { enabled: true, defaultRole: 'developer' } },
  })).body;
  const spXml = await (await fetch(`${process.env.APP_URL}/sso/saml/${connection.id}/metadata`)).text();
  const spCertificate = `-----BEGIN CERTIFICATE-----\n${/<ds:X509Certificate>([^<]+)</.exec(spXml)![1]}\n-----END CERTIFICATE-----\n`;

  const rows: Array<{ kind: string; cpuMs: number; usage: Usage; jit: boolean }> = [];
  for (let run = 0; run < RUNS * 2; run += 1) {
    const encrypted = run % 2 === 1;
    // The first sign-in of each person is JIT (creates the user); the rest sign an existing one in.
    const person = `p${run % 4}`;
    const started = await fetch(`${process.env.APP_URL}/v1/auth/sso/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${person}@${domain}` }) });
    const { redirectTo } = await started.json() as { redirectTo: string };
    const cookie = started.headers.getSetCookie()[0]!.split(';')[0]!;
    const response = await forge(idp, {
      inResponseTo: authnRequestOf(redirectTo).id,
      destination: connection.sp.acsUrl,
      audience: connection.sp.entityId,
      issuer: idp.entityId,
      nameId: person,
      attributes: { email: [`${person}@${domain}`], groups: ['Engineering'] },
      ...(encrypted ? { encryptFor: spCertificate } : {}),
    });
    const before = process.cpuUsage();
    const acs = await fetch(`${process.env.APP_URL}/sso/saml/${connection.id}/acs`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: response }).toString(), redirect: 'manual' });
    const cpu = process.cpuUsage(before);
    const handle = new URLSearchParams(new URL(acs.headers.get('location')!).hash.slice(1)).get('handle');
    const done = await fetch(`${process.env.APP_URL}/v1/auth/sso/complete`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ handle }) });
    if (done.status !== 200) throw new Error(`sign-in ${run} failed: ${done.status} ${await done.text()}`);
    rows.push({ kind: encrypted ? 'encrypted' : 'signed', cpuMs: (cpu.user + cpu.system) / 1000, usage: add(add(usageOf(started.headers), usageOf(acs.headers)), usageOf(done.headers)), jit: run < 4 });
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const kind of ['signed', 'encrypted']) {
    const of = rows.filter((row) => row.kind === kind && !row.jit);
    console.log(`ACS validation CPU per sign-in (${kind} assertion, median of ${of.length}): ${median(of.map((row) => row.cpuMs)).toFixed(1)} ms (the whole ACS request in-process: RSA checks, decryption, checks, writes)`);
  }
  const existing = rows.find((row) => !row.jit)!.usage;
  const jit = rows.find((row) => row.jit)!.usage;
  console.log(`DynamoDB per SSO sign-in (start + ACS + complete), existing user: ${existing.reads} reads (${existing.rcu} RCU), ${existing.writes} writes (${existing.wcu} WCU)`);
  console.log(`DynamoDB per SSO sign-in, just-in-time creation: ${jit.reads} reads (${jit.rcu} RCU), ${jit.writes} writes (${jit.wcu} WCU)`);
} finally {
  await dns.stop();
  await bench.stop();
}
