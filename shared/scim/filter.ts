import { parse, type Filter } from 'scim2-parse-filter';
import { invalidFilter } from './errors';

/**
 * The filters Gatehouse answers (shared/api/scim.md "Filters and paging"): `eq` on an indexed
 * attribute, joined by `and`. scim2-parse-filter reads the RFC 7644 §3.4.2.2 grammar; what it
 * accepts beyond our subset (other operators, `or`, `not`, parentheses, other attributes) is
 * refused here as 400 invalidFilter, so every answered filter is a lookup, never a scan.
 */
export type UserAttribute = 'userName' | 'externalId' | 'id' | 'email';
export type GroupAttribute = 'displayName' | 'externalId' | 'id';
export interface Condition<A extends string> {
  attribute: A;
  value: string;
}

const USER: Record<string, UserAttribute> = { username: 'userName', externalid: 'externalId', id: 'id', 'emails.value': 'email', emails: 'email' };
const GROUP: Record<string, GroupAttribute> = { displayname: 'displayName', externalid: 'externalId', id: 'id' };

/** Outside quoted strings, a parenthesis is grouping, which the subset does not have. */
function hasGrouping(text: string): boolean {
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted && char === '\\') index += 1;
    else if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '(' || char === ')')) return true;
  }
  return false;
}

const stripCore = (path: string) => path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '');

export function parseFilter<A extends string>(text: string, kind: 'User' | 'Group'): Condition<A>[] {
  if (text.length > 1000) throw invalidFilter('The filter is too long.');
  if (hasGrouping(text)) throw invalidFilter('Only `eq` joined by `and` is supported (no parentheses).');
  let tree: Filter;
  try {
    tree = parse(text);
  } catch (error) {
    throw invalidFilter(`The filter is not valid: ${(error as Error).message}`);
  }
  const known = (kind === 'User' ? USER : GROUP) as Record<string, A>;
  const conditions: Condition<A>[] = [];
  const visit = (node: Filter): void => {
    if (node.op === 'and') return (node as { filters: Filter[] }).filters.forEach(visit);
    if (node.op === '[]' && kind === 'User') {
      // `emails[type eq "work"].value eq "x"`: Gatehouse keeps one address, the work one.
      const { attrPath, valFilter } = node as { attrPath: string; valFilter: Filter };
      const inner = valFilter as { op: string; attrPath?: string; compValue?: unknown };
      if (stripCore(attrPath).toLowerCase() === 'emails' && inner.op === 'eq' && inner.attrPath?.toLowerCase() === 'type' && inner.compValue === 'work') return;
      throw invalidFilter('Only emails[type eq "work"] is supported as a value filter.');
    }
    if (node.op !== 'eq') throw invalidFilter(`Only \`eq\` joined by \`and\` is supported, not \`${node.op}\`.`);
    const { attrPath, compValue } = node as { attrPath: string; compValue: unknown };
    const attribute = known[stripCore(attrPath).toLowerCase()];
    if (!attribute) throw invalidFilter(`Filtering on ${attrPath} is not supported.`);
    if (typeof compValue !== 'string') throw invalidFilter(`The value compared with ${attrPath} must be a string.`);
    conditions.push({ attribute, value: compValue });
  };
  visit(tree);
  if (!conditions.length) throw invalidFilter('The filter names no attribute to match.');
  return conditions;
}
