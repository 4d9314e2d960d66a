/**
 * One run of a suite, start to end: create (or resume) the stored run, execute the plan, flush, and record
 * the final status. Interrupts are signals, not exceptions: whatever finished is saved and resumable.
 */
import type { ProjectConfig, ResolvedSuite } from '../config/types.js';
import { LlmlabError } from '../errors.js';
import { headSha } from '../git.js';
import { createRunWriter, promptHash, storageFault, type RunRecord, type Store } from '../store/index.js';
import { runSpend } from '../store/spend.js';
import type { EarlierTargetTotals, RunStatus } from '../types.js';
import { priceTableHash } from '../providers/prices.js';
import { createBudgetGate, type BudgetGate, type BudgetOutcome } from './budget-gate.js';
import { estimatePlan } from './estimate-suite.js';
import type { EventBus } from './events.js';
import type { ExecuteStats, PauseGate } from './execute-options.js';
import { execute } from './executor.js';
import { createGrader } from './grade.js';
import { createGraders, createInstance, createProviders } from './instances.js';
import { checkTrainingBudget, prepareFinetunes } from './finetune-prepare.js';
import { failuresOf, finetuneWorkDir, startTraining, type TrainingFailure } from './finetune-train.js';
import type { LimitClock } from './limits-tokens.js';
import { redactRunOutputs, runSecrets } from './redact-run.js';
import { checkTemplates, createPlan, type Plan } from './plan.js';
import { checkLoglikelihood } from './protocol-check.js';
import { generatedMedia, openRunMedia, prepareMediaFor, preparePromptMedia } from './media-check.js';
import { createFaultLatch, outcomeFault, saveStatus } from './run-fault.js';
import { checkResumedShard, runShardOf, type Shard } from './shard.js';
import { isSubset, resolveSubset, resumedSubset, runSubsetOf, type SubsetFlags } from './subset.js';

/** Options of {@link runSuite}; mostly CLI flags. */
export interface RunSuiteOptions {
  suite: ResolvedSuite;
  project: ProjectConfig;
  store: Store;
  env: Readonly<Record<string, string | undefined>>;
  events: EventBus;
  /** Global model calls in flight (`-j`). */
  concurrency: number;
  /** Overrides the suite's `repeat`. */
  repeat?: number;
  /** False for `--no-cache`: answers are not read from the cache (fresh ones are still stored). */
  cache: boolean;
  /** `true` resumes the latest unfinished run of the suite; a string resumes that run. */
  resume?: true | string;
  /** Stop dispatching (first Ctrl-C). */
  stop: AbortSignal;
  /** Cancel calls in flight too (second Ctrl-C). */
  abort: AbortSignal;
  /** Holds dispatch while paused (the TUI's `p`). */
  pause?: PauseGate;
  llmlabVersion: string;
  /** `--budget-usd`: overrides the suite's `budget.maxUsd` (and sets a budget when the suite has none). */
  budgetUsd?: number;
  /** `--estimate`: record the pre-run estimate (as `llmlab plan` makes it) to compare with what happened. */
  estimate?: boolean;
  /** `--shard k/n`: run only that shard's cells; the run records which shard it is. */
  shard?: Shard;
  /**
   * `--filter`, `--first`, `--sample`, `--provider`, `--prompt`, `--failing`: run only the cells they select; the
   * run records the subset. A resumed subset re-applies what it stored (see resumedSubset).
   */
  subset?: SubsetFlags;
  /** Time for the providers' `tpm` windows; tests pass a fake one. Default: real time. */
  clock?: LimitClock;
}

/** What a finished (or interrupted) run reports back. */
export interface RunOutcome {
  run: RunRecord;
  status: RunStatus;
  stats: ExecuteStats;
  /** Cells finished by an earlier, resumed attempt. */
  resumedCells: number;
  durationMs: number;
  /** Spend against the budget, when the run had one. */
  budget?: BudgetOutcome;
  /** The storage fault (disk full, database locked, I/O error) that stopped the run; it is then `interrupted`. */
  fault?: LlmlabError;
  /** False when the fault also kept the final status from being stored: the run still reads `running`. */
  statusSaved?: boolean;
  /** Fine-tune jobs that failed (their models' cells were skipped): the run exits 1. */
  trainingFailures?: TrainingFailure[];
}

export async function runSuite(options: RunSuiteOptions): Promise<RunOutcome> {
  const { suite, store } = options;
  const started = performance.now();
  // The run to resume is found first: a subset's run plans its own subset again.
  const previous = options.resume === undefined ? undefined : resumable(options);
  const subsetFlags = previous ? resumedSubset(previous, options.subset) : options.subset;
  const media = openRunMedia(store.path, options.project.db, suite.mediaMaxEdge);
  const subset = isSubset(subsetFlags) ? resolveSubset(createPlan(suite, { repeat: options.repeat, media }), subsetFlags, store) : undefined;
  const plan = createPlan(suite, { repeat: options.repeat, media, ...(options.shard ? { shard: options.shard } : {}), ...(subset ? { subset } : {}) });
  await preparePromptMedia(plan);
  checkTemplates(plan);
  // Stage 1 of every recipe, before anything is sent: data errors stop the run here (exit 2), nothing uploaded.
  const finetunes = await prepareFinetunes(suite, { workDir: finetuneWorkDir(store.path), env: options.env });
  const grader = createGrader(suite.baseDir, { metrics: suite.metrics ?? {} });
  // Config mistakes in assertions (bad regex, missing module) and providers (missing key) surface now,
  // before the first call, as exit-2 errors.
  const [providers, graders] = await Promise.all([
    createProviders(suite, options.env),
    createGraders(suite, options.env),
    grader.prepareAll([...suite.tests, ...(suite.security?.tests ?? []), ...(suite.forgetting ?? []).flatMap((s) => s.tests)]),
  ]);
  checkLoglikelihood(suite, providers);
  await prepareMediaFor(plan, providers, media);
  const budget = suite.budget || options.budgetUsd !== undefined
    ? { onExceed: 'stop' as const, ...suite.budget, ...(options.budgetUsd === undefined ? {} : { maxUsd: options.budgetUsd }) }
    : undefined;
  if (finetunes && budget?.maxUsd !== undefined) checkTrainingBudget(finetunes, budget.maxUsd, store);
  // What earlier attempts spent counts against a resumed run's budget: read before their unfinished rows go.
  let spentBefore: ReturnType<typeof runSpend> | undefined;
  // Once per run, before the first call, as `llmlab plan` does (a resume keeps the first attempt's). Only with a
  // budget (which loads the tokenizer anyway) or when asked: it costs about 0.3 s, 14 % of a fast 2,000-cell run.
  const estimates = options.resume === undefined && (budget !== undefined || options.estimate === true)
    ? await estimatePlan(plan, providers, options.cache ? (key) => store.cache.get(key) !== undefined : () => false)
    : undefined;
  const sha = await headSha(suite.baseDir); // undefined outside git
  let run: RunRecord;
  let skip: Set<string>;
  try {
    run = openRun(options, previous, plan, sha, { budget, estimates, ...(finetunes ? { finetunes: finetunes.run } : {}) }, (id) => {
      if (budget) spentBefore = runSpend(store.db, id);
    });
    skip = store.results.finishedCellIds(run.id);
  } catch (error) {
    throw storageFault(error, store.path) ?? error;
  }
  const faults = createFaultLatch(store);
  const writer = createRunWriter(store, run.id, { onFault: (error) => faults.record(error) });
  options.events.emit({
    type: 'run-start',
    runId: run.id,
    suitePath: suite.path,
    totalCells: plan.totalCells,
    doneCells: skip.size,
    ...(skip.size > 0 ? { earlier: earlierTotals(store, run.id) } : {}),
  });
  const gate: BudgetGate | undefined = budget && createBudgetGate({
    budget,
    emit: (event) => options.events.emit(event),
    ...(spentBefore ? { initial: spentBefore } : {}),
  });

  // Training runs beside the other providers' cells; a tuned model's cells wait for its point.
  const training = finetunes && startTraining({
    suite,
    prepared: finetunes,
    store,
    env: options.env,
    stop: options.stop,
    emit: (event) => options.events.emit(event),
    workDir: finetuneWorkDir(store.path),
    createProvider: (resolved) => createInstance(resolved, suite, options.env),
    ...(gate ? { budget: gate } : {}),
  });
  let trainingFailures: TrainingFailure[] = [];
  let status: RunStatus = 'failed';
  let statusSaved = true;
  let stats: ExecuteStats = { finished: 0, calls: 0, cacheHits: 0, judgeCalls: 0, judgeCacheHits: 0 };
  try {
    stats = await execute(plan, {
      providers,
      graders,
      grader,
      cache: store.cache,
      // Keys a server echoes back are redacted before the database, reports, the stream file or the terminal.
      ...redactRunOutputs(runSecrets(suite, options.env), { writer, events: options.events }),
      concurrency: options.concurrency,
      readCache: options.cache,
      ...(suite.security?.attacker ? { attacker: suite.security.attacker } : {}),
      skip,
      // A storage fault stops dispatch as a first Ctrl-C does: calls in flight finish, nothing new starts.
      stop: AbortSignal.any([options.stop, faults.signal]),
      abort: options.abort,
      pause: options.pause,
      ...(gate ? { budget: gate } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(training ? { training } : {}),
      media: generatedMedia(store.path, options.project.db),
    });
    if (training) trainingFailures = failuresOf(await training.settled());
    // A run the budget stopped is unfinished: `--resume` with a larger budget picks it up.
    status = options.stop.aborted || faults.signal.aborted || gate?.outcome().stopped ? 'interrupted' : 'completed';
  } catch (error) {
    faults.absorb(error); // anything else is a bug: rethrown, and the run is recorded `failed` below
  } finally {
    try {
      try {
        writer.flush();
      } catch (error) {
        faults.absorb(error);
      }
      if (faults.signal.aborted) status = 'interrupted';
      statusSaved = saveStatus(store, run.id, status, faults);
    } finally {
      const durationMs = Math.round(performance.now() - started);
      options.events.emit({ type: 'run-end', runId: run.id, status, durationMs });
    }
  }
  const fault = outcomeFault(faults);
  return {
    run: { ...run, status },
    status,
    stats,
    resumedCells: skip.size,
    durationMs: Math.round(performance.now() - started),
    ...(gate ? { budget: gate.outcome() } : {}),
    ...(fault ? { fault, statusSaved } : {}),
    ...(trainingFailures.length > 0 ? { trainingFailures } : {}),
  };
}

/** The run `--resume` names, checked to be of this very suite and shard. */
function resumable(options: RunSuiteOptions): RunRecord {
  const { suite, store, shard } = options;
  let previous: RunRecord | undefined;
  try {
    previous = options.resume === true ? store.runs.latestUnfinished(suite.path, shard) : store.runs.get(options.resume!);
  } catch (error) {
    throw storageFault(error, store.path) ?? error;
  }
  if (!previous) {
    throw new LlmlabError(
      'RUN_NOT_FOUND',
      options.resume === true
        ? `no unfinished run of ${suite.path}${shard ? ` (shard ${shard.index}/${shard.count})` : ''} to resume`
        : `no run \`${options.resume}\` in ${store.path}`,
      { hint: 'list runs with `llmlab runs`, or run without --resume to start a new one' },
    );
  }
  if (previous.suiteHash !== suite.hash || previous.suitePath !== suite.path) {
    throw new LlmlabError('USAGE', `run ${previous.id} was made from a different version of this suite`, {
      hint: 'resume only continues an identical suite; run without --resume to start a new run',
    });
  }
  checkResumedShard(previous, shard);
  return previous;
}

function openRun(
  options: RunSuiteOptions,
  previous: RunRecord | undefined,
  plan: Pick<Plan, 'totalCells' | 'suiteCells' | 'shard' | 'subset'>,
  sha: string | undefined,
  { budget, estimates, finetunes }: Pick<RunRecord['options'], 'budget' | 'estimates' | 'finetunes'>,
  beforeResume: (runId: string) => void,
): RunRecord {
  const { suite, store } = options;
  const totalCells = plan.totalCells;
  const runOptions = {
    concurrency: options.concurrency,
    repeat: options.repeat ?? suite.repeat,
    cache: options.cache,
    llmlabVersion: options.llmlabVersion,
    minPassRate: suite.gates.minPassRate,
    ...(Object.keys(suite.gates).length === 0 ? {} : { gates: suite.gates }),
    ...(suite.derivedMetrics ? { derivedMetrics: suite.derivedMetrics } : {}),
    providers: suite.providers.map((p) => p.label),
    prompts: suite.prompts.map((p) => p.id),
    promptHashes: Object.fromEntries(suite.prompts.map((p) => [p.id, promptHash(p)])),
    ...(suite.prices ? { priceTableHash: priceTableHash(suite.prices) } : {}),
    ...(budget ? { budget } : {}),
    ...(estimates ? { estimates } : {}),
    ...(finetunes ? { finetunes } : {}),
    ...(plan.subset ? { subset: runSubsetOf(plan) } : {}),
  };
  if (!previous) {
    return store.runs.create({
      suitePath: suite.path,
      suiteHash: suite.hash,
      description: suite.description,
      totalCells,
      options: runOptions,
      gitSha: sha,
      ...(plan.shard ? { shard: runShardOf(plan) } : {}),
    });
  }
  beforeResume(previous.id);
  store.results.forgetUnfinished(previous.id);
  store.runs.setStatus(previous.id, 'running');
  store.runs.setTotalCells(previous.id, totalCells);
  return { ...previous, status: 'running', totalCells };
}

/** A resumed run's stored verdicts per prompt × provider, for the live view's counts (run-start). */
function earlierTotals(store: Store, runId: string): EarlierTargetTotals[] {
  return store.results.totals(runId).map((t) => ({
    promptId: t.promptId,
    providerId: t.providerId,
    providerLabel: t.providerLabel,
    passed: t.passed,
    failed: t.failed,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cost: t.cost + t.gradingCost,
    cachedCells: t.cachedCells,
  }));
}
