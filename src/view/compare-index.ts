/**
 * Every paired cell of two runs, held compactly (typed arrays, test ids interned) so that the Compare page's list
 * can be filtered by change and search, and paged, without going back to SQLite: a 100,000-pair index is a few
 * MB, built in one pass over the pairs and then kept in the compare cache. Outputs are not held; a page reads its
 * 50 pairs' outputs by rowid (compare-rows.ts).
 */
import type { Db } from '../store/db.js';
import { pairedRows } from '../store/compare-rows.js';
import type { RunTarget } from '../store/run-pairs.js';

/** Which paired cells a list shows: verdict changed (either way), pass → not pass, not pass → pass, or every pair. */
export const COMPARE_MODES = ['changed', 'regressed', 'fixed', 'all'] as const;
/** One of {@link COMPARE_MODES}. */
export type CompareMode = (typeof COMPARE_MODES)[number];

/** How a pair's verdict moved, as the HTML report counts it: errors count as failures, so fail ↔ error is `same`. */
export type Change = 'regressed' | 'fixed' | 'same';

/** A paired cell's verdict (skipped cells have none and are not paired). */
export type Verdict = 'pass' | 'fail' | 'error';

const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'error'];
const CHANGES: readonly Change[] = ['same', 'regressed', 'fixed'];

/** One pair read back out of the index. */
export interface IndexedPair {
  promptId: string;
  providerLabel: string;
  testId: string;
  description: string | null;
  repeatIndex: number;
  statusA: Verdict;
  statusB: Verdict;
  change: Change;
  rowA: number;
  rowB: number;
}

/** The paired cells of two runs in run A's test order. */
export interface PairIndex {
  readonly size: number;
  readonly targets: readonly RunTarget[];
  /** Distinct (test id, description) of the pairs; a pair's `test` indexes this list. */
  readonly tests: ReadonlyArray<{ id: string; description: string | null }>;
  readonly target: Uint32Array;
  readonly test: Uint32Array;
  readonly repeat: Uint32Array;
  readonly statusA: Uint8Array;
  readonly statusB: Uint8Array;
  /** Index into ['same', 'regressed', 'fixed']. */
  readonly change: Uint8Array;
  /** rowids can exceed 2^32; doubles hold them exactly up to 2^53. */
  readonly rowA: Float64Array;
  readonly rowB: Float64Array;
}

/** Builds the index from one pass over the pairs (see pairedRows). */
export function buildPairIndex(db: Db, runA: string, runB: string): PairIndex {
  const targets: RunTarget[] = [];
  const targetIds = new Map<string, number>();
  const tests: Array<{ id: string; description: string | null }> = [];
  const testIds = new Map<string, number>();
  const cols = { target: [] as number[], test: [] as number[], repeat: [] as number[], a: [] as number[], b: [] as number[], change: [] as number[], rowA: [] as number[], rowB: [] as number[] };
  for (const p of pairedRows(db, runA, runB)) {
    const tKey = `${p.promptId}\0${p.providerLabel}`;
    let t = targetIds.get(tKey);
    if (t === undefined) targetIds.set(tKey, (t = targets.push({ promptId: p.promptId, providerLabel: p.providerLabel }) - 1));
    const sKey = `${p.testId}\0${p.description ?? ''}`;
    let s = testIds.get(sKey);
    if (s === undefined) testIds.set(sKey, (s = tests.push({ id: p.testId, description: p.description }) - 1));
    const passA = p.statusA === 'pass';
    const passB = p.statusB === 'pass';
    cols.target.push(t);
    cols.test.push(s);
    cols.repeat.push(p.repeatIndex);
    cols.a.push(VERDICTS.indexOf(p.statusA));
    cols.b.push(VERDICTS.indexOf(p.statusB));
    cols.change.push(passA === passB ? 0 : passA ? 1 : 2);
    cols.rowA.push(p.rowA);
    cols.rowB.push(p.rowB);
  }
  return {
    size: cols.target.length,
    targets,
    tests,
    target: Uint32Array.from(cols.target),
    test: Uint32Array.from(cols.test),
    repeat: Uint32Array.from(cols.repeat),
    statusA: Uint8Array.from(cols.a),
    statusB: Uint8Array.from(cols.b),
    change: Uint8Array.from(cols.change),
    rowA: Float64Array.from(cols.rowA),
    rowB: Float64Array.from(cols.rowB),
  };
}

/** Pairs per mode among those the search matches. */
export type ModeTotals = Record<CompareMode, number>;

/**
 * The positions of the pairs `mode` lists among those matching `q`, in order — `all` lists the changed pairs
 * first, then the others — and the count of every mode under the same search, for the mode buttons.
 */
export function selectPairs(index: PairIndex, mode: CompareMode, q: string): { items: number[]; totals: ModeTotals } {
  const matches = searchMatcher(index, q);
  const totals: ModeTotals = { changed: 0, regressed: 0, fixed: 0, all: 0 };
  const changed: number[] = [];
  const same: number[] = [];
  for (let i = 0; i < index.size; i++) {
    if (matches && !matches(i)) continue;
    totals.all++;
    const change = index.change[i]!;
    if (change === 0) {
      if (mode === 'all') same.push(i);
      continue;
    }
    totals.changed++;
    if (change === 1) totals.regressed++;
    else totals.fixed++;
    if (mode === 'all' || mode === 'changed' || (mode === 'regressed') === (change === 1)) changed.push(i);
  }
  return { items: mode === 'all' ? changed.concat(same) : changed, totals };
}

/**
 * A test of pair positions for the search `q`, or undefined for no search: every word (case-insensitive) must
 * appear in the test's id or description or in the target's prompt id or provider label. Words are matched per
 * test and per target once, not per pair, so a search over 100,000 pairs costs a pass over the 50,000 tests.
 */
function searchMatcher(index: PairIndex, q: string): ((i: number) => boolean) | undefined {
  const words = q.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return undefined;
  const { testText, targetText } = searchTexts(index);
  const perWord = words.map((w) => ({
    tests: Uint8Array.from(testText, (text) => (text.includes(w) ? 1 : 0)),
    targets: Uint8Array.from(targetText, (text) => (text.includes(w) ? 1 : 0)),
  }));
  return (i) => perWord.every((m) => m.tests[index.test[i]!] === 1 || m.targets[index.target[i]!] === 1);
}

/** Lower-cased texts a search looks in, made on the first search of an index and kept with it. */
const SEARCH_TEXTS = new WeakMap<PairIndex, { testText: string[]; targetText: string[] }>();

function searchTexts(index: PairIndex): { testText: string[]; targetText: string[] } {
  let texts = SEARCH_TEXTS.get(index);
  if (!texts) {
    texts = {
      testText: index.tests.map((t) => `${t.id}\n${t.description ?? ''}`.toLowerCase()),
      targetText: index.targets.map((t) => `${t.promptId}\n${t.providerLabel}`.toLowerCase()),
    };
    SEARCH_TEXTS.set(index, texts);
  }
  return texts;
}

/** The pair at position `i`. */
export function pairAt(index: PairIndex, i: number): IndexedPair {
  const target = index.targets[index.target[i]!]!;
  const test = index.tests[index.test[i]!]!;
  return {
    promptId: target.promptId,
    providerLabel: target.providerLabel,
    testId: test.id,
    description: test.description,
    repeatIndex: index.repeat[i]!,
    statusA: VERDICTS[index.statusA[i]!]!,
    statusB: VERDICTS[index.statusB[i]!]!,
    change: CHANGES[index.change[i]!]!,
    rowA: index.rowA[i]!,
    rowB: index.rowB[i]!,
  };
}
