/**
 * The train (and serve) stages of a run: every training point's job runs beside the other providers' cells, and the
 * cells of a tuned model wait for its point only. Points of the OpenAI backend run at once (OpenAI queues them); a
 * command backend's points run one after another (a local trainer wants the whole GPU). A point's job reserves its
 * estimated training cost against the budget before it starts and settles at the trained tokens' price.
 */
import { join } from 'node:path';
import type { ResolvedFinetune, ResolvedProvider, ResolvedSuite } from '../config/types.js';
import { backendFor } from '../finetune/backends.js';
import type { StageProgress, TrainingOutcome, TrainingPoint } from '../finetune/types.js';
import { suitePrice } from '../providers/prices.js';
import type { Store } from '../store/index.js';
import type { Provider, StageEvent } from '../types.js';
import type { BudgetGate } from './budget-gate.js';
import type { PreparedFinetunes } from './finetune-prepare.js';

/** A tuned model ready for its cells, or why it is not. `interrupted`: Ctrl-C; its cells are left for `--resume`. */
export type TunedModel =
  | { ok: true; provider: Provider; resolved: ResolvedProvider; reused: boolean }
  | { ok: false; reason: string; interrupted: boolean };

/** The run's training stages, started. */
export interface TrainingRun {
  /** Resolves once the point behind tuned provider `label` is trained and served (or failed). */
  ready(label: string): Promise<TunedModel>;
  /** Every point's end, once all have ended. */
  settled(): Promise<Map<string, TunedModel>>;
}

export interface TrainingOptions {
  suite: ResolvedSuite;
  prepared: PreparedFinetunes;
  store: Store;
  env: Readonly<Record<string, string | undefined>>;
  /** Ctrl-C: stop waiting for jobs (they keep running; their ids are stored). */
  stop: AbortSignal;
  emit(event: StageEvent): void;
  /** Where command backends keep their data copies and outputs (`.llmlab/finetune`). */
  workDir: string;
  /** Creates the live instance of a trained model. */
  createProvider(resolved: ResolvedProvider): Promise<Provider>;
  budget?: BudgetGate;
}

/** Starts every point's training; nothing here throws: a failure is the point's TunedModel. */
export function startTraining(options: TrainingOptions): TrainingRun {
  const { suite, prepared } = options;
  const results = new Map<string, Promise<TunedModel>>();
  let localChain: Promise<unknown> = Promise.resolve();
  for (const point of prepared.points) {
    const recipe = suite.finetunes!.find((r) => r.id === point.recipeId)!;
    const tuned = suite.providers.find((p) => p.label === point.label)!;
    const run = () => trainPoint(point, recipe, tuned, options);
    let result: Promise<TunedModel>;
    if (recipe.backend === 'command') {
      result = localChain.then(run);
      localChain = result;
    } else result = run();
    results.set(point.label, result);
  }
  return {
    ready: (label) => results.get(label) ?? Promise.resolve({ ok: false, reason: `no training point ${label}`, interrupted: false }),
    async settled() {
      const entries = await Promise.all([...results].map(async ([label, result]) => [label, await result] as const));
      return new Map(entries);
    },
  };
}

async function trainPoint(point: TrainingPoint, recipe: ResolvedFinetune, tuned: ResolvedProvider, options: TrainingOptions): Promise<TunedModel> {
  const emit = (progress: StageProgress) => options.emit({ type: 'stage', ...progress });
  if (options.stop.aborted) return { ok: false, reason: 'interrupted', interrupted: true };
  const reused = options.store.finetunes.latest(point.hash)?.status === 'succeeded';
  const reservation = reused || !options.budget ? undefined : await options.budget.reserve(point.estimatedUsd, []);
  if (options.budget && !reused && !reservation) {
    const reason = `the budget cannot cover its training (estimated $${point.estimatedUsd.toFixed(2)})`;
    emit({ label: point.label, stage: 'train', status: 'failed', message: reason });
    return { ok: false, reason, interrupted: false };
  }
  let outcome: TrainingOutcome;
  try {
    const backend = await backendFor(recipe);
    outcome = await backend.train(point, {
      jobs: options.store.finetunes,
      emit,
      stop: options.stop,
      env: options.env,
      poll: recipe.poll,
      baseDir: options.suite.baseDir,
      workDir: options.workDir,
    });
  } catch (error) {
    // A backend reports failures as outcomes; what escapes is a fault of the machine (the store) or a bug.
    outcome = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (reservation && options.budget) {
    const price = suitePrice(options.suite.prices, point.base.type, point.base.model)?.training;
    const trained = outcome.ok && outcome.record.trainedTokens !== undefined && price !== undefined ? (outcome.record.trainedTokens * price) / 1e6 : undefined;
    // A failed job is not billed; one left running (Ctrl-C) will be.
    options.budget.settle(reservation, outcome.ok ? (trained ?? point.estimatedUsd) : outcome.interrupted ? point.estimatedUsd : 0);
  }
  if (!outcome.ok) {
    if (outcome.interrupted) return { ok: false, reason: 'interrupted', interrupted: true };
    emit({ label: point.label, stage: 'train', status: 'failed', message: outcome.reason });
    return { ok: false, reason: outcome.reason, interrupted: false };
  }
  // The served model keeps the tuned entry's own settings (temperature, limits) when it is of the base's type.
  const served = outcome.provider;
  const resolved: ResolvedProvider = {
    ...tuned,
    type: served.type,
    model: served.model,
    config: served.type === tuned.type ? { ...tuned.config, ...served.config } : served.config,
  };
  delete resolved.pricedAs;
  try {
    return { ok: true, provider: await options.createProvider(resolved), resolved, reused: outcome.reused };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    emit({ label: point.label, stage: 'serve', status: 'failed', message: reason });
    return { ok: false, reason, interrupted: false };
  }
}

/** Where a suite's command backends work: `.llmlab/finetune` beside the database. */
export function finetuneWorkDir(dbPath: string): string {
  return join(dbPath === ':memory:' ? '.llmlab' : join(dbPath, '..'), 'finetune');
}

/** A training point whose job failed: its tuned model's cells are skipped, and the run exits 1. */
export interface TrainingFailure {
  label: string;
  reason: string;
}

export function failuresOf(outcomes: Map<string, TunedModel>): TrainingFailure[] {
  return [...outcomes].flatMap(([label, outcome]) => (outcome.ok || outcome.interrupted ? [] : [{ label, reason: outcome.reason }]));
}
