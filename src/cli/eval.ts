/** `llmlab eval`: load → plan → run → summary, reports and the gate's exit code. */
import { relative } from 'node:path';
import { loadSuite } from '../config/load-suite.js';
import { onlyAttacks } from '../config/only-attacks.js';
import { LlmlabError } from '../errors.js';
import { createEventBus } from '../engine/events.js';
import { runSuite } from '../engine/run.js';
import { failureLines } from '../report/console/failures-lines.js';
import { formatSummaryTable, tableWidth } from '../report/console/table.js';
import { summarizeRun } from '../report/summary.js';
import { keepSummary } from '../report/stored-summary.js';
import type { ResolvedBaseline } from '../report/compare/baseline.js';
import { formatBaselineSection, formatGateLines } from '../report/console/gates-lines.js';
import { startReporter } from '../ui/reporter.js';
import { formatBudgetStop, parseBudgetUsd } from './budget-line.js';
import { reportFault } from './fault-report.js';
import { checkOutputs, openOutputStream, reconcileStream, writeOutputs } from './outputs.js';
import { list, positiveInt, suitePaths } from './context.js';
import { parseShard, shardContext } from './shard-flag.js';
import { checkSubset, parseSubsetFlags, type SubsetFlagValues } from './subset-flags.js';
import { gateVerdict, rollupLine, type SuiteVerdict } from './suite-rollup.js';
import { version } from './version.js';
import type { CliIo } from './io.js';
import { printNotices } from './suite-notices.js';

/** Signals that stop a run: the first stops dispatching and saves, the second cancels calls in flight. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface EvalFlags extends SubsetFlagValues {
  concurrency?: string;
  output?: string | string[];
  repeat?: string;
  resume?: boolean | string;
  cache: boolean;
  tui: boolean;
  db?: string;
  watch?: boolean;
  /** `--allow-code-execution`: suites may run model-written code (HumanEval). */
  allowCodeExecution?: boolean;
  /** `--unsafe-code-execution`: allows code execution, with the weak sandbox where bubblewrap cannot run. */
  unsafeCodeExecution?: boolean;
  /** A run id, `latest~N`, a JSON report file or `git:REF`: what the maxRegression gate compares with. */
  baseline?: string;
  /** `--output-stream`: a JSON Lines file that gets each cell as it finishes. */
  outputStream?: string;
  /** `--budget-usd`: the run's hard limit in USD, over the suite's `budget.maxUsd`. */
  budgetUsd?: string;
  /** `--estimate`: record the pre-run estimate and show it beside what happened (always on with a budget). */
  estimate?: boolean;
  /** Set by `llmlab redteam`: run only the suites' attacks. */
  attacksOnly?: boolean;
  /** `--shard k/n`: run one deterministic nth of the cells, in the shard's own database unless `--db` says. */
  shard?: string;
  /** List every failing cell after the summary, not only the first 10. */
  verbose?: boolean;
  /** `--wide`: every column of the summary table, however narrow the terminal. */
  wide?: boolean;
}

export async function evalCommand(args: string[], flags: EvalFlags, io: CliIo): Promise<number> {
  const shard = parseShard(flags.shard);
  const subset = parseSubsetFlags(flags);
  if (subset && (shard || flags.watch)) {
    throw new LlmlabError('USAGE', `${shard ? '--shard' : '--watch'} does not take a subset (--filter, --first, --failing, …)`, {
      hint: shard ? 'run the subset whole: it is part of the suite already' : 'watch the whole suite, or run the subset without --watch',
    });
  }
  if (flags.watch && shard) {
    throw new LlmlabError('USAGE', '--watch and --shard do not go together', { hint: 'watch the whole suite, or run the shard without --watch' });
  }
  if (flags.watch) return (await import('./watch.js')).watchCommand(args, flags, io);
  const outputs = list(flags.output);
  checkOutputs(outputs);
  const ctx = await shardContext(flags, shard, io);
  const concurrencyFlag = positiveInt(flags.concurrency, '--concurrency');
  const repeat = positiveInt(flags.repeat, '--repeat');
  const budgetUsd = parseBudgetUsd(flags.budgetUsd);
  const paths = await suitePaths(args, ctx.project, io.cwd);
  if (flags.resume !== undefined && flags.resume !== false && paths.length > 1) {
    throw new LlmlabError('USAGE', '--resume takes exactly one suite', { hint: 'name the suite to resume' });
  }
  // Load every suite first: a typo in the third suite should not surface after the first two spent money.
  const suites = [];
  const project = flags.allowCodeExecution || flags.unsafeCodeExecution ? { ...ctx.project, allowCodeExecution: true } : ctx.project;
  for (const path of paths) {
    const suite = await loadSuite(path, project);
    printNotices(suite, io);
    // A promptfoo config's `outputPath` is checked now, like -o: a bad format fails before any call.
    if (outputs.length === 0) checkOutputs(suite.runSettings?.outputs ?? []);
    // `llmlab redteam` without suites runs the configured suites that declare attacks, and skips the others.
    if (flags.attacksOnly && args.length === 0 && !suite.security) continue;
    suites.push(flags.attacksOnly ? onlyAttacks(suite) : suite);
  }
  if (flags.attacksOnly && suites.length === 0) {
    throw new LlmlabError('USAGE', 'none of the configured suites declares attacks', {
      hint: 'name a suite with `target` and `attacks` (e.g. `llmlab redteam suites/examples/security.yaml`)',
    });
  }
  // A subset that selects nothing, or names an unknown provider, fails before the first suite runs.
  if (subset && !(flags.resume !== undefined && flags.resume !== false)) checkSubset(suites, subset, repeat, () => ctx.store());
  // Before any model call: a machine that cannot sandbox model-written code refuses now (exit 2).
  const sandbox = await (await import('./code-sandbox.js')).prepareCodeSandbox(suites, flags.unsafeCodeExecution === true);
  // Before running: a bad ref costs nothing, and `latest` still names the run before this one.
  // Loaded only with --baseline: it brings git and report-file handling a plain eval does not need.
  const baselining = flags.baseline === undefined ? undefined : await import('../report/compare/baseline.js');
  const baselines: Map<string, ResolvedBaseline> | undefined = baselining && (await baselining.resolveBaselines(ctx.store(), flags.baseline, suites, io.cwd));

  const stream = openOutputStream(flags.outputStream, flags.resume !== undefined && flags.resume !== false, io.cwd);
  const stop = new AbortController();
  const abort = new AbortController();
  const onSigint = () => {
    if (!stop.signal.aborted) {
      io.stderr.write('\nstopping: finishing calls in flight and saving (Ctrl-C again to cancel them)\n');
      stop.abort();
    } else abort.abort();
  };
  // SIGHUP too: a closed terminal or SSH session should stop the run as Ctrl-C does (saved, resumable), not
  // kill it mid-write.
  for (const signal of STOP_SIGNALS) process.on(signal, onSigint);

  let exitCode = 0;
  // Per suite, for the roll-up line that ends a multi-suite run.
  const verdicts: SuiteVerdict[] = [];
  try {
    for (const suite of suites) {
      const events = createEventBus();
      const title = suite.description ?? relative(io.cwd, suite.path);
      for (const model of suite.unpriced ?? []) io.stderr.write(`no price for ${model}: its cost counts as $0\n`);
      if (sandbox?.suites.has(suite)) io.stderr.write(`${sandbox.line}\n`);
      const reporter = await startReporter({ tui: flags.tui, stop, abort, title, stdout: io.stdout, stderr: io.stderr, env: io.env });
      events.on(reporter.listener);
      // A resumed run's stream restarts from what the store holds: lines a killed attempt never stored are dropped.
      if (stream && flags.resume !== undefined && flags.resume !== false) events.on(reconcileStream(stream, ctx.store()));
      if (stream) events.on(stream.listener);
      const store = ctx.store();
      // Flags win over what a promptfoo config carries (evaluateOptions, outputPath).
      const suiteOutputs = outputs.length > 0 ? outputs : (suite.runSettings?.outputs ?? []);
      const outcome = await reporter.during(() => runSuite({
        suite,
        project: ctx.project,
        store,
        env: ctx.env,
        events,
        concurrency: concurrencyFlag ?? suite.runSettings?.concurrency ?? ctx.project.concurrency,
        repeat,
        cache: flags.cache && suite.runSettings?.noCache !== true,
        resume: flags.resume === true || flags.resume === '' ? true : flags.resume || undefined,
        stop: stop.signal,
        abort: abort.signal,
        pause: reporter.pause,
        llmlabVersion: version,
        ...(budgetUsd === undefined ? {} : { budgetUsd }),
        ...(flags.estimate ? { estimate: true } : {}),
        ...(shard ? { shard } : {}),
        ...(subset ? { subset } : {}),
      }));
      // The machine failed (disk full, database locked): the run is interrupted and resumable; exit 3, not a gate's 1.
      if (outcome.fault) throw await reportFault(store, { ...outcome, fault: outcome.fault }, suiteOutputs, suite.path, io, ctx.project.outputDir);
      const run = store.runs.get(outcome.run.id)!;
      const baseline = baselines?.get(suite.path);
      const compared = baseline && baselining?.compareWithBaseline(store, baseline, run);
      const summary = summarizeRun(store, run, { baseline: compared });
      keepSummary(store, run, summary);
      io.stdout.write(`\n${suite.description ?? relative(io.cwd, suite.path)}\n`);
      io.stdout.write(`${formatSummaryTable(summary, { baseline: compared, width: tableWidth(io.stdout, flags.wide) })}\n`);
      if (compared) io.stdout.write(`${formatBaselineSection(compared, io.cwd)}\n`);
      const failures = failureLines(store, run, { verbose: flags.verbose, comparison: compared && 'comparison' in compared ? compared.comparison : undefined });
      if (failures.length > 0) io.stdout.write(`${failures.join('\n')}\n`);
      await writeOutputs(suiteOutputs, store, run, summary, { baseline: compared, baselineRun: baseline, io, outputDir: ctx.project.outputDir });
      const budgetStop = formatBudgetStop(outcome.budget, relative(io.cwd, suite.path), run.id);
      if (budgetStop) {
        io.stdout.write(`${formatGateLines(summary.gate).join('\n')}\n`);
        io.stderr.write(`${budgetStop}\n`);
        exitCode = 1;
        verdicts.push({ suite: relative(io.cwd, suite.path), failed: ['budget'] });
        continue;
      }
      // A failed fine-tune job skipped its model's cells: the comparison it was for cannot pass.
      for (const failure of outcome.trainingFailures ?? []) {
        io.stderr.write(`fine-tune ${failure.label} failed: ${failure.reason}\n  its cells were skipped; \`llmlab eval ${relative(io.cwd, suite.path)} --resume ${run.id}\` tries the job again\n`);
        exitCode = 1;
      }
      if (outcome.status === 'interrupted') {
        const rel = relative(io.cwd, suite.path);
        io.stderr.write(`interrupted: resume with \`llmlab eval ${rel} --resume ${run.id}\`\n`);
        return 130;
      }
      io.stdout.write(`${formatGateLines(summary.gate).join('\n')}\n`);
      // A shard is not the run the gates judge: its job succeeds when its cells ran, so one red shard does not
      // cancel a CI matrix; the merged run is gated (`llmlab report latest --db merged.db --gate`).
      if (shard) io.stdout.write(`shard ${shard.index}/${shard.count} stored in ${relative(io.cwd, store.path) || store.path}; merge the shards with \`llmlab merge\`\n`);
      else if (!summary.gate.passed) exitCode = 1;
      if (!shard) verdicts.push(gateVerdict(relative(io.cwd, suite.path), summary.gate));
    }
    const rollup = rollupLine(verdicts, exitCode);
    if (rollup) io.stdout.write(`\n${rollup}\n`);
  } finally {
    stream?.close();
    for (const signal of STOP_SIGNALS) process.off(signal, onSigint);
  }
  return exitCode;
}
