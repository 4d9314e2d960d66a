/**
 * `llmlab eval <suite> --watch`: run, then re-run on every save that changes the content of the suite or a file it
 * reads. Each iteration is a stored run with the cache on, so only cells whose key changed call a model; its
 * results start (on a cleared screen, on a terminal) with what changed and how many cells re-ran, then the summary,
 * the gates (against `--baseline` when given) and what changed since the previous run, edited tests included.
 * On a terminal, `a` re-runs every cell and `f` the cells that failed, both with fresh answers (cache not read).
 * A change during a run stops its dispatch (calls in flight finish and land in the cache) and starts over. A
 * broken edit prints the error and keeps watching. Every eval flag applies to each run (see watch-settings.ts);
 * a budget is per run.
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
import { failingCells } from '../engine/subset.js';
import { formatLocation, LlmlabError } from '../errors.js';
import type { RunRecord, Store } from '../store/index.js';
import { createPlainReporter } from '../ui/plain.js';
import { prepareCodeSandbox, type CodeSandbox } from './code-sandbox.js';
import { createContext, suitePaths } from './context.js';
import { openOutputStream } from './outputs.js';
import { version } from './version.js';
import type { CliIo } from './io.js';
import { sessionStore } from './watch-cache.js';
import type { TestRef } from './watch-edits.js';
import { createFileWatcher, watchedFiles } from './watch-files.js';
import { onKeys, type KeyInput } from './watch-keys.js';
import { doneLine, KEY_HINTS, quitHint, showRun, type WatchBaseline } from './watch-report.js';
import { watchSettings, type WatchFlags } from './watch-settings.js';
import { cellCounts, headline, startLine, type WatchTrigger } from './watch-trigger.js';

export type { WatchFlags } from './watch-settings.js';

/**
 * Clears the screen, not the scrollback (no `ESC[3J`): each iteration reads from the top, and what the user ran
 * before the session, or scrolled past, is still there to scroll back to. Terminals that keep a cleared screen in
 * the scrollback (VTE, iTerm2, kitty, Windows Terminal) keep the previous iterations there too.
 */
const CLEAR = '\u001b[2J\u001b[H';

/** `keyInput`: where the keys come from (process.stdin; a test passes a stand-in). */
export async function watchCommand(args: string[], flags: WatchFlags, io: CliIo, keyInput?: KeyInput): Promise<number> {
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
  const noticesSaid = new Set<string>();
  // The last whole run shown (what the next one is compared with) and the last run shown at all (what `f` reads).
  let previous: { run: RunRecord; tests: readonly TestRef[] } | undefined;
  let lastShown: RunRecord | undefined;
  let running: { stop: AbortController; abort: AbortController } | undefined;
  let dirty = true;
  let changed: string[] = [];
  // A key pressed since the last iteration started; a save after it wins (the user went back to editing).
  let key: 'all' | 'failing' | undefined;
  let changeSeenAt: number | undefined;
  let loop: Promise<void> | undefined;
  let quitting = false;
  let stoppedMidRun = false;
  let done!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (done = resolve));

  const watcher = createFileWatcher((files, seenAt) => {
    changed.push(...files.filter((f) => !changed.includes(f)));
    changeSeenAt ??= seenAt;
    key = undefined;
    restart();
  });
  /** Marks the session dirty and stops the running iteration, which is stale: its calls in flight still fill the cache. */
  function restart(): void {
    dirty = true;
    running?.stop.abort();
    kick();
  }
  const waiting = (line: string) => {
    out(`${line}${quitHint(keys.live)}`);
    if (keys.live) out(KEY_HINTS);
  };

  /** What the next iteration runs for; undefined (and a line saying why) when `f` finds nothing to re-run. */
  const nextTrigger = (files: string[], pressed: typeof key): WatchTrigger | undefined => {
    if (pressed === 'all') return { kind: 'all' };
    if (pressed === 'failing') {
      const failing = lastShown && failingCells(store, lastShown.id).size;
      if (lastShown && failing) return { kind: 'failing', runId: lastShown.id, cells: failing };
      waiting(lastShown ? `[watch] f: no cell failed in run ${lastShown.id}, nothing to re-run` : '[watch] f: no run shown yet, nothing to re-run');
      return undefined;
    }
    return iteration === 0 ? { kind: 'first' } : { kind: 'files', files: files.map(rel) };
  };

  const iterate = async (trigger: WatchTrigger, seenAt: number | undefined) => {
    iteration++;
    if (tty) io.stdout.write(CLEAR);
    out(startLine(iteration, trigger));
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
      waiting(`[watch] fix the error and save; watching ${watcher.files.length} files`);
      return;
    }
    await watcher.watch(watchedFiles(suite, project));
    if (quitting || dirty) return;

    // Said after the results' clear screen, where they stay readable.
    const notes: string[] = [];
    for (const model of suite.unpriced ?? []) {
      if (!unpricedSaid.has(model)) notes.push(`no price for ${model}: its cost counts as $0`);
      unpricedSaid.add(model);
    }
    if (sandbox) notes.push(sandbox.line);
    // A translated suite's notices, once per session like the price lines.
    for (const notice of suite.notices ?? []) {
      const line = `note: ${formatLocation(notice.where, cwd)}: ${notice.text}`;
      if (!noticesSaid.has(line)) notes.push(line);
      noticesSaid.add(line);
    }
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
        concurrency: settings.concurrency ?? suite.runSettings?.concurrency ?? project.concurrency,
        repeat: settings.repeat,
        // With --no-cache the first run reads nothing; later ones read only this session's answers (runStore).
        // `a` and `f` ask for fresh answers: a user re-checking flaky outputs wants the models asked again.
        cache: (settings.cache || started) && (trigger.kind === 'first' || trigger.kind === 'files'),
        ...(trigger.kind === 'failing' ? { subset: { failing: trigger.runId } } : {}),
        stop: stop.signal,
        abort: abort.signal,
        llmlabVersion: version,
        ...(settings.budgetUsd === undefined ? {} : { budgetUsd: settings.budgetUsd }),
        ...(settings.estimate ? { estimate: true } : {}),
      });
    } catch (error) {
      printError(error, cwd, err);
      waiting(`[watch] watching ${watcher.files.length} files`);
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
      waiting(`[watch] run ${outcome.run.id} stopped by a storage fault: fix it, then save a file to re-run`);
      return;
    }
    // The budget also ends a run as interrupted; only a stop signal means a newer change (or quit) cut it.
    if (stop.signal.aborted) {
      if (quitting) err(`interrupted: resume with \`llmlab eval ${rel(suitePath)} --resume ${outcome.run.id}\`\n`);
      else out(`[watch] run ${outcome.run.id} cancelled: ${key ? `${key === 'all' ? 'a' : 'f'} was pressed` : 'a newer change arrived'}`);
      return;
    }
    if (tty) io.stdout.write(CLEAR);
    out(headline(trigger, cellCounts(store, outcome.run.id)));
    for (const note of notes) err(`${note}\n`);
    lastShown = await showRun({ store, suite, outcome, previous, baseline, outputs: settings.outputs, rel, out, io, wide: flags.wide === true });
    // A run of the failing cells is a part of the suite: the next run is compared with the last whole one.
    if (trigger.kind !== 'failing') previous = { run: lastShown, tests: suite.tests };
    const latency = seenAt === undefined ? undefined : performance.now() - seenAt;
    waiting(doneLine(outcome.run.id, outcome.budget, latency, watcher.files.length, keys.live));
  };

  const drain = async () => {
    while (dirty && !quitting) {
      dirty = false;
      const files = changed;
      const seenAt = changeSeenAt;
      const pressed = key;
      changed = [];
      changeSeenAt = undefined;
      key = undefined;
      try {
        const trigger = nextTrigger(files, pressed);
        if (trigger) await iterate(trigger, trigger.kind === 'files' ? seenAt : undefined);
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
    keys.stop();
    await watcher.close();
    done(stoppedMidRun ? 130 : 0);
  };

  const quit = () => {
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
  };
  const press = (which: 'all' | 'failing') => {
    if (quitting) return;
    key = which;
    restart();
  };
  const keys = onKeys({ quit, all: () => press('all'), failing: () => press('failing') }, keyInput);

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
