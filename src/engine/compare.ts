/**
 * The group step of comparative assertions (select-best, max-score). A cell of a test with one is graded as usual
 * (its comparative assertions hold a placeholder), then held until every cell of its group — same test and
 * repeat, all prompts × providers in this plan — is in. The group is then graded once, each cell's placeholder
 * replaced and its verdict recomputed, and the cells are released to be written together.
 *
 * Resume and cache: held cells are written only with their whole group, so an interrupted group is run again on
 * resume, its answers and the select-best judge call (outputs in plan order, the same question) from the cache.
 * A group with a cell that errored or was skipped, or that this plan holds only part of (a shard or a subset —
 * `--failing` included — holds the others; comparing the part would crown a different winner), gives its
 * comparative assertions an error with the reason.
 */
import type { Assertion, AssertionResult, CellResult } from '../types.js';
import { RETRY_STOPPED } from './caller.js';
import { isComparative, comparesOutputs } from './comparative.js';
import { verdictOf, type Grader } from './grade.js';
import type { JudgeFactory } from './judge.js';
import { ATTACK_PROMPT, type Plan, type PlannedCell } from './plan.js';

/** Holds the cells of tests with comparative assertions until their group is complete. */
export interface Comparisons {
  /**
   * Takes a finished cell and gives the cells ready to write: the cell itself when its test compares nothing,
   * its whole group (in plan order) once the last one is in, else none yet.
   */
  settle(cell: PlannedCell, result: CellResult): Promise<CellResult[]>;
}

interface Group {
  /** Plan position of each of the group's cells run by this attempt. */
  order: Map<string, number>;
  /** Cells of the group an earlier attempt finished: the group cannot be compared whole. */
  earlier: number;
  done: CellResult[];
}

export interface CompareOptions {
  grader: Grader;
  judges: JudgeFactory;
  skip: ReadonlySet<string>;
  abort: AbortSignal;
}

/** The group step of `plan`; undefined when no test of the plan compares outputs (the common case: no cost). */
export function createComparisons(plan: Plan, options: CompareOptions): Comparisons | undefined {
  if (!plan.suite.tests.some(comparesOutputs)) return undefined;
  // Outputs of one test in the whole suite: a plan holding fewer (a shard, a subset) cannot compare them fairly.
  const whole = plan.prompts.length * (plan.suite.providers.length - (plan.suite.security?.targetOnly ? 1 : 0));
  const groups = new Map<string, Group>();
  for (const cell of plan.cells()) {
    if (cell.prompt === ATTACK_PROMPT || !comparesOutputs(cell.test)) continue;
    const key = groupKey(cell);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { order: new Map(), earlier: 0, done: [] }));
    if (options.skip.has(cell.cellId)) group.earlier++;
    else group.order.set(cell.cellId, group.order.size);
  }
  return {
    async settle(cell, result) {
      const key = groupKey(cell);
      const group = cell.prompt === ATTACK_PROMPT ? undefined : groups.get(key);
      if (!group) return [result];
      group.done.push(result);
      if (group.done.length < group.order.size) return [];
      groups.delete(key);
      const cells = group.done.sort((a, b) => group.order.get(a.cellId)! - group.order.get(b.cellId)!);
      const graded = await gradeGroup(cell, cells, groupProblem(cells, group.earlier, whole), options);
      if (!graded) groups.set(key, { ...group, done: [] }); // interrupted: nothing written, left for --resume
      return graded ?? [];
    },
  };
}

function groupKey(cell: PlannedCell): string {
  return `${cell.test.id}\u0000${cell.repeatIndex}`;
}

/** Grades every comparative assertion of the group's test; undefined when a judge call was interrupted. */
async function gradeGroup(
  cell: PlannedCell,
  cells: CellResult[],
  problem: string | undefined,
  options: CompareOptions,
): Promise<CellResult[] | undefined> {
  const { test } = cell;
  const compared = test.assert.flatMap((a, i) => (isComparative(a) ? [i] : []));
  for (const index of compared) {
    const assertion = test.assert[index]!;
    let results: AssertionResult[];
    if (problem) {
      results = cells.map(() => ({ ...identity(assertion), pass: false, score: 0, error: `cannot compare: ${problem}` }));
    } else {
      const outputs = cells.map((r) => ({
        output: r.output,
        prompt: r.prompt,
        provider: r.providerLabel,
        assertions: r.assertions.filter((_, i) => !compared.includes(i)),
      }));
      const session = assertion.judge ? options.judges(assertion, { cellId: cells[0]!.cellId, vars: test.vars }) : undefined;
      results = await options.grader.compare(assertion, { outputs, test }, session);
      if (options.abort.aborted || results.some((r) => r.error?.includes(RETRY_STOPPED))) return undefined;
    }
    cells.forEach((r, k) => {
      // A cell whose own call failed has no assertions to fill in: its error already tells why.
      if (r.assertions.length > index) r.assertions[index] = results[k]!;
    });
  }
  return cells.map(reverdict);
}

/** Why the group cannot be compared, or undefined when it can. */
function groupProblem(cells: readonly CellResult[], earlier: number, whole: number): string | undefined {
  if (earlier > 0) return `${earlier} output(s) of this test were graded by an earlier attempt; run the suite again without --resume`;
  const broken = cells.find((r) => r.status === 'skipped' || r.status === 'error');
  if (broken) return `the output of ${broken.providerLabel} × ${broken.promptId} is missing (${broken.status}${broken.error ? `: ${broken.error}` : ''})`;
  if (cells.length < whole) {
    return `this run has ${cells.length} of the test's ${whole} outputs (the others are in another shard or outside the subset)`;
  }
  return undefined;
}

/** The cell's verdict again, now that its comparative assertions are graded. */
function reverdict(r: CellResult): CellResult {
  if (r.status === 'skipped' || r.assertions.length === 0) return r;
  const verdict = verdictOf(r.assertions);
  let gradingCost: number | undefined;
  for (const a of r.assertions) if (a.cost !== undefined) gradingCost = (gradingCost ?? 0) + a.cost;
  const { error: _error, ...rest } = r;
  return {
    ...rest,
    status: verdict.error ? 'error' : verdict.pass ? 'pass' : 'fail',
    score: verdict.score,
    ...(gradingCost === undefined ? {} : { gradingCost }),
    ...(verdict.error ? { error: verdict.error } : {}),
  };
}

function identity(assertion: Assertion): Pick<AssertionResult, 'type' | 'metric' | 'weight'> {
  return { type: assertion.type, metric: assertion.metric, weight: assertion.weight };
}
