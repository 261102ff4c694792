/**
 * Collects the placeholders of one DynamoDB expression: every attribute name and value gets
 * its own `#n…` / `:v…`, so reserved words and dotted map paths (`mfa.required`) are safe,
 * and only the placeholders actually used are sent (DynamoDB refuses unused ones).
 */
export class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private count = 0;

  /** A dotted attribute path as name placeholders: `mfa.required` → `#n0.#n1`. */
  path(dotted: string): string {
    return dotted
      .split('.')
      .map((part) => {
        const placeholder = `#n${this.count++}`;
        this.names[placeholder] = part;
        return placeholder;
      })
      .join('.');
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** The placeholder maps, left out when empty. */
  attributes() {
    return {
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

export interface UpdateSpec {
  set?: Record<string, unknown>;
  /** Attribute paths to remove, dotted for map entries (`emailTokens.reset`). */
  remove?: string[];
  /** String-set members to delete, by attribute. */
  deleteFromSet?: Record<string, Set<string>>;
  /** Adds one to `version`. */
  bumpVersion?: boolean;
  /** Each must hold for the write to happen (ANDed, after `attribute_exists(pk)`). */
  conditions?: Condition[];
}

export type Condition =
  | { path: string; equals: unknown }
  | { path: string; lessThan: unknown }
  | { path: string; missing: true }
  | { path: string; contains: unknown };

/** The update and condition expressions of one item write. */
export function updateExpression(spec: UpdateSpec) {
  const expression = new Expression();
  const sets = Object.entries(spec.set ?? {}).map(([field, value]) => `${expression.path(field)} = ${expression.value(value)}`);
  if (spec.bumpVersion) {
    const version = expression.path('version');
    sets.push(`${version} = ${version} + ${expression.value(1)}`);
  }
  const removes = (spec.remove ?? []).map((field) => expression.path(field));
  const deletes = Object.entries(spec.deleteFromSet ?? {}).map(([field, members]) => `${expression.path(field)} ${expression.value(members)}`);
  const conditions = ['attribute_exists(pk)', ...(spec.conditions ?? []).map((condition) => {
    const path = expression.path(condition.path);
    if ('missing' in condition) return `attribute_not_exists(${path})`;
    if ('contains' in condition) return `contains(${path}, ${expression.value(condition.contains)})`;
    if ('lessThan' in condition) return `${path} < ${expression.value(condition.lessThan)}`;
    return condition.equals === undefined ? `attribute_not_exists(${path})` : `${path} = ${expression.value(condition.equals)}`;
  })];
  return {
    UpdateExpression: [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
      deletes.length ? `DELETE ${deletes.join(', ')}` : '',
    ].filter(Boolean).join(' '),
    ConditionExpression: conditions.join(' AND '),
    ...expression.attributes(),
  };
}
