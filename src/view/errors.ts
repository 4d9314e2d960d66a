/**
 * How `llmlab view` answers a mistake: the API with `{ error: { code, message, hint } }` and the HTTP status that
 * fits, a page with the same words in the layout. A user's mistake (an unknown run, a bad query) is never a stack
 * trace; an internal fault is logged to the terminal and answered 500 without details.
 */
import type { Context } from 'hono';
import { LlmlabError, messageOf, type ErrorCode } from '../errors.js';
import type { ViewContext } from './context.js';
import { renderPage, securityHeaders } from './page.js';

/** An answer-shaped error: what a route throws to answer `status` with `message`. */
export class ViewError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Codes of a user's mistake and their status; a machine fault is 503, anything else 500. */
const USER_CODES: Partial<Record<ErrorCode, 400 | 404 | 422>> = {
  USAGE: 400,
  CONFIG_INVALID: 422,
  CONFIG_YAML: 422,
  DATASET_INVALID: 422,
  TEMPLATE_ERROR: 422,
  UNKNOWN_PROVIDER: 422,
  UNKNOWN_METRIC: 422,
  FILE_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
};
const FAULT_CODES: ReadonlySet<ErrorCode> = new Set(['STORAGE_FAULT', 'DATABASE_INVALID', 'FILE_UNWRITABLE', 'SANDBOX_UNAVAILABLE']);

/** The status and words for any thrown value. */
export function describeError(error: unknown): { status: number; code: string; message: string; hint?: string } {
  if (error instanceof ViewError) return { status: error.status, code: `HTTP_${error.status}`, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  if (error instanceof LlmlabError) {
    const status = USER_CODES[error.code] ?? (FAULT_CODES.has(error.code) ? 503 : 500);
    const where = error.where ? `${error.where.file}${error.where.line ? `:${error.where.line}${error.where.col ? `:${error.where.col}` : ''}` : ''}: ` : '';
    return { status, code: error.code, message: where + error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error (see the terminal running llmlab view)' };
}

/** The JSON answer for an API error. */
export function apiError(c: Context, status: number, message: string, hint?: string, code = `HTTP_${status}`): Response {
  return c.json({ error: { code, message, ...(hint ? { hint } : {}) } }, status as 400, securityHeaders());
}

/** hono's onError: API paths answer JSON, pages answer the error page. Internal faults go to the terminal. */
export function handleError(view: ViewContext) {
  return (error: unknown, c: Context): Response => {
    const described = describeError(error);
    if (described.status >= 500) view.warn(`${c.req.method} ${c.req.path}: ${messageOf(error)}`);
    if (c.req.path.startsWith('/api/')) return apiError(c, described.status, described.message, described.hint, described.code);
    return renderPage(c, view, 'error.njk', { title: `Error ${described.status}`, error: described }, { status: described.status });
  };
}
