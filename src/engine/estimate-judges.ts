/**
 * The judge and embedder calls of a plan, per grader, with a worst-case cost: `llmlab plan` prints them so a
 * model-graded suite is never billed for its judges unannounced (a promptfoo config gets promptfoo's default
 * grader written in, which the user may not know it pays for). A judge's input depends on the answer it grades,
 * so the bound assumes the answer is as long as its provider's output bound, plus the assertion's value and a
 * fixed allowance for the judge's instructions.
 */
import type { ResolvedProvider } from '../config/types.js';
import { costOf, suitePrice } from '../providers/prices.js';
import { outputBound } from './estimate.js';
import type { Plan } from './plan.js';

/** Tokens allowed for a judge prompt's own instructions (the rubric templates are a few hundred tokens). */
export const JUDGE_INSTRUCTION_TOKENS = 600;

/** One grader's calls in a plan. */
export interface JudgeEstimate {
  /** The grader's id, as the suite names it. */
  id: string;
  calls: number;
  /** Whether the grader's model has a price; without one its calls count as $0. */
  priced: boolean;
  /** Upper bound of the calls' cost in USD. */
  worstUsd: number;
}

/** Judge calls by grader, in the order the suite's graders are listed. */
export function estimateJudges(plan: Plan): JudgeEstimate[] {
  const graders = plan.suite.graders ?? {};
  const byKey = new Map<string, { calls: number; input: number; output: number }>();
  const groups = new Set<string>();
  for (const cell of plan.cells()) {
    const answer = outputBound(cell.provider).tokens;
    for (const assertion of cell.test.assert) {
      const judge = assertion.judge;
      const key = judge?.grader ?? judge?.embedder;
      if (!judge || key === undefined || judge.calls === 0) continue;
      // A comparative metric judges all outputs of a test at once (every prompt × provider): one set of calls per
      // test and repeat, whose input holds every output of the group.
      let outputs = 1;
      if (judge.perGroup) {
        const group = `${cell.test.id}\u0000${cell.repeatIndex}\u0000${key}`;
        if (groups.has(group)) continue;
        groups.add(group);
        outputs = plan.suite.prompts.length * plan.suite.providers.length;
      }
      const grader = graders[key];
      const valueTokens = Math.ceil(JSON.stringify(assertion.value ?? '').length / 4);
      const entry = byKey.get(key) ?? { calls: 0, input: 0, output: 0 };
      entry.calls += judge.calls;
      entry.input += judge.calls * (JUDGE_INSTRUCTION_TOKENS + valueTokens + answer * outputs);
      entry.output += judge.calls * (grader ? outputBound(grader).tokens : 0);
      byKey.set(key, entry);
    }
  }
  return [...byKey].map(([key, { calls, input, output }]) => {
    const grader = graders[key];
    const price = grader ? priceOf(plan, grader) : undefined;
    return {
      id: grader?.id ?? key,
      calls,
      priced: price !== undefined,
      worstUsd: costOf(price, { input, output, total: input + output }),
    };
  });
}

function priceOf(plan: Plan, grader: ResolvedProvider) {
  const { type, model } = grader.pricedAs ?? grader;
  return suitePrice(plan.suite.prices, type, model);
}
