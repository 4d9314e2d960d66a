/**
 * Studio runs: a draft of one prompt (beside its saved version) through the real engine — `runSuite` with the
 * cache, the suite's budget and judges, the project's concurrency and the server's environment for keys. The run
 * is stored like any other (it spent money), under the suite's path but with a suite hash of its own and a
 * `studio` mark, so `llmlab eval --resume` never picks it up, and as a subset (only the two prompts, the providers
 * and tests picked), which the Runs page marks.
 *
 * One studio run at a time per server (a second is a 409): a page left open cannot start runs in a loop. Its
 * events are kept, so a page that subscribes late (or reloads) is sent every cell from the start.
 */
import { createEventBus } from '../engine/events.js';
import { runSuite, type RunOutcome } from '../engine/run.js';
import { LlmlabError, messageOf } from '../errors.js';
import { promptHash } from '../store/index.js';
import type { RunEvent } from '../types.js';
import type { ViewContext } from './context.js';
import { describeError, ViewError } from './errors.js';
import { DRAFT_PREFIX, studioCell, studioDone, type StudioMessage } from './studio-cells.js';
import { studioSuite, type RunRequest } from './studio-draft.js';
import { openSuite } from './studio-suites.js';

/** One studio run: its messages so far, and whoever listens. */
export interface StudioRun {
  id: string;
  suite: string;
  promptId: string;
  cells: number;
  finished: boolean;
  /** Sends every message so far to `listener`, then each new one; returns the unsubscribe. */
  subscribe(listener: (message: StudioMessage) => void): () => void;
  /** Stops dispatch and cancels calls in flight; what finished stays stored. */
  stop(): void;
}

/** Runs kept for late subscribers once finished; older ones are dropped (their cells stay in the store). */
const KEPT_RUNS = 5;

/** The studio runs of one server. */
export function createStudioRuns(view: ViewContext) {
  const runs = new Map<string, StudioRun>();
  let busy: string | undefined;
  /** Settles when the run in flight has ended and stored its status. */
  let inFlight: Promise<unknown> = Promise.resolve();

  async function start(request: RunRequest): Promise<StudioRun> {
    if (busy !== undefined) throw new ViewError(409, `a studio run is in flight (${busy})`, 'wait for it to finish, or stop it, before starting another');
    busy = 'starting';
    try {
      // launch() hands `busy` to the run itself: a run that ends at once must not leave it set.
      return await launch(request);
    } catch (error) {
      busy = undefined;
      throw error;
    }
  }

  async function launch(request: RunRequest): Promise<StudioRun> {
    const { suite } = await openSuite(view, request.suite);
    const prompt = suite.prompts.find((p) => p.id === request.promptId);
    if (!prompt) throw new ViewError(404, `no prompt \`${request.promptId}\` in ${request.suite}`, 'reload the suite: its prompts may have changed');
    if (prompt.messages) throw new ViewError(422, `prompt \`${prompt.id}\` is chat messages; the studio runs templates only`);
    if (suite.finetunes) throw new ViewError(422, `${request.suite} has fine-tune recipes; the studio does not start training`, 'run it with `llmlab eval`');
    const { suite: draftSuite, subset } = studioSuite(suite, prompt, request);
    const draftId = `${DRAFT_PREFIX}${prompt.id}`;
    const messages: StudioMessage[] = [];
    const listeners = new Set<(message: StudioMessage) => void>();
    const stop = new AbortController();
    const abort = new AbortController();
    const send = (message: StudioMessage) => {
      messages.push(message);
      for (const listener of listeners) listener(message);
    };
    const ids = new Set([prompt.id, draftId]);
    let started: ((value: { runId: string; cells: number }) => void) | undefined;
    const startedPromise = new Promise<{ runId: string; cells: number }>((resolve) => (started = resolve));
    const bus = createEventBus();
    bus.on((event: RunEvent) => {
      if (event.type === 'run-start') {
        try {
          markStudio(view, event.runId, prompt.id, promptHash({ template: request.template }));
        } catch (error) {
          view.warn(`studio run ${event.runId}: cannot mark it as a studio run: ${messageOf(error)}`);
        }
        started?.({ runId: event.runId, cells: event.totalCells });
      } else if (event.type === 'node-end' && ids.has(event.cell.promptId)) {
        send({ event: 'cell', data: studioCell(event.cell) });
      } else if (event.type === 'budget' && event.level !== 'update') {
        send({ event: 'budget', data: { level: event.level, spentUsd: event.spentUsd, limitUsd: event.limitUsd, ...(event.scope ? { scope: event.scope } : {}) } });
      }
    });
    const outcome = runSuite({
      suite: draftSuite,
      project: view.project,
      store: view.store,
      env: view.env,
      events: bus,
      concurrency: view.project.concurrency,
      cache: true,
      stop: stop.signal,
      abort: abort.signal,
      llmlabVersion: view.version,
      subset,
    });
    // A mistake found before the first call (a template error, a missing key, an unknown test) answers the POST.
    const first = await Promise.race([startedPromise, outcome.then(() => undefined)]);
    if (!first) throw new LlmlabError('INTERNAL', 'the studio run ended before it started');
    const run: StudioRun = {
      id: first.runId,
      suite: request.suite,
      promptId: prompt.id,
      cells: first.cells,
      finished: false,
      subscribe(listener) {
        for (const message of messages) listener(message);
        if (run.finished) return () => {};
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      stop() {
        stop.abort();
        abort.abort();
      },
    };
    runs.set(run.id, run);
    busy = run.id;
    for (const old of [...runs.keys()].slice(0, Math.max(runs.size - KEPT_RUNS, 0))) runs.delete(old);
    inFlight = outcome.catch(() => undefined);
    void outcome
      .then((result) => send({ event: 'done', data: finished(result) }))
      .catch((error: unknown) => {
        const described = describeError(error);
        if (described.status >= 500) view.warn(`studio run ${run.id}: ${messageOf(error)}`);
        send({ event: 'failed', data: { message: described.message, ...(described.hint ? { hint: described.hint } : {}) } });
      })
      .finally(() => {
        run.finished = true;
        listeners.clear();
        if (busy === run.id) busy = undefined;
      });
    return run;
  }

  function finished(result: RunOutcome) {
    const run = view.store.runs.get(result.run.id) ?? result.run;
    const b = result.budget;
    return studioDone(view, run, b ? { ...(b.limitUsd === undefined ? {} : { limitUsd: b.limitUsd }), spentUsd: b.spentUsd, stopped: b.stopped, skippedCells: b.skippedCells } : undefined);
  }

  return {
    start,
    get: (id: string): StudioRun | undefined => runs.get(id),
    /** The run in flight, if any: a reloaded page picks it up. */
    active: (): StudioRun | undefined => (busy === undefined ? undefined : runs.get(busy)),
    /** Stops the run in flight, if any, and resolves once it has stored what it finished (the server is closing). */
    async close(): Promise<void> {
      const active = busy === undefined ? undefined : runs.get(busy);
      active?.stop();
      await inFlight;
    },
  };
}

export type StudioRuns = ReturnType<typeof createStudioRuns>;

/** Marks the stored run as the studio's, so `--resume` passes it over (runs.ts latestUnfinished). */
function markStudio(view: ViewContext, runId: string, promptId: string, draftHash: string): void {
  const stored = view.store.runs.get(runId);
  if (stored) view.store.runs.save({ ...stored, options: { ...stored.options, studio: { promptId, draftHash } } });
}
