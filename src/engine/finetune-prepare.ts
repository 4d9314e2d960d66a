/**
 * The first stage of every recipe, before anything is sent: validate the data (finetune/validate-data.ts) and
 * estimate each training point's cost. Errors in the data stop the run here with `file:line` (exit 2), so nothing is
 * uploaded; warnings are listed. `llmlab plan` runs this too, for its training-cost line.
 */
import type { ResolvedFinetune, ResolvedSuite } from '../config/types.js';
import { LlmlabError, LlmlabErrors } from '../errors.js';
import type { CommandSettings, DataProblem, DataReport, TrainingPoint } from '../finetune/types.js';
import { suitePrice } from '../providers/prices.js';
import type { RunFinetune, Store } from '../store/index.js';
import { loadTextCounter } from './estimate.js';

/**
 * OpenAI's longest training example (tokens) for its current fine-tunable models, below their serving context
 * (https://platform.openai.com/docs/guides/fine-tuning, "Token limits").
 */
const OPENAI_TRAINING_CONTEXT = 65_536;

/** The suite's recipes, validated and priced. */
export interface PreparedFinetunes {
  /** Per recipe id. */
  reports: Map<string, DataReport>;
  /** Every training point, in recipe order. */
  points: TrainingPoint[];
  /** What the run records (RunOptions.finetunes). */
  run: RunFinetune[];
}

/**
 * Validates every recipe's data; throws every data error at once (DATASET_INVALID, exit 2). A command backend's
 * templates are rendered for every point too, so a typo in `run` or `serve` exits 2 now rather than after training.
 */
export async function prepareFinetunes(
  suite: ResolvedSuite,
  where: { workDir: string; env: Readonly<Record<string, string | undefined>> },
): Promise<PreparedFinetunes | undefined> {
  if (!suite.finetunes) return undefined;
  // Loaded only for a suite with recipes: the validators are not every run's startup cost.
  const { estimateTrainingUsd, trainingEpochs, validateData } = await import('../finetune/validate-data.js');
  const reports = new Map<string, DataReport>();
  const points: TrainingPoint[] = [];
  const run: RunFinetune[] = [];
  const errors: LlmlabError[] = [];
  for (const recipe of suite.finetunes) {
    const base = suite.providers.find((p) => p.label === recipe.base)!;
    const price = suitePrice(suite.prices, base.type, base.model);
    const report = await validateData({
      method: recipe.method,
      files: recipe.data,
      display: (path) => path,
      countTokens: await loadTextCounter(base.type, base.model),
      contextWindow: contextWindowOf(recipe, price?.contextWindow),
      evalInputs: suite.tests.map((test) => ({ testId: test.id, text: textOfVars(test.vars) })),
      leakage: recipe.validation.leakage,
      nearDuplicateThreshold: recipe.validation.nearDuplicateThreshold,
    });
    reports.set(recipe.id, report);
    errors.push(...report.errors.map((problem) => dataError(recipe, problem)));
    const recipePoints = recipe.points.map((point): TrainingPoint => {
      const epochs = trainingEpochs(numberOrAuto(point.hyperparameters['epochs']), report.counts.train);
      return {
        recipeId: recipe.id,
        point: point.point,
        label: point.label,
        hash: point.hash,
        base,
        method: recipe.method,
        hyperparameters: point.hyperparameters,
        data: recipe.data,
        estimatedUsd: estimateTrainingUsd(report, epochs, price?.training),
      };
    });
    if (recipe.backend === 'command') {
      const { checkCommandSettings } = await import('../finetune/command-backend.js');
      for (const point of recipePoints) checkCommandSettings(recipe.command as CommandSettings, point, where);
    }
    points.push(...recipePoints);
    run.push({
      id: recipe.id,
      base: recipe.base,
      select: recipe.select,
      points: recipePoints.map((p) => ({ label: p.label, point: p.point, hash: p.hash, hyperparameters: p.hyperparameters, estimatedUsd: p.estimatedUsd })),
      ...(recipe.forgetting.length === 0
        ? {}
        : {
            forgetting: (suite.forgetting ?? [])
              .filter((s) => recipe.forgetting.includes(s.path))
              .map((s) => ({ name: s.name, path: s.path, prompts: s.prompts.map((p) => p.id) })),
          }),
      validation: { ...report.counts, warnings: report.warnings.length },
    });
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new LlmlabErrors(errors);
  return { reports, points, run };
}

/** The longest example the recipe allows: its own setting, else the base's window (capped for OpenAI training). */
function contextWindowOf(recipe: ResolvedFinetune, window: number | undefined): number {
  if (recipe.validation.contextWindow !== undefined) return recipe.validation.contextWindow;
  const known = window ?? Number.POSITIVE_INFINITY;
  return recipe.backend === 'openai' ? Math.min(known, OPENAI_TRAINING_CONTEXT) : known;
}

function numberOrAuto(value: unknown): number | 'auto' | undefined {
  return typeof value === 'number' ? value : value === 'auto' ? 'auto' : undefined;
}

/** A test's input as text: its vars' string values (numbers too), which is what a training example could repeat. */
export function textOfVars(vars: Record<string, unknown>): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (typeof value === 'number') parts.push(String(value));
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(vars);
  return parts.join('\n');
}

const HINTS: Record<string, string> = {
  leakage: 'an eval test is in the training data: remove the example (or the test), or set `validation: { leakage: warn }` to accept it',
  context: 'shorten the example or split it; `validation.contextWindow` sets the limit',
  'too-few': 'OpenAI needs at least 10 training examples',
};

function dataError(recipe: ResolvedFinetune, problem: DataProblem): LlmlabError {
  return new LlmlabError('DATASET_INVALID', `fine-tune \`${recipe.id}\`: ${problem.message} [${problem.rule}]`, {
    where: problem.line > 0 ? { file: problem.file, line: problem.line } : { file: problem.file },
    hint: HINTS[problem.rule] ?? 'fix the line (format: docs/finetune.md#data); nothing was uploaded',
  });
}

/** The points a run would train now: every one whose job has not succeeded (a succeeded one's model is reused). */
export function pointsToTrain(prepared: PreparedFinetunes, store: Store): TrainingPoint[] {
  return prepared.points.filter((p) => store.finetunes.latest(p.hash)?.status !== 'succeeded');
}

/** The points' estimated training cost, USD. */
export function trainingUsd(points: readonly TrainingPoint[]): number {
  return points.reduce((sum, p) => sum + p.estimatedUsd, 0);
}

/**
 * A sweep the budget cannot pay for is refused before the first upload. Only points that would train now count: a
 * point whose job already succeeded is reused, and was paid for when it ran.
 */
export function checkTrainingBudget(prepared: PreparedFinetunes, maxUsd: number, store: Store): void {
  const due = pointsToTrain(prepared, store);
  const usd = trainingUsd(due);
  if (usd <= maxUsd) return;
  throw new LlmlabError('USAGE', `training ${due.length} fine-tune job${due.length === 1 ? '' : 's'} is estimated at $${usd.toFixed(2)}, over the budget of $${maxUsd.toFixed(2)}`, {
    hint: 'sweep fewer points, raise budget.maxUsd (or --budget-usd), or see the estimate with `llmlab plan`; nothing was uploaded',
  });
}
