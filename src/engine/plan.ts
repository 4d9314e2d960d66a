/**
 * The planner: a pure function from a ResolvedSuite to the run's DAG. Each cell is a `generate` node (one model
 * call) followed by one `grade` node per assertion; a model-graded assertion adds `judge` nodes (its grader and
 * embedder calls), which depend on the generation they grade. Cells are produced lazily, per provider, in suite order, so a
 * 100,000-cell plan costs no memory until the executor pulls it.
 */
import type { ResolvedProvider, ResolvedSuite } from '../config/types.js';
import type { TestCase } from '../types.js';
import { cellId } from './cache-key.js';
import { compilePrompt, type CompiledPrompt } from './render.js';

/** One cell: one model call and its grading. */
export interface PlannedCell {
  cellId: string;
  provider: ResolvedProvider;
  prompt: CompiledPrompt;
  test: TestCase;
  repeatIndex: number;
}

/** The compiled plan of a suite. */
export interface Plan {
  suite: ResolvedSuite;
  prompts: CompiledPrompt[];
  repeat: number;
  /** providers × prompts × tests × repeat. */
  totalCells: number;
  /** `judge`: grader and embedder calls of model-graded assertions, each depending on the output it grades. */
  nodeCounts: { generate: number; grade: number; judge: number };
  /** One provider's cells, tests outermost so that early results cover many tests. */
  cellsFor(provider: ResolvedProvider): Generator<PlannedCell>;
  /** Every cell, provider by provider. */
  cells(): Generator<PlannedCell>;
}

/** Options that override the suite at plan time (CLI flags). */
export interface PlanOptions {
  repeat?: number;
}

/** Compiles prompts (throwing TEMPLATE_ERROR on a syntax error) and sizes the DAG. Sends nothing. */
export function createPlan(suite: ResolvedSuite, options: PlanOptions = {}): Plan {
  const prompts = suite.prompts.map(compilePrompt);
  const repeat = options.repeat ?? suite.repeat;
  const perProvider = prompts.length * suite.tests.length * repeat;
  const assertionsPerPrompt = suite.tests.reduce((n, t) => n + t.assert.length, 0);
  const judgeCallsPerPrompt = suite.tests.reduce((n, t) => n + t.assert.reduce((m, a) => m + (a.judge?.calls ?? 0), 0), 0);

  function* cellsFor(provider: ResolvedProvider): Generator<PlannedCell> {
    for (const test of suite.tests) {
      for (const prompt of prompts) {
        for (let r = 0; r < repeat; r++) {
          yield { cellId: cellId(provider.label, prompt.id, test.id, r), provider, prompt, test, repeatIndex: r };
        }
      }
    }
  }

  return {
    suite,
    prompts,
    repeat,
    totalCells: perProvider * suite.providers.length,
    nodeCounts: {
      generate: perProvider * suite.providers.length,
      grade: assertionsPerPrompt * prompts.length * repeat * suite.providers.length,
      judge: judgeCallsPerPrompt * prompts.length * repeat * suite.providers.length,
    },
    cellsFor,
    *cells() {
      for (const provider of suite.providers) yield* cellsFor(provider);
    },
  };
}

/**
 * Renders every (prompt, test) pair once, so that a test missing a variable fails the run before the first
 * model call rather than as an error cell after money was spent. Throws the first TEMPLATE_ERROR.
 */
export function checkTemplates(plan: Plan): void {
  for (const test of plan.suite.tests) for (const prompt of plan.prompts) prompt.render(test);
}
