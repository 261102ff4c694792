/**
 * What `users:import` and `users:export` share: the environment (the running local stack, or
 * with --aws the table named by TABLE_NAME with your AWS credentials) and the organization's
 * owner, on whose behalf the same service functions as the API's run.
 */
import { resolve } from 'node:path';
import { applyLocalEnvironment, localCatalogJson } from '../local/environment';

export function parseArgs(argv: string[], flags: string[], options: string[]) {
  const positional: string[] = [];
  const values: Record<string, string | true> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (flags.includes(name)) values[name] = true;
    else if (options.includes(name)) {
      const value = inline ?? argv[++index];
      if (!value || value.startsWith('--')) throw new Error(`--${name} needs a value`);
      values[name] = value;
    } else throw new Error(`unknown option --${name}`);
  }
  return { positional, values };
}

/**
 * With --aws the services need what the deployed users function has: its table, links and
 * keys (the data key seals TOTP secrets and keys the import digests).
 */
const AWS_ENVIRONMENT = ['TABLE_NAME', 'APP_URL', 'EMAIL_FROM', 'JWT_ISSUER', 'JWT_AUDIENCE', 'SIGNING_KEY_SECRET_ARN', 'DATA_KEY_SECRET_ARN'];

export function useEnvironment(aws: boolean) {
  if (aws) {
    const missing = AWS_ENVIRONMENT.filter((name) => !process.env[name]);
    if (missing.length) {
      throw new Error(
        `With --aws, set ${missing.join(', ')} as the stack's users function has them ` +
          '(aws lambda get-function-configuration --function-name <its name> --query Environment.Variables), with your AWS credentials and region.',
      );
    }
    // The deployed functions have the catalog compiled in from cdk.json; read it from the same place.
    process.env.PERMISSIONS ??= localCatalogJson();
    return;
  }
  applyLocalEnvironment(
    { port: Number(process.env.PORT ?? 3000), sesPort: Number(process.env.SES_PORT ?? 8005), dynamoDbPort: Number(process.env.DYNAMODB_PORT ?? 8000) },
    { dataDir: resolve(process.env.DATA_DIR ?? '.data') },
  );
}

/** A request context acting as the organization's owner (root), as the API would build it. */
export async function asOwner(slug: string) {
  const { orgIdBySlug } = await import('../../shared/data/orgs');
  const { listUsers, getUser } = await import('../../shared/data/users');
  const orgId = await orgIdBySlug(slug);
  if (!orgId) throw new Error(`There is no organization "${slug}".`);
  // A filtered page may come back empty while more follow: read on until the owner shows.
  let root: { id: string } | undefined;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await listUsers(orgId, { role: 'root', limit: 100, start });
    root = page.items[0];
    start = page.next;
  } while (!root && start);
  const user = root ? await getUser(orgId, root.id) : undefined;
  if (!user) throw new Error(`Organization "${slug}" has no owner.`);
  return { requestId: `cli-${process.pid}-${Date.now()}`, ip: '127.0.0.1', userAgent: 'gatehouse-cli', principal: { orgId, user } };
}
