/**
 * Picks how a run is shown: the Ink TUI on an interactive terminal, else the plain line reporter (`--no-tui`,
 * output piped, `CI=true`). Ink and React are imported only when the TUI is used, and the run does not wait
 * for them.
 */
import type { RunListener } from '../engine/events.js';
import { messageOf } from '../errors.js';
import { createLiveRun } from './live-run.js';
import type { MountedTui } from './mount-tui.js';
import { colourAllowed } from './colour.js';
import { createPauseSwitch, type PauseSwitch } from './pause-gate.js';
import { createPlainReporter } from './plain.js';

export interface ReporterOptions {
  /** False for `--no-tui`. */
  tui: boolean;
  /** The run's stop (finish in-flight calls) and abort (cancel them) controllers; the TUI's keys use them. */
  stop: AbortController;
  abort: AbortController;
  /** Suite label for the TUI's title. */
  title: string;
  /** Where the run is shown; default process.stdout. Only a TTY stream (a real terminal) gets the TUI. */
  stdout?: OutputStream;
  /** Where the plain reporter's progress lines and UI warnings go; default process.stderr. */
  stderr?: OutputStream;
  env?: Readonly<Record<string, string | undefined>>;
  /** Show the TUI only once the run has lasted this long, ms; default {@link TUI_DELAY_MS}. */
  delayMs?: number;
}

/** The part of a terminal stream the reporters use (the CLI passes its io's streams). */
export interface OutputStream {
  write(text: string): void;
  isTTY?: boolean;
}

/** Runs shorter than this never load the TUI: they show their summary only, as the plain log would. */
export const TUI_DELAY_MS = 250;

export interface Reporter {
  listener: RunListener;
  /** Whether the TUI is used (keys work once it shows; nothing else should write to the terminal meanwhile). */
  interactive: boolean;
  /** For runSuite: the TUI's `p` holds dispatch through it. */
  pause: PauseSwitch;
  /** Runs `work`, then takes the UI down (restoring the terminal) whether it succeeded or threw. */
  during<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * True when the TUI should be used: an interactive stdout, no `--no-tui`, not in CI, and a terminal that can move
 * its cursor (`TERM=dumb`, as in Emacs shells, cannot redraw a frame).
 */
export function wantsTui(tui: boolean, stdout: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return tui && stdout.isTTY === true && !isCi(env) && env['TERM'] !== 'dumb';
}

/** The test Ink itself applies (is-in-ci), so we never pick the TUI where Ink would print only a last frame. */
function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['CI'] === '0' || env['CI'] === 'false') return false;
  return 'CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((key) => key.startsWith('CI_'));
}

export async function startReporter(options: ReporterOptions): Promise<Reporter> {
  const pause = createPauseSwitch();
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  if (!wantsTui(options.tui, stdout, env)) {
    return { listener: createPlainReporter({ write: (line) => stderr.write(`${line}\n`) }), interactive: false, pause, during: (work) => work() };
  }
  // Only a terminal gets here (isTTY), and Ink needs the whole stream: a terminal stream is a WriteStream.
  const terminal = stdout as NodeJS.WriteStream;
  // The run starts at once and events fold from the first one. Ink takes a few hundred ms to import, so it is
  // loaded only once the run has lasted `delayMs` (a cached re-run is over before that and never pays for it),
  // then mounts and shows the state so far.
  const live = createLiveRun({ pause });
  const controls = { pause, stop: options.stop, abort: options.abort };
  let tui: MountedTui | undefined;
  let finished = false;
  const timer = setTimeout(() => {
    loadTui().then(
      ({ mountTui }) => {
        // A run that ended while Ink was loading goes straight to its summary: no frame after it.
        if (!finished) tui = mountTui({ controls, title: options.title, stdout: terminal, live, color: colourAllowed(env) });
      },
      (error: unknown) => {
        stderr.write(`llmlab: the terminal UI failed to load (${messageOf(error)}); the run goes on without it\n`);
      },
    );
  }, options.delayMs ?? TUI_DELAY_MS);
  return {
    listener: live.listener,
    interactive: true,
    pause,
    async during(work) {
      try {
        return await work();
      } finally {
        finished = true;
        clearTimeout(timer);
        await tui?.unmount();
        live.close();
      }
    },
  };
}

/**
 * Imports the TUI with React's production build. React picks its build from NODE_ENV when first loaded, and an
 * unset NODE_ENV means the development build, several times slower per render: the TUI must not slow the run.
 * The change lasts only while loading, so a user's providers and metrics never see it; a NODE_ENV the user set
 * is left alone.
 */
export async function loadTui(): Promise<typeof import('./mount-tui.js')> {
  if (process.env['NODE_ENV'] !== undefined) return import('./mount-tui.js');
  process.env['NODE_ENV'] = 'production';
  try {
    return await import('./mount-tui.js');
  } finally {
    delete process.env['NODE_ENV'];
  }
}
