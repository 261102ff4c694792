/**
 * `npm run seed`: fills the running local stack with a demo organization ("demo"): an owner,
 * an admin, developers (one still pending), a service account and a year of invoices.
 * Runs through the same domain services as the API; running it again changes nothing.
 */
import { resolve } from 'node:path';
import { applyLocalEnvironment } from '../local/environment';
import { describeFailure } from './failure';

applyLocalEnvironment(
  { port: Number(process.env.PORT ?? 3000), sesPort: Number(process.env.SES_PORT ?? 8005), dynamoDbPort: Number(process.env.DYNAMODB_PORT ?? 8000) },
  { dataDir: resolve(process.env.DATA_DIR ?? '.data') },
);
const { getLogin } = await import('../../shared/data/logins');
const { getUser, updateUser } = await import('../../shared/data/users');
const { transact } = await import('../../shared/data/transact');
const { hashPassword } = await import('../../shared/auth/passwords');
const { signUp } = await import('../../shared/services/signup');
const { invite } = await import('../../shared/services/users');
const { importInvoices } = await import('../../shared/services/billing');

const SLUG = 'demo';
const PASSWORD = 'seeded people passphrase 2026';
const ctx = { requestId: 'seed', ip: '127.0.0.1' };

async function userByLogin(login: string) {
  const record = await getLogin(SLUG, login);
  return record?.userId && record.orgId ? getUser(record.orgId, record.userId) : undefined;
}

async function main() {
  let root = await userByLogin('owner');
  if (!root) {
    await signUp(ctx, { orgName: 'Demo Company', slug: SLUG, login: 'owner', name: 'Olivia Owner', email: 'owner@demo.example.com', password: PASSWORD });
    root = (await userByLogin('owner'))!;
  }
  if (!root.emailVerified) {
    await transact([updateUser(root, { set: { emailVerified: true } })]);
    root = (await userByLogin('owner'))!;
  }
  const asRoot = { ...ctx, principal: { orgId: root.orgId, user: root } };
  const hash = await hashPassword(PASSWORD);
  const people = [
    { login: 'ada', name: 'Ada Admin', role: 'admin' as const, active: true },
    { login: 'dev', name: 'Dev Eloper', role: 'developer' as const, active: true },
    { login: 'grace', name: 'Grace Hopper', role: 'developer' as const, active: true },
    { login: 'newbie', name: 'New Bie', role: 'developer' as const, active: false },
  ];
  for (const person of people) {
    if (await userByLogin(person.login)) continue;
    await invite(asRoot, { login: person.login, name: person.name, email: `${person.login}@demo.example.com`, role: person.role });
    if (person.active) {
      const user = (await userByLogin(person.login))!;
      await transact([updateUser(user, { set: { status: 'active', emailVerified: true, passwordHash: hash }, remove: ['emailTokens.activation'] })]);
    }
  }
  let botToken: string | undefined;
  if (!(await userByLogin('ci-bot'))) {
    botToken = (await invite(asRoot, { type: 'service', login: 'ci-bot', name: 'CI bot', role: 'developer' })).apiToken?.token;
  }
  const months = Array.from({ length: 12 }, (_, index) => {
    const start = new Date(Date.UTC(2026, index, 1));
    const end = new Date(Date.UTC(2026, index + 1, 0));
    return {
      org: SLUG,
      number: `DEMO-2026-${String(index + 1).padStart(2, '0')}`,
      periodStart: start.toISOString().slice(0, 10),
      periodEnd: end.toISOString().slice(0, 10),
      amountDue: 4900 + index * 100,
      currency: 'EUR',
      status: index < 10 ? 'paid' : 'open',
    };
  });
  const report = await importInvoices(months);
  console.log(
    [
      `Demo organization "${SLUG}" is ready. Log in with org "${SLUG}" and any of: owner (root), ada (admin), dev, grace (developers).`,
      `Password for all of them: ${PASSWORD}   (newbie is still pending; ci-bot is a service account)`,
      botToken ? `ci-bot API token (shown once): ${botToken}` : 'ci-bot already existed; its API token was shown when it was created.',
      `Invoices: created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}.`,
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(`Seeding failed: ${describeFailure(error)}`);
  process.exit(1);
});
