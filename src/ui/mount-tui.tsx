/** @jsxRuntime automatic @jsxImportSource react */
// The pragma on every .tsx file: run from source (tsx), the JSX settings come from the tsconfig of the user's
// cwd, not ours; without it a project with no tsconfig would compile our JSX to an undefined `React`.
/** Mounts the Ink TUI on a terminal and returns the RunListener that feeds it; unmount leaves the last frame. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { render } from 'ink';
import type { RunListener } from '../engine/events.js';
import { createLiveRun, type LiveRun } from './live-run.js';
import { TuiApp, type RunControls } from './tui-app.js';

export interface MountTuiOptions {
  controls: RunControls;
  title: string;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Minimum ms between frames; default 100. */
  intervalMs?: number;
  /** A live run already folding events (mounted late, the TUI shows what happened so far). */
  live?: LiveRun;
  /** False draws no colour (NO_COLOR); default true. */
  color?: boolean;
}

export interface MountedTui {
  listener: RunListener;
  /** Draws the final state, restores the terminal and resolves once Ink has let go of it. */
  unmount(): Promise<void>;
}

export function mountTui(options: MountTuiOptions): MountedTui {
  const live = options.live ?? createLiveRun({ intervalMs: options.intervalMs, pause: options.controls.pause });
  const instance = render(<TuiApp live={live} controls={options.controls} title={options.title} color={options.color ?? true} />, {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    // Ctrl-C is ours: the first one stops gracefully, like SIGINT in the plain mode.
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 10,
  });
  return {
    listener: live.listener,
    async unmount() {
      live.flush();
      // Let React commit the final state before Ink writes its last frame.
      await nextTurn();
      live.close();
      // Ask before unmounting: asked after, Ink adds a beforeExit listener that nothing removes.
      const exited = instance.waitUntilExit();
      instance.unmount();
      await exited;
    },
  };
}
