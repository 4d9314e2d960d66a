/**
 * One test's verdicts across runs: per (test, target), its verdict in each of the last runs and how often it
 * flipped, so flaky tests stand out at the top. Built once from the runs' verdicts (store/test-history.ts) into
 * an index the caller may keep; a page of it is then a filter and a slice.
 */
import type { RunTestVerdicts } from '../../store/test-history.js';

/** A test's verdict in one run: every cell passed, none did (failed; `error` when all errored), or some did. */
export type RunVerdict = 'pass' | 'fail' | 'error' | 'mixed';

/** One (test, target) in one run. */
export interface TestRunCell {
  verdict: RunVerdict;
  passes: number;
  /** Cells with a verdict (repeats). */
  n: number;
  cellId: string;
}

/** One (test, target) across the runs. */
export interface TestHistoryRow {
  testId: string;
  description: string | null;
  promptId: string;
  providerLabel: string;
  /**
   * Changes of verdict between consecutive runs that have one (fail and error count as the same verdict: both
   * are "not passed"), so a test that passes, fails and passes again has 2.
   */
  flips: number;
  /** Runs where the test's repeats disagreed (verdict `mixed`). */
  mixedRuns: number;
  /** Per run, in the index's run order; null where the run has no verdict for it. */
  cells: Array<TestRunCell | null>;
}

/** The merged verdicts of some runs, rows sorted flakiest first. Fields but `runIds` and `rowCount` are internal. */
export interface TestHistoryIndex {
  /** Run ids, oldest first. */
  runIds: string[];
  rowCount: number;
  /** Per row (in creation order): its test and target. */
  readonly testIds: readonly string[];
  readonly descriptions: ReadonlyArray<string | null>;
  readonly promptIds: readonly string[];
  readonly providerLabels: readonly string[];
  readonly flips: Uint16Array;
  readonly mixedRuns: Uint16Array;
  /** Rows in display order. */
  readonly order: Int32Array;
  /** Per row × run: the entry in that run's verdicts, −1 for none. */
  readonly entries: Int32Array;
  readonly runs: readonly RunTestVerdicts[];
  /** Per row, its searchable text in lower case; built by the first search, so later ones only scan. */
  haystack?: string[];
}

/** A page of rows. */
export interface TestHistoryPage {
  runIds: string[];
  rows: TestHistoryRow[];
  /** Rows matching `q`, and rows in all. */
  matching: number;
  total: number;
  /** 0-based. */
  page: number;
  pageSize: number;
  pages: number;
  q: string;
}

const FLIP_CLASS: Record<RunVerdict, number> = { pass: 0, fail: 1, error: 1, mixed: 2 };

function verdictOf(runs: readonly RunTestVerdicts[], r: number, entry: number): RunVerdict | null {
  const v = runs[r]!;
  const n = v.verdicts[entry]!;
  if (n === 0) return null;
  const passes = v.passes[entry]!;
  if (passes === n) return 'pass';
  if (passes > 0) return 'mixed';
  return v.errors[entry] === n ? 'error' : 'fail';
}

/** Merges runs' verdicts (oldest first) into an index sorted by flips, then mixed runs, then the suite's order. */
export function buildTestHistory(runs: readonly RunTestVerdicts[]): TestHistoryIndex {
  const R = runs.length;
  const testIds: string[] = [];
  const descriptions: Array<string | null> = [];
  const promptIds: string[] = [];
  const providerLabels: string[] = [];
  let entries = new Int32Array(Math.max(1, (runs[R - 1]?.testIds.length ?? 0) * R)).fill(-1);
  // Rows by test id, then target; built only when a run's entries stop lining up with the rows (see below).
  let byTest: Map<string, Map<string, number>> | undefined;
  const keyed = (): Map<string, Map<string, number>> => {
    if (byTest) return byTest;
    byTest = new Map();
    for (let row = 0; row < testIds.length; row++) add(byTest, row);
    return byTest;
  };
  const add = (map: Map<string, Map<string, number>>, row: number) => {
    let targets = map.get(testIds[row]!);
    if (!targets) map.set(testIds[row]!, (targets = new Map()));
    targets.set(`${promptIds[row]}\u0000${providerLabels[row]}`, row);
  };
  // Newest run first, so rows follow the newest suite order and take its descriptions.
  for (let r = R - 1; r >= 0; r--) {
    const v = runs[r]!;
    for (let e = 0; e < v.testIds.length; e++) {
      // Runs of one suite mostly hold the same tests in the same order: entry e is then row e, with no lookup.
      let row: number | undefined =
        e < testIds.length && testIds[e] === v.testIds[e] && promptIds[e] === v.promptIds[e] && providerLabels[e] === v.providerLabels[e] ? e : undefined;
      if (row === undefined && (r < R - 1 || byTest)) row = keyed().get(v.testIds[e]!)?.get(`${v.promptIds[e]}\u0000${v.providerLabels[e]}`);
      if (row === undefined) {
        row = testIds.length;
        testIds.push(v.testIds[e]!);
        descriptions.push(v.descriptions[e] ?? null);
        promptIds.push(v.promptIds[e]!);
        providerLabels.push(v.providerLabels[e]!);
        if (byTest) add(byTest, row);
        if ((row + 1) * R > entries.length) {
          const grown = new Int32Array(entries.length * 2).fill(-1);
          grown.set(entries);
          entries = grown;
        }
      }
      entries[row * R + r] = e;
    }
  }
  const rowCount = testIds.length;
  const flips = new Uint16Array(rowCount);
  const mixedRuns = new Uint16Array(rowCount);
  const unstable: number[] = [];
  const stable: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    let last = -1;
    for (let r = 0; r < R; r++) {
      const entry = entries[row * R + r]!;
      if (entry < 0) continue;
      const verdict = verdictOf(runs, r, entry);
      if (verdict === null) continue;
      if (verdict === 'mixed') mixedRuns[row]!++;
      const cls = FLIP_CLASS[verdict];
      if (last >= 0 && cls !== last) flips[row]!++;
      last = cls;
    }
    (flips[row]! > 0 || mixedRuns[row]! > 0 ? unstable : stable).push(row);
  }
  // Only the unstable rows need sorting; the stable ones keep the suite's order after them.
  unstable.sort((a, b) => flips[b]! - flips[a]! || mixedRuns[b]! - mixedRuns[a]! || a - b);
  const order = Int32Array.from([...unstable, ...stable]);
  return { runIds: runs.map((v) => v.runId), rowCount, testIds, descriptions, promptIds, providerLabels, flips, mixedRuns, order, entries, runs };
}

/** Options of {@link testHistoryPage}. */
export interface TestHistoryQuery {
  /** 0-based, as on the Runs page. */
  page?: number;
  pageSize?: number;
  /** Case-insensitive text every row shown contains in its test id, description, prompt or provider. */
  q?: string;
}

/** One page of the index's rows matching `q`; a page past the end is the last page. */
export function testHistoryPage(index: TestHistoryIndex, query: TestHistoryQuery = {}): TestHistoryPage {
  const pageSize = Math.max(1, Math.min(500, Math.floor(query.pageSize ?? 50)));
  const q = (query.q ?? '').trim();
  const needle = q.toLowerCase();
  let matching: ArrayLike<number> = index.order;
  if (needle !== '') {
    index.haystack ??= index.testIds.map((id, row) =>
      `${id}\n${index.descriptions[row] ?? ''}\n${index.promptIds[row]}\n${index.providerLabels[row]}`.toLowerCase(),
    );
    const haystack = index.haystack;
    const found: number[] = [];
    for (const row of index.order) if (haystack[row]!.includes(needle)) found.push(row);
    matching = found;
  }
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(pages - 1, Math.max(0, Math.floor(query.page ?? 0) || 0));
  const R = index.runIds.length;
  const rows: TestHistoryRow[] = [];
  for (let i = page * pageSize; i < Math.min(matching.length, (page + 1) * pageSize); i++) {
    const row = matching[i]!;
    const cells: Array<TestRunCell | null> = [];
    for (let run = 0; run < R; run++) {
      const entry = index.entries[row * R + run]!;
      const verdict = entry < 0 ? null : verdictOf(index.runs, run, entry);
      const v = index.runs[run]!;
      cells.push(verdict === null ? null : { verdict, passes: v.passes[entry]!, n: v.verdicts[entry]!, cellId: v.cellIds[entry]! });
    }
    rows.push({
      testId: index.testIds[row]!,
      description: index.descriptions[row]!,
      promptId: index.promptIds[row]!,
      providerLabel: index.providerLabels[row]!,
      flips: index.flips[row]!,
      mixedRuns: index.mixedRuns[row]!,
      cells,
    });
  }
  return { runIds: index.runIds, rows, matching: matching.length, total: index.rowCount, page, pageSize, pages, q };
}
