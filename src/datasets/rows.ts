/**
 * What dataset loaders produce and share: the row and loader types, turning a row object into a test object, and
 * collecting a file's malformed rows with their positions. Loaders import this file, never the registry
 * (./index.ts) that imports them.
 */
import { LlmlabError, LlmlabErrors } from '../errors.js';
import type { SourceLocation } from '../errors.js';

/** One test read from a dataset file, before validation. */
export interface DatasetRow {
  /** A test object as written in a suite (`{ id?, description?, vars?, assert?, cluster?, metadata? }`). */
  test: Record<string, unknown>;
  /** Where the row starts. */
  where: SourceLocation;
  /** Position of a path inside `test`, for formats that keep positions (YAML); else use `where`. */
  locate?: (path: ReadonlyArray<string | number>) => SourceLocation;
}

export interface DatasetOptions {
  /**
   * Whether a name is an assertion type (`icontains`, `not-contains`), so `__expected: icontains:reset link`
   * reads as an assertion while `__expected: http://x` stays a literal `equals`.
   */
  isAssertionType?: (type: string) => boolean;
}

/** A dataset format: parses a whole file's text. */
export interface DatasetLoader {
  id: string;
  extensions: readonly string[];
  parse(text: string, file: string, options: DatasetOptions): DatasetRow[];
}

const TEST_KEYS = new Set(['id', 'description', 'vars', 'assert', 'cluster', 'metadata']);
const EXPECTED = /^__expected\d*$/;

/**
 * A row object as a test. A row with `vars` or `assert` is a test object; so is one made only of test keys.
 * Otherwise its keys are variables, except the special columns `__expected` (and `__expected1`, `__expected2`, …),
 * `__description` and `__id`, shared with CSV. A row mixing test keys with variables stays a test object, so
 * validation names the stray key instead of silently treating `id` or `description` as data.
 */
export function rowToTest(row: Record<string, unknown>, where: SourceLocation, options: DatasetOptions): Record<string, unknown> {
  const keys = Object.keys(row);
  if ('vars' in row || 'assert' in row || keys.some((key) => TEST_KEYS.has(key))) return row;
  return columnsToTest(row, where, options);
}

/** Variables plus the special `__` columns, as a test object. */
export function columnsToTest(
  columns: Record<string, unknown>,
  where: SourceLocation,
  options: DatasetOptions,
): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  const assert: Array<Record<string, unknown>> = [];
  const test: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(columns)) {
    if (!key.startsWith('__')) vars[key] = value;
    else if (EXPECTED.test(key)) {
      if (value !== '' && value !== null && value !== undefined) assert.push(parseExpected(value, options));
    } else if (key === '__id' || key === '__description') {
      if (value !== '' && value !== null && value !== undefined) test[key.slice(2)] = value;
    } else if (key.startsWith('__metadata:') && key.length > '__metadata:'.length) {
      // promptfoo's column for test metadata: `__metadata:category` → metadata.category.
      if (value !== '' && value !== null && value !== undefined) test.metadata = { ...(test.metadata as object), [key.slice('__metadata:'.length)]: value };
    } else {
      throw new LlmlabError('DATASET_INVALID', `unknown special column \`${key}\``, {
        where,
        hint: 'special columns are __expected (or __expected1, __expected2, …), __description, __id and __metadata:<name>',
      });
    }
  }
  test.vars = vars;
  if (assert.length > 0) test.assert = assert;
  return test;
}

/** `icontains:reset link` → `{ type: icontains, value: 'reset link' }`; anything else is an `equals`. */
export function parseExpected(value: unknown, options: DatasetOptions): Record<string, unknown> {
  if (typeof value === 'string') {
    const colon = value.indexOf(':');
    const type = value.slice(0, colon);
    if (colon > 0 && /^[a-z][a-z0-9-]*$/.test(type) && options.isAssertionType?.(type) === true) {
      return { type, value: value.slice(colon + 1).trimStart() };
    }
  }
  return { type: 'equals', value };
}

/** Row kinds for messages: "a list", "a string", … */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A plain object: not null, not a list. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects the malformed rows of one file, so all of them (up to a point) are reported in one go. */
export class RowErrors {
  private readonly errors: LlmlabError[] = [];
  private more = 0;

  add(error: LlmlabError): void {
    if (this.errors.length < 20) this.errors.push(error);
    else this.more++;
  }

  /** Runs `parse` on one row, recording an LlmlabError it throws; anything else is a bug and propagates. */
  attempt<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof LlmlabError)) throw error;
      this.add(error);
      return undefined;
    }
  }

  /** Throws the one error, or all of them; no-op when there are none. */
  throwIfAny(): void {
    const errors = [...this.errors];
    const first = errors[0];
    if (first === undefined) return;
    if (this.more > 0) {
      errors.push(new LlmlabError('DATASET_INVALID', `…and ${this.more} more malformed rows`, { where: { file: first.where?.file ?? '' } }));
    }
    throw errors.length === 1 ? first : new LlmlabErrors(errors);
  }
}

/** 1-based line and column of a character offset. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** The 1-based column a JSON.parse error points at, from the "position N" in its message, if any. */
export function columnOfJsonError(error: unknown, text: string): number | undefined {
  const offset = offsetOfJsonError(error);
  return offset === undefined ? undefined : lineColAt(text, offset).col;
}

/** The character offset a JSON.parse error points at, if its message says. */
export function offsetOfJsonError(error: unknown): number | undefined {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1]) : undefined;
}
