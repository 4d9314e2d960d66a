/**
 * `llmlab eval <suite> --watch`: run, then re-run on every save of the suite or a file it reads. Each iteration
 * is a stored run with the cache on, so only cells whose key changed call a model; after it, the summary and
 * what changed since the previous completed iteration. A change during a run stops its dispatch (calls in
 * flight finish and land in the cache) and starts over. A broken edit prints the error and keeps watching.
 *
 * Exit codes: 0 after `q` / Ctrl-C while idle; 130 when that stopped an iteration mid-run (what finished is
 * saved; a second Ctrl-C cancels the calls in flight).
 */
import { relative } from 'node:path';
import { loadSuite } from '../config/load-suite.js';
import { loadProjectConfig } from '../config/project-config.js';
import type { ProjectConfig, ResolvedSuite } from '../config/types.js';
import { createEventBus } from '../engine/events.js';
import { runSuite } from '../engine/run.js';
import { LlmlabError } from '../errors.js';
import { compareRuns } from '../report/compare-runs.js';
import { summarizeRun } from '../report/summary.js';
import { formatSummaryTable } from '../report/table.js';
import type { RunRecord } from '../store/index.js';
import { createPlainReporter } from '../ui/plain.js';
import { createContext, list, positiveInt, suitePaths } from './context.js';
import { checkOutputs, writeOutputs } from './outputs.js';
import { version } from './version.js';
import { formatWatchDiff } from './watch-diff.js';
import { createFileWatcher, watchedFiles } from './watch-files.js';
import { onQuit } from './watch-keys.js';

export interface WatchFlags {
  concurrency?: string;
  output?: string | string[];
  repeat?: string;
  resume?: boolean | string;
  cache: boolean;
  db?: string;
  /** Flags of plain `eval` that watch mode refuses rather than ignores. */
  baseline?: string;
  outputStream?: string;
}

/** Clears the screen and scrollback, like vitest's watch mode, so each iteration reads from the top. */
const CLEAR = '\u001b[2J\u001b[3J\u001b[H';

export async function watchCommand(args: string[], flags: WatchFlags): Promise<number> {
  if (flags.resume !== undefined && flags.resume !== false) {
    throw new LlmlabError('USAGE', '--watch cannot be combined with --resume', {
      hint: 'watch mode starts a new run per change; resume an interrupted run without --watch',
    });
  }
  for (const [flag, value] of [['--baseline', flags.baseline], ['--output-stream', flags.outputStream]] as const) {
    if (value !== undefined) {
      throw new LlmlabError('USAGE', `--watch cannot be combined with ${flag}`, {
        hint: 'watch mode diffs each iteration against the previous one; run without --watch for a baseline or a stream',
      });
    }
  }
  const outputs = list(flags.output);
  checkOutputs(outputs);
  const ctx = await createContext(flags);
  const concurrencyFlag = positiveInt(flags.concurrency, '--concurrency');
  const repeat = positiveInt(flags.repeat, '--repeat');
  const paths = await suitePaths(args, ctx.project);
  if (paths.length !== 1) {
    throw new LlmlabError('USAGE', `--watch takes exactly one suite, got ${paths.length}`, {
      hint: 'name the suite to watch, e.g. `llmlab eval suites/quickstart.yaml --watch`',
    });
  }
  const suitePath = paths[0]!;
  const store = ctx.store();
  const cwd = process.cwd();
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const rel = (file: string) => relative(cwd, file) || file;
  const tty = process.stdout.isTTY === true;

  let iteration = 0;
  let previous: RunRecord | undefined;
  let running: { stop: AbortController; abort: AbortController } | undefined;
  let dirty = true;
  let changed: string[] = [];
  let changeSeenAt: number | undefined;
  let loop: Promise<void> | undefined;
  let quitting = false;
  let stoppedMidRun = false;
  let done!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (done = resolve));

  const watcher = createFileWatcher((files, seenAt) => {
    changed.push(...files.filter((f) => !changed.includes(f)));
    changeSeenAt ??= seenAt;
    dirty = true;
    // The running iteration is stale: stop dispatching; its calls in flight still fill the cache.
    running?.stop.abort();
    kick();
  });

  const iterate = async (files: string[], seenAt: number | undefined) => {
    iteration++;
    if (tty) process.stdout.write(CLEAR);
    out(`[watch] iteration ${iteration}${files.length > 0 ? `: ${files.map(rel).join(', ')} changed` : ''}`);
    let project: ProjectConfig | undefined;
    let suite: ResolvedSuite;
    try {
      project = await loadProjectConfig({ cwd, db: flags.db });
      suite = await loadSuite(suitePath, project);
    } catch (error) {
      printError(error, cwd);
      // Keep following what was watched, plus the suite and config, so fixing the error triggers a re-run.
      const keep = [...watcher.files, suitePath, ...(project?.file ? [project.file] : [])];
      await watcher.watch([...new Set(keep)]);
      out(`[watch] fix the error and save; watching ${watcher.files.length} files (q to quit)`);
      return;
    }
    await watcher.watch(watchedFiles(suite, project));
    if (quitting || dirty) return;

    const stop = new AbortController();
    const abort = new AbortController();
    running = { stop, abort };
    const events = createEventBus();
    events.on(createPlainReporter());
    let outcome: Awaited<ReturnType<typeof runSuite>>;
    try {
      outcome = await runSuite({
        suite,
        project,
        store,
        env: ctx.env,
        events,
        concurrency: concurrencyFlag ?? project.concurrency,
        repeat,
        // --no-cache means a fresh first iteration; after it, reusing answers is the point of watching.
        cache: iteration === 1 ? flags.cache : true,
        stop: stop.signal,
        abort: abort.signal,
        llmlabVersion: version,
      });
    } catch (error) {
      printError(error, cwd);
      out(`[watch] watching ${watcher.files.length} files (q to quit)`);
      return;
    } finally {
      running = undefined;
    }
    if (outcome.status === 'interrupted') {
      if (quitting) process.stderr.write(`interrupted: resume with \`llmlab eval ${rel(suitePath)} --resume ${outcome.run.id}\`\n`);
      else out(`[watch] run ${outcome.run.id} cancelled: a newer change arrived`);
      return;
    }
    const run = store.runs.get(outcome.run.id)!;
    const summary = summarizeRun(store, run);
    out(`\n${suite.description ?? rel(suite.path)}\n${formatSummaryTable(summary)}`);
    // Calls, not cells: a multi-turn attack makes a call per turn.
    out(`[watch] ${outcome.stats.calls} model calls, ${outcome.stats.cacheHits} answered from the cache`);
    if (previous) out(diffAgainst(previous, run));
    previous = run;
    await writeOutputs(outputs, store, run, summary);
    const latency = seenAt === undefined ? '' : ` · updated ${Math.round(performance.now() - seenAt)} ms after the change`;
    out(`[watch] run ${run.id} done${latency} · watching ${watcher.files.length} files (q to quit)`);
  };

  const diffAgainst = (a: RunRecord, b: RunRecord): string => {
    try {
      return formatWatchDiff(compareRuns(store, a, b));
    } catch (error) {
      // No cell in common (every prompt renamed, say): nothing to diff, which is not an error of the suite.
      if (error instanceof LlmlabError && error.code === 'USAGE') return `no cells in common with run ${a.id}: nothing to compare`;
      throw error;
    }
  };

  const drain = async () => {
    while (dirty && !quitting) {
      dirty = false;
      const files = changed;
      const seenAt = changeSeenAt;
      changed = [];
      changeSeenAt = undefined;
      try {
        await iterate(files, seenAt);
      } catch (error) {
        // A bug in one iteration must not end the session: say so, keep watching.
        printError(error, cwd);
      }
    }
  };

  function kick(): void {
    if (loop) return;
    loop = drain().finally(() => {
      loop = undefined;
      if (quitting) void finish();
      else if (dirty) kick();
    });
  }

  const finish = async () => {
    stopKeys();
    await watcher.close();
    done(stoppedMidRun ? 130 : 0);
  };

  const stopKeys = onQuit(() => {
    if (quitting) {
      // Second Ctrl-C: cancel the calls in flight too.
      running?.abort.abort();
      return;
    }
    quitting = true;
    if (running) {
      stoppedMidRun = true;
      process.stderr.write('\nstopping: finishing calls in flight and saving (Ctrl-C again to cancel them)\n');
      running.stop.abort();
    }
    if (!loop) void finish();
  });

  kick();
  return exited;
}

function printError(error: unknown, cwd: string): void {
  if (error instanceof LlmlabError) process.stderr.write(`llmlab: ${error.format(cwd)}\n`);
  else process.stderr.write(`llmlab: internal error (please report it):\n${error instanceof Error ? error.stack : String(error)}\n`);
}
