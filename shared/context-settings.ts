import * as z from 'zod';

/**
 * A mistake in a list the deployment writes in `cdk.json` context (`gatehouse:permissions`,
 * `gatehouse:clients`): one line per problem, naming the entry and the field, never a stack trace.
 */
export class ContextSettingError extends Error {
  constructor(readonly problems: string[], source: string) {
    super(`Invalid cdk.json context ${source}:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ContextSettingError';
  }
}

/** Validates a context list; an entry is named in errors by its `key` field (a permission's name, a client's id). */
export function parseContextList<S extends z.ZodType>(schema: S, value: unknown, source: string, key: string): z.output<S> {
  const result = schema.safeParse(value ?? []);
  if (result.success) return result.data;
  throw new ContextSettingError(
    result.error.issues.map((issue) => {
      const [index, ...field] = issue.path;
      if (typeof index !== 'number') return `${source}: ${issue.message}`;
      const entry = Array.isArray(value) ? (value[index] as Record<string, unknown> | undefined) : undefined;
      const named = typeof entry?.[key] === 'string' ? ` "${entry[key]}"` : '';
      const where = field.length ? ` ${field.map(String).join('.')}` : '';
      const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
      return `${source}[${index}]${named}${where}: ${message}`;
    }),
    source,
  );
}

/** The same list as a Lambda's environment variable (JSON), checked again at cold start. */
export const contextListVariable = <T>(parse: (value: unknown, source: string) => T, name: string) =>
  z
    .string()
    .default('[]')
    .transform((text, check) => {
      try {
        return Object.freeze(parse(JSON.parse(text), name));
      } catch (error) {
        check.addIssue({ code: 'custom', message: error instanceof ContextSettingError ? error.problems.join('; ') : 'must be a JSON array' });
        return z.NEVER;
      }
    });
