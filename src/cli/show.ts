/**
 * `llmlab show <run> [test]`: one test of a stored run, every prompt × provider side by side (prompt, output,
 * assertions; with `--baseline`, the baseline's output and a word diff). Without a test, the run's tests and how
 * each did, failing first, so the next command is one copy away.
 */
import { dirname, relative } from 'node:path';
import { LlmlabError } from '../errors.js';
import { resolveBaseline } from '../report/compare/baseline.js';
import { findRun } from '../report/compare/refs.js';
import { oneLine } from '../report/console/failures-lines.js';
import { pairShowCells, showLines } from '../report/console/show-lines.js';
import { findTest, runTests, testListLines } from '../report/console/show-tests.js';
import type { RunRecord, Store } from '../store/index.js';
import type { CellResult } from '../types.js';
import { mediaAsPlaceholder } from '../types.js';
import { createContext } from './context.js';
import type { CliIo } from './io.js';

/** Flags of `llmlab show`. */
export interface ShowFlags {
  /** A run (id, `latest~N`), a JSON report file or `git:REF` whose output of the same test is diffed against. */
  baseline?: string;
  db?: string;
  /** List every test, not only the first 50. */
  all?: boolean;
}

/** Terminal width assumed when the output is not a terminal (a pipe, a CI log). */
const DEFAULT_COLUMNS = 80;

export async function showCommand(runRef: string, testWords: string[], flags: ShowFlags, io: CliIo): Promise<number> {
  // `llmlab show latest password reset` names the test `password reset`: unquoted words are one description.
  const testQuery = testWords.length === 0 ? undefined : testWords.map(String).join(' ');
  const ctx = await createContext(flags, io);
  const store = ctx.store();
  const run = findRun(store, String(runRef));
  const tests = runTests(store, run);
  const head = `run ${run.id} · ${relative(io.cwd, run.suitePath) || run.suitePath} (${run.status})`;
  if (tests.length === 0) {
    io.stdout.write(`${head}\nno test cells in this run (an attacks-only run: see \`llmlab report ${run.id}\`)\n`);
    return 0;
  }
  if (testQuery === undefined) {
    const failing = tests.filter((t) => t.counts.fail + t.counts.error > 0).length;
    io.stdout.write(`${head}\n${tests.length} tests, ${failing} with a failed or errored cell${failing > 0 ? ' (listed first)' : ''}\n`);
    io.stdout.write(`${testListLines(tests, { all: flags.all }).join('\n')}\n`);
    const example = tests.find((t) => t.counts.fail + t.counts.error > 0) ?? tests[0]!;
    io.stdout.write(`show one (by id or whole description): llmlab show ${run.id} ${shellWord(example.testId)}\n`);
    return 0;
  }
  const test = findTest(tests, testQuery, run.id);
  const cells = store.results.ofTest(run.id, test.testId).filter((c) => !c.attack);
  const baseline = flags.baseline === undefined ? undefined : await baselineCells(store, String(flags.baseline), run, test.testId, io.cwd);
  io.stdout.write(`${head}\ntest ${oneLine(test.testId, 80)}${test.description === null ? '' : ` · ${oneLine(test.description, 200)}`}\n`);
  io.stdout.write(`vars: ${oneLine(JSON.stringify(cells[0]?.vars ?? {}, mediaAsPlaceholder), 300)}\n`);
  if (baseline) io.stdout.write(`baseline: ${baseline.label}\n`);
  const shown = pairShowCells(cells, baseline?.cells);
  io.stdout.write(`\n${showLines(shown, io.stdout.columns ?? DEFAULT_COLUMNS).join('\n')}\n`);
  return 0;
}

/**
 * The baseline's cells of the same test. A report file's cells are loaded for pairing without their outputs,
 * so for one the reason stands in for the cells.
 */
async function baselineCells(
  store: Store,
  ref: string,
  run: RunRecord,
  testId: string,
  cwd: string,
): Promise<{ label: string; cells: CellResult[] | string }> {
  if (ref === '') throw new LlmlabError('USAGE', '--baseline takes a run id, `latest~N`, a report file or `git:REF`');
  const resolved = await resolveBaseline(store, ref, { path: run.suitePath, baseDir: dirname(run.suitePath) }, cwd);
  if (resolved.source !== 'results') {
    return { label: resolved.label, cells: 'a report file keeps verdicts only here; give the baseline as a stored run to see its outputs' };
  }
  const cells = store.results.ofTest(resolved.run.id, testId).filter((c) => !c.attack);
  return { label: resolved.label, cells: cells.length > 0 ? cells : 'the baseline has no cell of this test (a new or edited test)' };
}

/** A test id as a shell word: quoted when it holds anything a shell would split or expand. */
function shellWord(text: string): string {
  return /^[\w.#:@/-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
