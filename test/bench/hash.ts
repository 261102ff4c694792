/** One fresh process: the time, CPU and memory of hashing a password at the configured parameters. */
import { HASH_PARAMS, hashPassword } from '../../shared/auth/passwords';

const rssBefore = process.resourceUsage().maxRSS;
await hashPassword('warm up the module once');
const runs: Array<{ wall: number; cpu: number }> = [];
for (let run = 0; run < 10; run += 1) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await hashPassword(`benchmark password number ${run}`);
  const used = process.cpuUsage(cpu);
  runs.push({ wall: performance.now() - started, cpu: (used.user + used.system) / 1000 });
}
const median = (values: number[]) => values.sort((a, b) => a - b)[5]!;
process.stdout.write(JSON.stringify({
  medianMs: Math.round(median(runs.map((run) => run.wall)) * 10) / 10,
  cpuMs: Math.round(median(runs.map((run) => run.cpu)) * 10) / 10,
  maxRssDeltaMiB: Math.round(((process.resourceUsage().maxRSS - rssBefore) / 1024) * 10) / 10,
  params: { m: HASH_PARAMS.memoryCost, t: HASH_PARAMS.timeCost, p: HASH_PARAMS.parallelism },
}));
