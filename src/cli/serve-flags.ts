/** What the two serving commands (`llmlab gateway`, `llmlab view`) share: the `--port` flag and staying up until a signal. */
import { LlmlabError } from '../errors.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** `--port` as a number (0 = any free port), `fallback` when absent. */
export function portOf(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new LlmlabError('USAGE', `--port must be a whole number from 0 to 65535, not \`${value}\``, { hint: '0 picks a free port' });
  }
  return port;
}

/** Resolves on the first SIGINT, SIGTERM or SIGHUP (and stops listening for them). */
export function untilStopped(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      for (const signal of STOP_SIGNALS) process.off(signal, stop);
      done();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
  });
}
