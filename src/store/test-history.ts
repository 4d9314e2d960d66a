/**
 * Read side for a test's verdicts across runs (`llmlab view`'s History page): per run, one compact entry per
 * (test, target) with how many of its cells passed. Only short columns leave SQLite and rows are folded as they
 * stream, so a 100,000-cell run costs one pass over its rows and a few megabytes; callers keep the result per run (a finished
 * run's verdicts never change) rather than reading 30 runs again per page.
 */
import type { Db } from './db.js';

/** A run's verdicts, one entry per (test, target) in suite order; parallel arrays keep 100k entries small. */
export interface RunTestVerdicts {
  runId: string;
  testIds: string[];
  /** The test's description in this run, or null. */
  descriptions: Array<string | null>;
  promptIds: string[];
  providerLabels: string[];
  /** Cells with a verdict (pass, fail or error); skipped cells have none. */
  verdicts: Uint32Array;
  passes: Uint32Array;
  errors: Uint32Array;
  /** The first repeat's cell id (a deep link to the cell on the run page). */
  cellIds: string[];
}

/** A row as SQLite hands it over; the status comes as a number (see VERDICT_CODE), so no string is made per row. */
type Row = [testId: string, testIndex: number, description: string | null, promptId: string, providerLabel: string, status: number, cellId: string, repeatIndex: number];

/** 0 skipped (no verdict), 1 pass, 2 fail, 3 error. */
const VERDICT_CODE = `CASE status WHEN 'pass' THEN 1 WHEN 'fail' THEN 2 WHEN 'error' THEN 3 ELSE 0 END`;

/**
 * The verdicts of every ordinary (non-attack) cell of `runId`, folded per (test, target), in suite order: the
 * test's position, then prompt and provider. Rows stream unsorted and are folded into buckets by test position:
 * SQLite's GROUP BY would sort 100,000 rows in a temp b-tree first, which costs more than reading them. The cell
 * id and description are the first repeat's.
 */
export function runTestVerdicts(db: Db, runId: string): RunTestVerdicts {
  const stmt = db
    .prepare<[string], Row>(
      `SELECT test_id, test_index, description, prompt_id, provider_label, ${VERDICT_CODE}, cell_id, repeat_index
       FROM results WHERE run_id = ? AND attack IS NULL`,
    )
    .raw(true);
  const testIds: string[] = [];
  const descriptions: Array<string | null> = [];
  const promptIds: string[] = [];
  const providerLabels: string[] = [];
  const cellIds: string[] = [];
  const repeats: number[] = [];
  const verdicts: number[] = [];
  const passes: number[] = [];
  const errors: number[] = [];
  // Per test position, its entries (one per target): a handful, so a scan finds one faster than a keyed map.
  const buckets: number[][] = [];
  // One string per distinct prompt and provider, and a test's id and description shared by its targets' entries:
  // every string kept from a row survives into the old generation, and 500,000 of them cost more GC than the read.
  // A run has few prompts and providers: comparing with each costs less than hashing every row's fresh string.
  const names: string[] = [];
  const intern = (name: string): string => {
    for (const known of names) if (known === name) return known;
    names.push(name);
    return name;
  };
  for (const row of stmt.iterate(runId) as Iterable<Row>) {
    const [testId, testIndex, description, promptId, providerLabel, status, cellId, repeat] = row;
    const bucket = (buckets[testIndex] ??= []);
    let at = -1;
    for (let i = 0; i < bucket.length; i++) {
      const e = bucket[i]!;
      if (testIds[e] === testId && promptIds[e] === promptId && providerLabels[e] === providerLabel) {
        at = e;
        break;
      }
    }
    if (at < 0) {
      at = testIds.length;
      const sibling = bucket[0];
      bucket.push(at);
      testIds.push(sibling !== undefined && testIds[sibling] === testId ? testIds[sibling] : testId);
      descriptions.push(sibling !== undefined && descriptions[sibling] === description ? descriptions[sibling] : description);
      promptIds.push(intern(promptId));
      providerLabels.push(intern(providerLabel));
      cellIds.push(cellId);
      repeats.push(repeat);
      verdicts.push(0);
      passes.push(0);
      errors.push(0);
    } else if (repeat < repeats[at]!) {
      cellIds[at] = cellId;
      descriptions[at] = description;
      repeats[at] = repeat;
    }
    if (status === 0) continue;
    verdicts[at]!++;
    if (status === 1) passes[at]!++;
    else if (status === 3) errors[at]!++;
  }
  const order: number[] = [];
  for (const bucket of buckets) {
    if (bucket === undefined) continue;
    // Insertion sort: a bucket holds a test's few targets, mostly in order already; Array#sort's setup costs more.
    for (let i = 1; i < bucket.length; i++) {
      const e = bucket[i]!;
      let j = i - 1;
      for (; j >= 0 && targetOrder(promptIds, providerLabels, bucket[j]!, e) > 0; j--) bucket[j + 1] = bucket[j]!;
      bucket[j + 1] = e;
    }
    for (const e of bucket) order.push(e);
  }
  const pick = <T>(list: readonly T[]): T[] => order.map((e) => list[e]!);
  return {
    runId,
    testIds: pick(testIds),
    descriptions: pick(descriptions),
    promptIds: pick(promptIds),
    providerLabels: pick(providerLabels),
    verdicts: Uint32Array.from(order, (e) => verdicts[e]!),
    passes: Uint32Array.from(order, (e) => passes[e]!),
    errors: Uint32Array.from(order, (e) => errors[e]!),
    cellIds: pick(cellIds),
  };
}

/** Order of two entries of one test: by prompt, then provider. */
function targetOrder(promptIds: readonly string[], providerLabels: readonly string[], a: number, b: number): number {
  return compare(promptIds[a]!, promptIds[b]!) || compare(providerLabels[a]!, providerLabels[b]!);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
