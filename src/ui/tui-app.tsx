/** @jsxRuntime automatic @jsxImportSource react */
/**
 * The live TUI: reads the throttled view-model from a {@link LiveRun} and handles keys — `q` stops gracefully,
 * Ctrl-C stops (twice: cancels calls in flight), `p` pauses or resumes dispatch, `f` toggles the failures view.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useInput, useStdin, useStdout } from 'ink';
import type { LiveRun } from './live-run.js';
import type { PauseSwitch } from './pause-gate.js';
import { ColorContext } from './paint.js';
import { RunView } from './run-view.js';

export interface RunControls {
  pause: PauseSwitch;
  /** Stop dispatching; calls in flight finish and are saved. */
  stop: AbortController;
  /** Cancel calls in flight too. */
  abort: AbortController;
}

export interface TuiAppProps {
  live: LiveRun;
  controls: RunControls;
  title: string;
  /** Called on every React render of the app (tests count frames with it). */
  onRender?: () => void;
  /** False draws no colour or text style at all (NO_COLOR); default true. */
  color?: boolean;
}

export function TuiApp({ live, controls, title, onRender, color = true }: TuiAppProps) {
  const vm = useSyncExternalStore(live.subscribe, live.getSnapshot);
  const [paused, setPaused] = useState(controls.pause.paused);
  const [stopping, setStopping] = useState(controls.stop.signal.aborted);
  const [showFailures, setShowFailures] = useState(false);
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  onRender?.();

  // A SIGINT from outside (kill -INT) stops the run too; the screen should say so.
  useEffect(() => {
    const signal = controls.stop.signal;
    const onStop = () => setStopping(true);
    signal.addEventListener('abort', onStop, { once: true });
    return () => signal.removeEventListener('abort', onStop);
  }, [controls.stop]);

  useInput(
    (input, key) => {
      const interrupt = key.ctrl && input === 'c';
      if (interrupt || input === 'q') {
        if (!controls.stop.signal.aborted) {
          // A paused run would never reach the stop check: release it.
          controls.pause.resume();
          setPaused(false);
          controls.stop.abort();
        } else if (interrupt) controls.abort.abort();
        setStopping(true);
      } else if (input === 'p' && !controls.stop.signal.aborted) setPaused(controls.pause.toggle());
      else if (input === 'f') setShowFailures((shown) => !shown);
    },
    // Without a raw-mode stdin (piped input) there are no keys; Ctrl-C is then a SIGINT as usual.
    { isActive: isRawModeSupported === true },
  );

  return (
    <ColorContext.Provider value={color}>
      <RunView
        vm={vm}
        title={title}
        paused={paused}
        stopping={stopping}
        showFailures={showFailures}
        width={stdout.columns || 100}
        height={stdout.rows || 30}
      />
    </ColorContext.Provider>
  );
}
