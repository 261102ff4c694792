/**
 * The benchmark's SCIM rows (PRODUCT.md "Cost and speed targets"): a filtered GET and a PATCH
 * in an organization of 10,000 users, as Entra sends them, and Entra's documented rate of
 * 25 requests per second per tenant held for a while on the local stack, which must answer
 * no 5xx. Every SCIM request also pays the organization's rate bucket: one conditional write.
 *
 * The unfiltered list is two rows: the first page of an import reads the whole users index of
 * the organization (creation order has no key of its own), and the pages after it, within a
 * minute, read only their 100 users (shared/services/scim-users.ts `creationOrder`).
 */
import type { BenchAnswer, BenchCall, BenchOperation } from './oauth-rows';

export const SCIM_ROWS = { filter: 'SCIM GET filter', patch: 'SCIM PATCH', firstPage: 'SCIM list page 1', laterPage: 'SCIM list page n' } as const;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface ScimFixture {
  token: string;
  users: Array<{ id: string; login: string }>;
}

export function scimOperations(call: BenchCall, fixture: ScimFixture): BenchOperation[] {
  const scim = (method: string, path: string, body?: unknown) =>
    call(method, `/scim/v2${path}`, { token: fixture.token, ...(body ? { body } : {}), headers: { accept: 'application/scim+json' } });
  const user = (index: number) => fixture.users[(index * 7919) % fixture.users.length]!;
  const pages = Math.max(1, Math.floor((fixture.users.length + 1) / 100));
  return [
    { name: SCIM_ROWS.firstPage, step: () => scim('GET', '/Users?startIndex=1&count=100') },
    {
      name: SCIM_ROWS.laterPage,
      // An import in progress: its first page was read a moment ago, as a directory does.
      setup: async () => void (await scim('GET', '/Users?startIndex=1&count=100')),
      step: (index) => scim('GET', `/Users?startIndex=${1 + 100 * (1 + (index % Math.max(1, pages - 1)))}&count=100`),
    },
    { name: SCIM_ROWS.filter, step: (index) => scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${user(index).login.toUpperCase()}"`)}`) },
    {
      name: SCIM_ROWS.patch,
      step: (index) => scim('PATCH', `/Users/${user(index).id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: `Renamed ${index}` }] }),
    },
  ];
}

/**
 * Entra's provisioning rate for one tenant: requests started every 40 ms for `seconds`
 * (a filtered GET, then a PATCH of the user found, alternating), whatever the answers' times.
 */
export async function sustainEntraRate(call: BenchCall, fixture: ScimFixture, seconds: number) {
  const operations = scimOperations(call, fixture);
  const filter = operations.find((operation) => operation.name === SCIM_ROWS.filter);
  const patch = operations.find((operation) => operation.name === SCIM_ROWS.patch);
  const answers: BenchAnswer[] = [];
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  const total = Math.round(seconds * 25);
  for (let index = 0; index < total; index += 1) {
    const due = started + index * 40;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push((index % 2 ? patch! : filter!).step(index, 0).then((answer) => void answers.push(answer)));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  const sorted = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  return {
    requests: answers.length,
    seconds: Math.round(elapsed * 10) / 10,
    ratePerSecond: Math.round((answers.length / elapsed) * 10) / 10,
    serverErrors: answers.filter((answer) => answer.status >= 500).length,
    statuses: answers.reduce<Record<number, number>>((counts, answer) => ({ ...counts, [answer.status]: (counts[answer.status] ?? 0) + 1 }), {}),
    otherErrors: answers.filter((answer) => answer.status >= 400 && answer.status < 500).length,
    p50: Math.round(sorted[Math.floor(sorted.length / 2)]! * 100) / 100,
    p99: Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! * 100) / 100,
  };
}
