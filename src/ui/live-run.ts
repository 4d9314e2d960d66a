/**
 * Between the event bus and React: every event is folded into the state at once (cheap), but the view-model is
 * published at most every `intervalMs` (default 100 ms, so ≤ 10 renders a second however fast events arrive),
 * plus once a second while idle so elapsed time, ETA and backoffs keep moving. React reads it through
 * `useSyncExternalStore`.
 */
import type { RunListener } from '../engine/events.js';
import { createRunState, reduceRun } from './run-state.js';
import type { PauseSwitch } from './pause-gate.js';
import { toViewModel, type ViewModel } from './view-model.js';

export interface LiveRunOptions {
  intervalMs?: number;
  /** Publish at least this often while a run is going, ms. */
  idleMs?: number;
  now?: () => number;
  /** The run's pause switch, on the same clock as `now`: paused time is left out of throughput and ETA. */
  pause?: Pick<PauseSwitch, 'pausedMs'>;
}

export interface LiveRun {
  listener: RunListener;
  subscribe(onChange: () => void): () => void;
  getSnapshot(): ViewModel;
  /** Publishes the current state now (before the UI unmounts, so the last frame is complete). */
  flush(): void;
  close(): void;
}

export function createLiveRun(options: LiveRunOptions = {}): LiveRun {
  const intervalMs = options.intervalMs ?? 100;
  const idleMs = options.idleMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  let state = createRunState();
  const view = (at: number) => toViewModel(state, at, options.pause?.pausedMs(at) ?? 0);
  let snapshot = view(now());
  let lastPublish = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires; Infinity when none is armed. */
  let armedAt = Infinity;
  const subscribers = new Set<() => void>();

  const arm = (at: number) => {
    if (timer) clearTimeout(timer);
    armedAt = at;
    timer = setTimeout(publish, Math.max(at - now(), 0));
    // The UI must never be what keeps a finished process alive.
    timer.unref();
  };
  const publish = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    armedAt = Infinity;
    lastPublish = now();
    snapshot = view(lastPublish);
    for (const onChange of subscribers) onChange();
    if (state.status === 'running') arm(lastPublish + idleMs);
  };

  return {
    listener(event) {
      const at = now();
      state = reduceRun(state, event, at);
      // Never synchronously: a burst of events in one tick still makes one frame.
      const due = Math.max(lastPublish + intervalMs, at);
      if (due < armedAt) arm(due);
    },
    subscribe(onChange) {
      subscribers.add(onChange);
      return () => subscribers.delete(onChange);
    },
    getSnapshot: () => snapshot,
    flush: publish,
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      armedAt = Infinity;
      subscribers.clear();
    },
  };
}
