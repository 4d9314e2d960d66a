/**
 * Errors are values with stable codes. The CLI maps a code to an exit code and prints `message` (plus `where`
 * and `hint`) without a stack trace; anything that is not an LlmlabError is a bug and keeps its stack.
 */

/** Every code llmlab raises. Config/usage codes exit 2; see {@link exitCodeFor}. */
export type ErrorCode =
  | 'CONFIG_INVALID' // a suite or llmlab.config.yaml fails validation
  | 'CONFIG_YAML' // YAML syntax error
  | 'FILE_NOT_FOUND' // a referenced file or glob matched nothing
  | 'DATASET_INVALID' // a dataset file is malformed
  | 'TEMPLATE_ERROR' // a prompt template failed to compile or render
  | 'UNKNOWN_PROVIDER'
  | 'UNKNOWN_METRIC'
  | 'USAGE' // bad command-line usage
  | 'SANDBOX_UNAVAILABLE' // code execution was asked for, and this machine cannot sandbox it
  | 'RUN_NOT_FOUND'
  | 'PROVIDER_ERROR' // a model call failed (per-cell: becomes `status: error` data, not a crash)
  | 'METRIC_ERROR' // an assertion threw (per-cell data)
  | 'INTERRUPTED'
  | 'DATABASE_INVALID' // the file at the database path is not an llmlab database, or it is corrupt
  | 'FILE_UNWRITABLE' // an output file's path cannot be written (a folder is a file, read-only, no permission)
  | 'STORAGE_FAULT' // the machine failed a write (disk full, database locked by another process, I/O error)
  | 'INTERNAL';

/** A position in a source file, 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

export interface LlmlabErrorOptions {
  /** Where the problem is, for config errors. */
  where?: SourceLocation;
  /** How to fix it, one sentence. */
  hint?: string;
  cause?: unknown;
}

export class LlmlabError extends Error {
  readonly code: ErrorCode;
  readonly where?: SourceLocation;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: LlmlabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LlmlabError';
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
  }

  /**
   * `file:line:col: message` plus the hint on its own line: what the CLI prints. With `cwd`, paths below it
   * are shown relative to it, as a user typed them.
   */
  format(cwd?: string): string {
    const at = this.where ? `${formatLocation(this.where, cwd)}: ` : '';
    return this.hint ? `${at}${this.message}\n  hint: ${this.hint}` : `${at}${this.message}`;
  }
}

/**
 * Several config problems found in one pass, so a user fixes them all at once instead of one per run.
 * Its code is the first problem's code.
 */
export class LlmlabErrors extends LlmlabError {
  readonly errors: LlmlabError[];
  constructor(errors: LlmlabError[]) {
    super(errors[0]?.code ?? 'INTERNAL', errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
  override format(cwd?: string): string {
    return this.errors.map((e) => e.format(cwd)).join('\n');
  }
}

/**
 * A failed model call. `retryable` says whether the executor may try again (429, 5xx, timeouts, resets);
 * `retryAfterMs` carries the server's `Retry-After` when it sent one.
 */
export class ProviderError extends LlmlabError {
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  constructor(
    message: string,
    options: LlmlabErrorOptions & { status?: number; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super('PROVIDER_ERROR', message, options);
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function formatLocation(loc: SourceLocation, cwd?: string): string {
  const file = cwd && loc.file.startsWith(`${cwd}/`) ? loc.file.slice(cwd.length + 1) : loc.file;
  if (loc.line === undefined) return file;
  return loc.col === undefined ? `${file}:${loc.line}` : `${file}:${loc.line}:${loc.col}`;
}

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONFIG_INVALID',
  'CONFIG_YAML',
  'FILE_NOT_FOUND',
  'DATASET_INVALID',
  'TEMPLATE_ERROR',
  'UNKNOWN_PROVIDER',
  'UNKNOWN_METRIC',
  'USAGE',
  'SANDBOX_UNAVAILABLE',
  'RUN_NOT_FOUND',
  'DATABASE_INVALID',
  'FILE_UNWRITABLE',
]);

/**
 * 2 for anything the user can fix in their input, 3 for a machine fault that stopped a run (resumable once fixed:
 * distinct from 1 so CI does not read a full disk as a failed gate), 130 for an interrupt, 1 otherwise.
 */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof LlmlabError)) return 1;
  if (error.code === 'INTERRUPTED') return 130;
  if (error.code === 'STORAGE_FAULT') return 3;
  return USAGE_CODES.has(error.code) ? 2 : 1;
}

/** Reads an unknown thrown value as a message, for per-cell error data. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
