import { Liquid, type Template } from 'liquidjs';
import { Problem } from '../errors';

/**
 * Templates an organization writes are untrusted input, so LiquidJS is locked down
 * (research/branding.md C2):
 * - `templates: {}`: lookups go to an empty in-memory map, never the file system (without it,
 *   `{% include 'package.json' %}` reads a file from the process's directory); on top of that
 *   `include`, `render` and `layout` are removed, so using them is a parse error;
 * - `strictVariables` / `strictFilters`: a name not in the type's list is an error, not "";
 * - `ownPropertyOnly`: `constructor`, `__proto__` and anything inherited are undefined;
 * - parse, render-time and memory limits against huge templates and loops (`(1..100000000)`);
 * - the `raw` filter is removed, so HTML output cannot opt out of escaping.
 * liquidjs ≥ 10.26: earlier versions allowed `{{ 1 | valueOf }}`-style calls of
 * prototype methods as filters (harttle/liquidjs#897).
 */
export const LIMITS = {
  /** Characters of one part's source. */
  partBytes: 32 * 1024,
  subjectChars: 500,
  renderMs: 100,
  outputBytes: 256 * 1024,
  /** LiquidJS's allocation budget (string lengths and loop ranges) per render. */
  memory: 4_000_000,
  renderedSubjectChars: 250,
} as const;

function lockedDown(escapeOutput: boolean): Liquid {
  const liquid = new Liquid({
    templates: {},
    outputEscape: escapeOutput ? 'escape' : undefined,
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    parseLimit: LIMITS.partBytes + 1,
    renderLimit: LIMITS.renderMs,
    memoryLimit: LIMITS.memory,
    cache: false,
  });
  for (const tag of ['include', 'render', 'layout']) delete liquid.tags[tag];
  delete liquid.filters.raw;
  return liquid;
}

/** Subject and text are plain text; HTML escapes every output. */
export const engines = { text: lockedDown(false), html: lockedDown(true) } as const;

export type Part = 'subject' | 'text' | 'html';
export interface TemplateError {
  path: Part;
  message: string;
  line?: number;
  column?: number;
  variable?: string;
}

export const templateInvalid = (errors: TemplateError[]) =>
  new Problem(400, 'template_invalid', 'The template cannot be used: see errors.', errors as never);
export const missingVariable = (errors: TemplateError[]) =>
  new Problem(400, 'missing_variable', 'The template leaves out a variable its email needs: see errors.', errors as never);

/**
 * What a LiquidJS error says, without anything it may quote from elsewhere. Messages name the
 * tag, filter or variable and the position; an ENOENT cannot occur (no lookups), but a message
 * is still cut at the first line and to 200 characters so no answer ever carries file content.
 */
export function describe(path: Part, error: unknown): TemplateError {
  const liquidError = error as { message?: string; token?: { getPosition?: () => [number, number] } };
  const position = liquidError.token?.getPosition?.();
  const message = (liquidError.message ?? 'cannot be rendered').split('\n')[0]!.replace(/, line:\d+, col:\d+$/, '').slice(0, 200);
  return { path, message, ...(position ? { line: position[0], column: position[1] } : {}) };
}

export const engineFor = (part: Part) => (part === 'html' ? engines.html : engines.text);

export function parsePart(part: Part, source: string): Template[] {
  try {
    return engineFor(part).parse(source);
  } catch (error) {
    throw templateInvalid([describe(part, error)]);
  }
}

/**
 * Whether a template outputs `name` (`{{ name }}`, filters allowed): the static analysis finds
 * each use of a variable, and a use that opens an output tag is an output. A variable only in a
 * condition, a comment or a `raw` block does not count.
 */
export function outputs(part: Part, source: string, templates: Template[], name: string): boolean {
  const segments = name.split('.');
  const uses = engineFor(part).analyzeSync(templates).variables[segments[0]!] ?? [];
  const lines = source.split('\n');
  return uses.some((use) => {
    if (use.segments.length !== segments.length || use.segments.some((segment, index) => String(segment) !== segments[index])) return false;
    const { row, col } = use.location;
    const before = (lines[row - 1] ?? '').slice(0, col - 1);
    return /\{\{-?\s*$/.test(before);
  });
}

/** Renders one part within the limits; every failure is a template_invalid error of that part. */
export function renderPart(part: Part, templates: Template[], scope: Record<string, unknown>): string {
  let output: string;
  try {
    output = engineFor(part).renderSync(templates, scope) as string;
  } catch (error) {
    throw templateInvalid([describe(part, error)]);
  }
  if (Buffer.byteLength(output) > LIMITS.outputBytes) {
    throw templateInvalid([{ path: part, message: `renders more than ${LIMITS.outputBytes} bytes` }]);
  }
  return output;
}
