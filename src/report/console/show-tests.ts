/**
 * `llmlab show <run>` without a test: the run's tests, one line each with their cells' verdicts, and picking the
 * one test a user named (by id or description, exactly: a prefix or pattern could silently pick the wrong test).
 */
import { didYouMean } from '../../config/did-you-mean.js';
import { LlmlabError } from '../../errors.js';
import type { RunRecord, Store } from '../../store/index.js';
import type { CellStatus } from '../../types.js';
import { oneLine } from './failures-lines.js';

/** One test of a run and how its cells ended. */
export interface ShownTest {
  testId: string;
  description: string | null;
  /** Cells by status. */
  counts: Record<CellStatus, number>;
  /** `prompt × provider` of each cell that failed or errored (once per target, whatever the repeat). */
  failing: string[];
}

/** The run's ordinary tests (attack cells aside), in suite order. */
export function runTests(store: Store, run: RunRecord): ShownTest[] {
  const tests = new Map<string, ShownTest>();
  for (const row of store.results.testVerdicts(run.id)) {
    let test = tests.get(row.testId);
    if (!test) {
      test = { testId: row.testId, description: row.description, counts: { pass: 0, fail: 0, error: 0, skipped: 0 }, failing: [] };
      tests.set(row.testId, test);
    }
    test.counts[row.status] += 1;
    const target = `${row.promptId} × ${row.providerLabel}`;
    if ((row.status === 'fail' || row.status === 'error') && !test.failing.includes(target)) test.failing.push(target);
  }
  return [...tests.values()];
}

/** Tests listed without `--all`: a dataset of thousands is read with a filter, not a scroll. */
export const TESTS_LISTED = 50;

/**
 * The list `llmlab show <run>` prints: per test its id, description and verdict counts, the failing targets
 * named; failing tests first, since those are the ones a user came to look at.
 */
export function testListLines(tests: ShownTest[], options: { all?: boolean } = {}): string[] {
  const ordered = [...tests.filter(isFailing), ...tests.filter((t) => !isFailing(t))];
  const shown = options.all ? ordered : ordered.slice(0, TESTS_LISTED);
  const idWidth = Math.max(...shown.map((t) => oneLine(t.testId, 40).length), 2);
  const nameWidth = Math.max(...shown.map((t) => (t.description === null ? 0 : oneLine(t.description, 60).length)));
  const lines = shown.map((t) => {
    const counts = (['pass', 'fail', 'error', 'skipped'] as const).filter((s) => t.counts[s] > 0).map((s) => `${t.counts[s]} ${s}`);
    const failing = t.failing.length > 0 ? ` (${t.failing.slice(0, 3).map((f) => oneLine(f, 80)).join(', ')}${t.failing.length > 3 ? ', …' : ''})` : '';
    const name = nameWidth === 0 ? '' : `  ${oneLine(t.description ?? '', 60).padEnd(nameWidth)}`;
    return `  ${oneLine(t.testId, 40).padEnd(idWidth)}${name}  ${counts.join(', ')}${failing}`;
  });
  if (shown.length < ordered.length) lines.push(`  … ${ordered.length - shown.length} more tests (--all lists every one)`);
  return lines;
}

function isFailing(t: ShownTest): boolean {
  return t.counts.fail + t.counts.error > 0;
}

/**
 * The test named `query`: its id, else its description (case aside). A description several tests share, or a
 * name no test has, is an exit-2 error listing the candidates.
 */
export function findTest(tests: ShownTest[], query: string, runRef: string): ShownTest {
  const byId = tests.find((t) => t.testId === query);
  if (byId) return byId;
  const lower = query.toLowerCase();
  const byDescription = tests.filter((t) => t.description?.toLowerCase() === lower);
  if (byDescription.length === 1) return byDescription[0]!;
  if (byDescription.length > 1) {
    throw new LlmlabError('USAGE', `${byDescription.length} tests of run ${runRef} are described \`${oneLine(query, 80)}\``, {
      hint: `name one by its id: ${byDescription.slice(0, 5).map((t) => `\`${t.testId}\``).join(', ')}`,
    });
  }
  const close = closeMatches(tests, query);
  throw new LlmlabError('USAGE', `no test \`${oneLine(query, 80)}\` in run ${runRef}`, {
    hint:
      close.length > 0
        ? `did you mean ${close.map((t) => `\`${oneLine(t.description ?? t.testId, 60)}\``).join(', ')}? (\`llmlab show ${runRef}\` lists the tests)`
        : `\`llmlab show ${runRef}\` lists its tests; name one by its id or its whole description`,
  });
}

/** Up to 5 tests whose id or description contains the query, or is a likely typo of it. */
function closeMatches(tests: ShownTest[], query: string): ShownTest[] {
  const lower = query.toLowerCase();
  const contains = tests.filter((t) => t.testId.toLowerCase().includes(lower) || t.description?.toLowerCase().includes(lower));
  if (contains.length > 0) return contains.slice(0, 5);
  const names = tests.flatMap((t) => [t.testId, ...(t.description === null ? [] : [t.description])]);
  const guess = didYouMean(query, names);
  return guess === undefined ? [] : tests.filter((t) => t.testId === guess || t.description === guess).slice(0, 5);
}
