/**
 * The planner: a pure function from a ResolvedSuite to the run's DAG. Each cell is a `generate` node (one model
 * call) followed by one `grade` node per assertion; a model-graded assertion adds `judge` nodes (its grader and
 * embedder calls), which depend on the generation they grade. Cells are produced lazily, per provider, in suite order, so a
 * 100,000-cell plan costs no memory until the executor pulls it.
 */
import type { ResolvedProvider, ResolvedSuite } from '../config/types.js';
import type { TestCase } from '../types.js';
import { cellId } from './cache-key.js';
import { checkComparisons } from './comparative.js';
import { compilePrompt, type CompiledPrompt } from './render.js';
import type { PromptMedia } from './render-media.js';
import { inShard, type Shard } from './shard.js';

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
  /** providers × prompts × tests × repeat (plus attack cells); with a shard or a subset, their cells only. */
  totalCells: number;
  /** `--shard k/n`: the plan holds only the cells of that shard. */
  shard?: Shard;
  /** `--filter`, `--first`, `--failing`, …: the plan holds only the cells of that subset. */
  subset?: CellFilter;
  /** Cells of the whole suite, every shard and every cell together (equal to totalCells without a shard or subset). */
  suiteCells: number;
  /** `judge`: grader and embedder calls of model-graded assertions, each depending on the output it grades. */
  nodeCounts: { generate: number; grade: number; judge: number };
  /** One provider's cells, tests outermost so that early results cover many tests. */
  cellsFor(provider: ResolvedProvider): Generator<PlannedCell>;
  /** Every cell, provider by provider. */
  cells(): Generator<PlannedCell>;
  /** The compiled prompts of each forgetting section (ResolvedSuite.forgetting), by section name. */
  forgetting: Map<string, CompiledPrompt[]>;
  /** Fine-tune stages (validate data → upload → train → serve) that some providers' cells wait for. */
  stages: PlannedStage[];
}

/**
 * A stage of the DAG that is not a cell: one training point's `validate` (no network), `train` (upload, job, poll)
 * or `serve` (a command backend's artifact becomes a provider). The tuned provider's cells depend on its last stage;
 * other providers' cells depend on none.
 */
export interface PlannedStage {
  id: string;
  kind: 'validate' | 'train' | 'serve';
  recipe: string;
  /** The tuned provider label this stage leads to. */
  label: string;
  dependsOn: string[];
}

/** Options that override the suite at plan time (CLI flags). */
export interface PlanOptions {
  repeat?: number;
  /** Keep only this shard's cells (`--shard k/n`). */
  shard?: Shard;
  /** Keep only the cells this subset includes (see subset.ts, which makes one from the flags). */
  subset?: CellFilter;
  /** Resolves content parts written as `file:`, `data:`, `https://` (the run's media store); see preparePromptMedia. */
  media?: PromptMedia;
}

/** Which cells a subset keeps: the same for every repeat of a cell, so a cell's coordinates are enough. */
export interface CellFilter {
  includes(cell: { providerLabel: string; promptId: string; testId: string }): boolean;
}

/** The prompt of attack cells: what the attack's plan says to send (the app's own prompt is in the plan). */
export const ATTACK_PROMPT: CompiledPrompt = {
  id: 'attack',
  render(test) {
    const messages = test.attack?.messages ?? [];
    return { messages, prompt: messages.map((m) => m.content).join('\n\n') };
  },
};

/** Compiles prompts (throwing TEMPLATE_ERROR on a syntax error) and sizes the DAG. Sends nothing. */
export function createPlan(suite: ResolvedSuite, options: PlanOptions = {}): Plan {
  const compileOne = (prompt: ResolvedSuite['prompts'][number]) => compilePrompt(prompt, options.media);
  const prompts = suite.prompts.map(compileOne);
  const repeat = options.repeat ?? suite.repeat;
  const security = suite.security;
  // A target of its own runs the attacks only; the suite's providers run its tests.
  const testedBy = suite.providers.length - (security?.targetOnly ? 1 : 0);
  const perProvider = prompts.length * suite.tests.length * repeat;
  const assertionsPerPrompt = suite.tests.reduce((n, t) => n + t.assert.length, 0);
  const judgeCallsPerPrompt = suite.tests.reduce((n, t) => n + cellJudgeCalls(t), 0);
  // select-best asks its grader once per test and repeat, for all of the test's outputs together.
  const groupJudgeCalls = suite.tests.reduce((n, t) => n + groupJudgeCallsOf(t), 0);
  checkComparisons(suite.tests, prompts.length * testedBy);
  const attacks = attackNodes(security?.tests ?? [], security?.attacker !== undefined);
  const forgetting = new Map((suite.forgetting ?? []).map((section) => [section.name, section.prompts.map(compileOne)]));
  const forgettingSize = sizeOfForgetting(suite, repeat);
  const { shard, subset } = options;
  const kept = (cell: PlannedCell) =>
    (!shard || inShard(cell.cellId, shard)) &&
    (!subset || subset.includes({ providerLabel: cell.provider.label, promptId: cell.prompt.id, testId: cell.test.id }));

  function* cellsFor(provider: ResolvedProvider): Generator<PlannedCell> {
    for (const cell of allCellsFor(provider)) if (kept(cell)) yield cell;
  }

  function* allCellsFor(provider: ResolvedProvider): Generator<PlannedCell> {
    const isTarget = security?.target === provider.label;
    if (!(isTarget && security.targetOnly)) {
      for (const test of suite.tests) {
        for (const prompt of prompts) {
          for (let r = 0; r < repeat; r++) {
            yield { cellId: cellId(provider.label, prompt.id, test.id, r), provider, prompt, test, repeatIndex: r };
          }
        }
      }
    }
    for (const section of suite.forgetting ?? []) {
      if (!section.providers.includes(provider.label)) continue;
      const compiled = forgetting.get(section.name)!;
      for (const test of section.tests) {
        for (const prompt of compiled) {
          for (let r = 0; r < repeat; r++) {
            yield { cellId: cellId(provider.label, prompt.id, test.id, r), provider, prompt, test, repeatIndex: r };
          }
        }
      }
    }
    if (!isTarget) return;
    for (const test of security.tests) {
      for (let r = 0; r < repeat; r++) {
        yield { cellId: cellId(provider.label, ATTACK_PROMPT.id, test.id, r), provider, prompt: ATTACK_PROMPT, test, repeatIndex: r };
      }
    }
  }

  const suiteCells = perProvider * testedBy + (security?.tests.length ?? 0) * repeat + forgettingSize.generate;
  const whole = {
    generate: perProvider * testedBy + attacks.generate * repeat + forgettingSize.generate,
    grade: assertionsPerPrompt * prompts.length * repeat * testedBy + attacks.grade * repeat + forgettingSize.grade,
    judge: judgeCallsPerPrompt * prompts.length * repeat * testedBy + groupJudgeCalls * repeat + attacks.judge * repeat + forgettingSize.judge,
  };
  // A shard's or a subset's size is counted cell by cell: which cells it holds is a matter of their hashes (or of
  // the flags), not of arithmetic.
  const sharded = (shard || subset) && sizeOf(suite.providers, cellsFor, security?.attacker !== undefined);
  return {
    suite,
    prompts,
    repeat,
    totalCells: sharded ? sharded.cells : suiteCells,
    ...(shard ? { shard } : {}),
    ...(subset ? { subset } : {}),
    suiteCells,
    nodeCounts: sharded ? sharded.nodes : whole,
    cellsFor,
    *cells() {
      for (const provider of suite.providers) yield* cellsFor(provider);
    },
    forgetting,
    stages: finetuneStages(suite),
  };
}

/** Cells and nodes of the forgetting sections: each runs on its own providers only. */
function sizeOfForgetting(suite: ResolvedSuite, repeat: number): Plan['nodeCounts'] {
  const nodes = { generate: 0, grade: 0, judge: 0 };
  for (const section of suite.forgetting ?? []) {
    const times = section.prompts.length * repeat * section.providers.length;
    nodes.generate += section.tests.length * times;
    nodes.grade += section.tests.reduce((n, t) => n + t.assert.length, 0) * times;
    nodes.judge += section.tests.reduce((n, t) => n + cellJudgeCalls(t), 0) * times + section.tests.reduce((n, t) => n + groupJudgeCallsOf(t), 0) * repeat * section.providers.length;
  }
  return nodes;
}

/** The stages of the suite's recipes: per training point validate → train (→ serve for a command backend). */
function finetuneStages(suite: ResolvedSuite): PlannedStage[] {
  const stages: PlannedStage[] = [];
  for (const recipe of suite.finetunes ?? []) {
    const validate = `validate:${recipe.id}`;
    stages.push({ id: validate, kind: 'validate', recipe: recipe.id, label: `finetune:${recipe.id}`, dependsOn: [] });
    for (const point of recipe.points) {
      const train = `train:${point.label}`;
      stages.push({ id: train, kind: 'train', recipe: recipe.id, label: point.label, dependsOn: [validate] });
      if (recipe.backend === 'command') stages.push({ id: `serve:${point.label}`, kind: 'serve', recipe: recipe.id, label: point.label, dependsOn: [train] });
    }
  }
  return stages;
}

/**
 * Nodes of attack cells, at most: a multi-turn conversation makes up to `max` target calls, each graded (its
 * judges included), and an attacker call before each turn when the suite has an attacker; a rewritten attack
 * (translate, rephrase) makes one attacker call per turn. Attacker calls count as judge nodes: they are model calls made for the cell.
 */
function attackNodes(tests: readonly TestCase[], hasAttacker: boolean): { generate: number; grade: number; judge: number } {
  const nodes = { generate: 0, grade: 0, judge: 0 };
  for (const test of tests) {
    const plan = test.attack?.turns;
    // Without an attacker a conversation sends its script; with one, an escalation runs up to `max` turns.
    const escalating = plan?.escalate === true && hasAttacker;
    const turns = !plan ? 1 : escalating ? plan.max : Math.min(plan.max, plan.script.length);
    nodes.generate += turns;
    nodes.grade += test.assert.length * turns;
    nodes.judge += test.assert.reduce((m, a) => m + (a.judge?.calls ?? 0), 0) * turns;
    if (escalating) nodes.judge += turns;
    if (test.attack?.rewrite) nodes.judge += turns;
  }
  return nodes;
}

/** Cells and nodes of the cells `cellsFor` yields: what a shard's plan sizes itself with, one cell at a time. */
function sizeOf(
  providers: readonly ResolvedProvider[],
  cellsFor: Plan['cellsFor'],
  hasAttacker: boolean,
): { cells: number; nodes: Plan['nodeCounts'] } {
  const nodes = { generate: 0, grade: 0, judge: 0 };
  let cells = 0;
  // Groups of comparative assertions counted so far: their judge calls are made once per group.
  const groups = new Set<string>();
  for (const provider of providers) {
    for (const cell of cellsFor(provider)) {
      cells++;
      const group = `${cell.test.id}\u0000${cell.repeatIndex}`;
      const perGroup = cell.prompt === ATTACK_PROMPT || groups.has(group) ? 0 : groupJudgeCallsOf(cell.test);
      if (perGroup > 0) groups.add(group);
      const add = cell.prompt === ATTACK_PROMPT
        ? attackNodes([cell.test], hasAttacker)
        : { generate: 1, grade: cell.test.assert.length, judge: cellJudgeCalls(cell.test) + perGroup };
      nodes.generate += add.generate;
      nodes.grade += add.grade;
      nodes.judge += add.judge;
    }
  }
  return { cells, nodes };
}

/** Judge calls one cell of `test` makes for its own output. */
function cellJudgeCalls(test: TestCase): number {
  return test.assert.reduce((m, a) => m + (a.judge && !a.judge.perGroup ? a.judge.calls : 0), 0);
}

/** Judge calls of `test`'s comparative assertions, made once for all of its outputs of one repeat. */
function groupJudgeCallsOf(test: TestCase): number {
  return test.assert.reduce((m, a) => m + (a.judge?.perGroup ? a.judge.calls : 0), 0);
}

/**
 * Renders every (prompt, test) pair once, so that a test missing a variable fails the run before the first
 * model call rather than as an error cell after money was spent. Throws the first TEMPLATE_ERROR.
 */
export function checkTemplates(plan: Plan): void {
  for (const test of plan.suite.tests) for (const prompt of plan.prompts) prompt.render(test);
  for (const section of plan.suite.forgetting ?? []) {
    for (const test of section.tests) for (const prompt of plan.forgetting.get(section.name) ?? []) prompt.render(test);
  }
}
