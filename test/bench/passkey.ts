/**
 * One fresh process: the CPU of checking one passkey assertion (ES256) with the code the API
 * runs, @simplewebauthn/server behind shared/auth/webauthn.ts, median of 50 after a warm-up.
 */
import { verifyAssertion, verifyRegistration } from '../../shared/auth/webauthn';
import { SoftAuthenticator } from '../support/authenticator';

const rp = { id: 'localhost', origin: 'http://localhost:3000' };
const authenticator = new SoftAuthenticator(rp.origin);
const registration = authenticator.create({ challenge: 'cmVnaXN0cmF0aW9uLWNoYWxsZW5nZQ', rp: { id: rp.id, name: 'Bench' }, user: { id: 'dXNlcg', name: 'u', displayName: 'u' } });
const credential = await verifyRegistration(rp, registration as never, 'cmVnaXN0cmF0aW9uLWNoYWxsZW5nZQ');
if (!credential) throw new Error('registration did not verify');

const runs: Array<{ wall: number; cpu: number }> = [];
for (let run = 0; run < 60; run += 1) {
  const challenge = Buffer.from(`challenge number ${run} of the benchmark`).toString('base64url');
  const response = authenticator.get({ challenge, rpId: rp.id });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const assertion = await verifyAssertion(rp, response as never, challenge, credential, true);
  const used = process.cpuUsage(cpu);
  if (!assertion) throw new Error('assertion did not verify');
  if (run >= 10) runs.push({ wall: performance.now() - started, cpu: (used.user + used.system) / 1000 });
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
process.stdout.write(JSON.stringify({
  medianMs: Math.round(median(runs.map((run) => run.wall)) * 100) / 100,
  cpuMs: Math.round(median(runs.map((run) => run.cpu)) * 100) / 100,
}));
