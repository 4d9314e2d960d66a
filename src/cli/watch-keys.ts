/**
 * The keys of watch mode on an interactive terminal (raw mode, where Ctrl-C is a key, not a signal): `a` re-runs
 * every cell, `f` the cells that failed, `q` or Ctrl-C quits. SIGINT / SIGTERM / SIGHUP quit everywhere.
 */

/** What each key does. */
export interface WatchKeyActions {
  quit(): void;
  /** `a`: every cell again, answers fresh from the models. */
  all(): void;
  /** `f`: the cells that failed or errored in the last run shown, answers fresh. */
  failing(): void;
}

/** The part of a terminal's input stream the keys need (process.stdin, or a test's stand-in). */
export interface KeyInput {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(event: 'data', listener: (data: Buffer | string) => void): unknown;
  off(event: 'data', listener: (data: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface WatchKeys {
  /** True when keys are read (an interactive terminal): only then are the key hints shown. */
  readonly live: boolean;
  stop(): void;
}

export function onKeys(actions: WatchKeyActions, stdin: KeyInput = process.stdin): WatchKeys {
  const onData = (data: Buffer | string) => {
    for (const key of data.toString()) {
      // A quit ends the session: keys pasted after it in the same chunk do nothing.
      if (key === 'q' || key === '\u0003') return actions.quit();
      if (key === 'a') actions.all();
      else if (key === 'f') actions.failing();
    }
  };
  const quit = () => actions.quit();
  const live = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (live) {
    stdin.setRawMode!(true);
    stdin.on('data', onData);
    stdin.resume();
  }
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  process.on('SIGHUP', quit);
  return {
    live,
    stop() {
      process.off('SIGINT', quit);
      process.off('SIGTERM', quit);
      process.off('SIGHUP', quit);
      if (live) {
        stdin.off('data', onData);
        stdin.setRawMode!(false);
        stdin.pause();
      }
    },
  };
}
