/**
 * The rows API's query string read into a RowQuery: every parameter checked, a wrong one answered 400 with the
 * values it may take (a bookmarked or hand-edited URL should say what is wrong, not show an empty page).
 */
import { MAX_SEARCH_WORDS, ROW_FILTERS, ROW_SORTS, type RowFilter, type RowQuery, type RowSort } from '../store/run-rows-page.js';
import { PAGE_SIZE } from '../report/writers/html/page.js';
import { ViewError } from './errors.js';

/** Longest search text and cell id accepted. */
export const MAX_QUERY_CHARS = 500;

/** Reads `filter`, `q`, `sort`, `dir`, `page` and `cell`; throws a 400 ViewError for a bad one. */
export function parseRowQuery(params: Record<string, string | undefined>): RowQuery {
  const filter = oneOf<RowFilter>('filter', params.filter, ROW_FILTERS, 'all');
  const sort = oneOf<RowSort>('sort', params.sort, ROW_SORTS, 'order');
  const dir = oneOf<'asc' | 'desc'>('dir', params.dir, ['asc', 'desc'], 'asc');
  const page = params.page === undefined || params.page === '' ? 0 : Number(params.page);
  if (!/^\d{1,9}$/.test(params.page ?? '0')) {
    throw new ViewError(400, `page must be a whole number from 0, not ${JSON.stringify(params.page)}`, 'pages count from 0: page=0 is the first');
  }
  const q = params.q ?? '';
  if (q.length > MAX_QUERY_CHARS) {
    throw new ViewError(400, `the search is ${q.length} characters long`, `search with at most ${MAX_QUERY_CHARS} characters (and ${MAX_SEARCH_WORDS} words)`);
  }
  const words = new Set(q.toLowerCase().split(/\s+/).filter(Boolean)).size;
  if (words > MAX_SEARCH_WORDS) {
    throw new ViewError(400, `the search has ${words} words`, `search with at most ${MAX_SEARCH_WORDS} words: every word must appear, so a few rare ones narrow best`);
  }
  const cell = params.cell === undefined || params.cell === '' ? undefined : params.cell;
  if (cell !== undefined && cell.length > MAX_QUERY_CHARS) throw new ViewError(400, 'the cell id is too long', 'use a cell id from a #cell= link of this run');
  return { filter, q, sort, dir, page, pageSize: PAGE_SIZE, ...(cell === undefined ? {} : { cell }) };
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ViewError(400, `unknown ${name} ${JSON.stringify(value)}`, `${name} is one of ${allowed.join(', ')}`);
}
