/**
 * `llmlab eval <suite> --watch`: run, then re-run on every save of the suite or a file it reads. Each iteration
 * is a stored run with the cache on, so only cells whose key changed call a model; after it, the summary, the
 * gates (against `--baseline` when given) and what changed since the previous run shown. A change during a run
 * stops its dispatch (calls in flight finish and land in the cache) and starts over. A broken edit prints the
 * error and keeps watching. Every eval flag applies to each run (see watch-settings.ts); a budget is per run.
 *
 * Exit codes: 0 after `q` / Ctrl-C while idle; 130 when that stopped an iteration mid-run (what finished is
 * saved; a second Ctrl-C cancels the calls in flight).
 */
import { dirname, relative } from 'node:path';
import { loadSuite } from '../config/load-suite.js';
import { loadProjectConfig } from '../config/project-config.js';
import type { ProjectConfig, ResolvedSuite } from '../config/types.js';
import { createEventBus } from '../engine/events.js';
import { runSuite } from '../engine/run.js';
import { LlmlabError } from '../errors.js';
import type { RunRecord, Store } from '../store/index.js';
import { createPlainReporter } from '../ui/plain.js';
import { prepareCodeSandbox, type CodeSandbox } from './code-sandbox.js';
import { createContext, suitePaths } from './context.js';
import { openOutputStream } from './outputs.js';
import { version } from './version.js';
import type { CliIo } from './io.js';
import { sessionStore } from './watch-cache.js';
import { createFileWatcher, watchedFiles } from './watch-files.js';
import { onQuit } from './watch-keys.js';
import { doneLine, showRun, type WatchBaseline } from './watch-report.js';
import { watchSettings, type WatchFlags } from './watch-settings.js';

export type { WatchFlags } from './watch-settings.js';

/** Clears the screen and scrollback, like vitest's watch mode, so each iteration reads from the top. */
const CLEAR = '\u001b[2J\u001b[3J\u001b[H';

export async function watchCommand(args: string[], flags: WatchFlags, io: CliIo): Promise<number> {
  const cwd = io.cwd;
  const settings = watchSettings(flags, cwd);
  const ctx = await createContext(flags, io);
  const paths = await suitePaths(args, ctx.project, cwd);
  if (paths.length !== 1) {
    throw new LlmlabError('USAGE', `--watch takes exactly one suite, got ${paths.length}`, {
      hint: 'name the suite to watch, e.g. `llmlab eval suites/quickstart.yaml --watch`',
    });
  }
  const suitePath = paths[0]!;
  const store = ctx.store();
  // Once, before the first run: `latest` is the run before the session, not the previous iteration.
  const baseline = flags.baseline === undefined ? undefined : await resolveWatchBaseline(store, flags.baseline, suitePath, cwd);
  // --no-cache: the session's own answers are still reused, so a save re-runs only what it changed.
  const runStore = settings.cache ? store : sessionStore(store);
  const out = (text: string) => io.stdout.write(`${text}\n`);
  const err = (text: string) => io.stderr.write(text);
  const rel = (file: string) => relative(cwd, file) || file;
  const tty = io.stdout.isTTY === true;

  let iteration = 0;
  let started = false;
  const unpricedSaid = new Set<string>();
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
    if (tty) io.stdout.write(CLEAR);
    out(`[watch] iteration ${iteration}${files.length > 0 ? `: ${files.map(rel).join(', ')} changed` : ''}`);
    let project: ProjectConfig | undefined;
    let suite: ResolvedSuite;
    let sandbox: CodeSandbox | undefined;
    try {
      project = await loadProjectConfig({ cwd, db: flags.db, env: io.env });
      if (settings.allowCodeExecution) project = { ...project, allowCodeExecution: true };
      suite = await loadSuite(suitePath, project);
      // A machine that cannot sandbox model-written code refuses before any model call, like a broken suite.
      sandbox = await prepareCodeSandbox([suite], settings.unsafeCodeExecution);
    } catch (error) {
      printError(error, cwd, err);
      // Keep following what was watched, plus the suite and config, so fixing the error triggers a re-run.
      const keep = [...watcher.files, suitePath, ...(project?.file ? [project.file] : [])];
      await watcher.watch([...new Set(keep)]);
      out(`[watch] fix the error and save; watching ${watcher.files.length} files (q to quit)`);
      return;
    }
    await watcher.watch(watchedFiles(suite, project));
    if (quitting || dirty) return;

    for (const model of suite.unpriced ?? []) {
      if (!unpricedSaid.has(model)) err(`no price for ${model}: its cost counts as $0\n`);
      unpricedSaid.add(model);
    }
    if (sandbox) err(`${sandbox.line}\n`);
    const events = createEventBus();
    events.on(createPlainReporter({ write: (line) => err(`${line}\n`) }));
    // Restarted per run, like the -o reports: the file holds the latest run's cells (lines carry no run id).
    const stream = openOutputStream(settings.outputStream, false, cwd);
    if (stream) events.on(stream.listener);
    const stop = new AbortController();
    const abort = new AbortController();
    running = { stop, abort };
    let outcome: Awaited<ReturnType<typeof runSuite>>;
    try {
      outcome = await runSuite({
        suite,
        project,
        store: runStore,
        env: ctx.env,
        events,
        concurrency: settings.concurrency ?? project.concurrency,
        repeat: settings.repeat,
        // With --no-cache the first run reads nothing; later ones read only this session's answers (runStore).
        cache: settings.cache || started,
        stop: stop.signal,
        abort: abort.signal,
        llmlabVersion: version,
        ...(settings.budgetUsd === undefined ? {} : { budgetUsd: settings.budgetUsd }),
        ...(settings.estimate ? { estimate: true } : {}),
      });
    } catch (error) {
      printError(error, cwd, err);
      out(`[watch] watching ${watcher.files.length} files (q to quit)`);
      return;
    } finally {
      started = true;
      running = undefined;
      stream?.close();
    }
    // A storage fault (disk full, database locked) stopped the run: say so instead of showing half a run as done;
    // the session keeps watching, and the next save (or `--resume`) runs what is missing once the fault is fixed.
    if (outcome.fault) {
      printError(outcome.fault, cwd, err);
      out(`[watch] run ${outcome.run.id} stopped by a storage fault: fix it, then save a file to re-run, or q to quit`);
      return;
    }
    // The budget also ends a run as interrupted; only a stop signal means a newer change (or quit) cut it.
    if (stop.signal.aborted) {
      if (quitting) err(`interrupted: resume with \`llmlab eval ${rel(suitePath)} --resume ${outcome.run.id}\`\n`);
      else out(`[watch] run ${outcome.run.id} cancelled: a newer change arrived`);
      return;
    }
    previous = await showRun({ store, suite, outcome, previous, baseline, outputs: settings.outputs, rel, out, io });
    const latency = seenAt === undefined ? undefined : performance.now() - seenAt;
    out(doneLine(outcome.run.id, outcome.budget, latency, watcher.files.length));
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
        printError(error, cwd, err);
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
      err('\nstopping: finishing calls in flight and saving (Ctrl-C again to cancel them)\n');
      running.stop.abort();
    }
    if (!loop) void finish();
  });

  kick();
  return exited;
}

/** `--baseline` for the watched suite; its module (git, report files) loads only when the flag is given. */
async function resolveWatchBaseline(store: Store, ref: string, suitePath: string, cwd: string): Promise<WatchBaseline> {
  const { compareWithBaseline, resolveBaselines } = await import('../report/compare/baseline.js');
  const resolved = (await resolveBaselines(store, ref, [{ path: suitePath, baseDir: dirname(suitePath) }], cwd)).get(suitePath)!;
  return { resolved, compare: (s, run) => compareWithBaseline(s, resolved, run) };
}

function printError(error: unknown, cwd: string, err: (text: string) => void): void {
  if (error instanceof LlmlabError) err(`llmlab: ${error.format(cwd)}\n`);
  else err(`llmlab: internal error (please report it):\n${error instanceof Error ? error.stack : String(error)}\n`);
}
