import { scimPatch, ScimError as LibraryError, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { ScimError, mutability, noTarget } from './errors';
import type { AttributeOp, MembersOp, NormalOp } from './normalize';

/**
 * RFC 7644 §3.5.2 PATCH, applied atomically: every operation to one copy of the resource, in
 * order; the first that fails answers its error and the stored resource is untouched (the
 * services write the result, or nothing). scim-patch applies the attribute operations, behind
 * the guards the research note lists (research/scim.md §6):
 *
 * - it edits its input in place: it only ever sees our deep copy;
 * - it keeps `"False"` as a string (#872): normalize.ts made booleans of them, and readUser
 *   refuses any that is left;
 * - it lets a PATCH rewrite `id` (and `meta`, `groups`): those paths never reach it; a value
 *   equal to the current one is ignored, any other is 400 mutability;
 * - it ignores Entra's remove-by-value (#959): members never reach it; they are an id set
 *   applied here.
 */
const READ_ONLY = new Set(['id', 'meta', 'groups']);
/** Never stored, so never patched: the directory's password, and the schemas list. */
const IGNORED = new Set(['password', 'schemas']);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function toLibraryError(error: unknown, op: AttributeOp): ScimError {
  if (error instanceof LibraryError) {
    // RFC 7644 §3.12: a path whose filter matches nothing is noTarget, for replace (§3.5.2.3)
    // and remove alike. scim-patch throws the latter as FilterArrayTargetNotFound or
    // FilterOnEmptyArray (scimCode `invalidSyntax`), which it does not export; both, and only
    // they, carry the filter that failed as `valuePath` (a property, so a bundler's renaming
    // of classes cannot hide it).
    if (error.scimCode === 'noTarget' || 'valuePath' in error) {
      return noTarget(`${op.op} ${op.path}: no value matches the filter.`);
    }
    return new ScimError(400, `${op.op} ${op.path}: ${error.message || 'cannot be applied'}`, 'invalidValue');
  }
  throw error;
}

/** Applies the attribute operations to a copy of `resource`; answers the copy. */
export function applyAttributeOps(resource: Record<string, unknown>, ops: readonly NormalOp[]): Record<string, unknown> {
  let copy = structuredClone(resource) as unknown as ScimResource;
  for (const op of ops) {
    if (op.kind !== 'attribute' || IGNORED.has(op.attribute)) continue;
    if (READ_ONLY.has(op.attribute)) {
      const current = (resource as Record<string, unknown>)[op.attribute];
      if (op.path === op.attribute && op.op !== 'remove' && same(op.value, current)) continue;
      throw mutability(`${op.attribute} is set by the server and cannot be changed.`);
    }
    const operation = { op: op.op, path: op.path, ...('value' in op ? { value: op.value } : {}) } as ScimPatchOperation;
    try {
      // A missing attribute is added by replace (RFC 7644 §3.5.2.3), but a value filter that
      // matches nothing is noTarget: scim-patch would add a new entry instead.
      copy = scimPatch(copy, [operation], { mutateDocument: true, treatMissingAsAdd: !(op.op === 'replace' && op.path.includes('[')) });
    } catch (error) {
      throw toLibraryError(error, op);
    }
  }
  return copy as unknown as Record<string, unknown>;
}

/** The member set after the member operations, in order; adding a present or removing an absent member changes nothing. */
export function applyMemberOps(members: readonly string[], ops: readonly NormalOp[]): string[] {
  let result = [...members];
  for (const op of ops.filter((entry): entry is MembersOp => entry.kind === 'members')) {
    if (op.op === 'clear') result = [];
    else if (op.op === 'replace') result = [...op.ids];
    else if (op.op === 'add') {
      const present = new Set(result);
      result = [...result, ...op.ids.filter((id) => !present.has(id))];
    }
    else {
      const gone = new Set(op.ids);
      result = result.filter((id) => !gone.has(id));
    }
  }
  return result;
}
