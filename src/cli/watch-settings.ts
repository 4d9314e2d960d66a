/**
 * The `llmlab eval` flags as watch mode reads them, checked once before the first run: every flag of a plain eval
 * works per re-run, except `--resume` (each save starts a new run), which is refused with a hint.
 */
import { LlmlabError } from '../errors.js';
import { parseBudgetUsd } from './budget-line.js';
import { list, positiveInt } from './context.js';
import { checkOutputs, openOutputStream } from './outputs.js';

/** The eval flags watch mode reads (cac's parse of `llmlab eval … --watch`). */
export interface WatchFlags {
  concurrency?: string;
  output?: string | string[];
  repeat?: string;
  resume?: boolean | string;
  cache: boolean;
  db?: string;
  /** Resolved once, before the first run: every re-run is compared with the same run. */
  baseline?: string;
  /** Restarted at each run: the file holds the latest run's cells. */
  outputStream?: string;
  /** Per re-run: each save starts over with the whole budget. */
  budgetUsd?: string;
  estimate?: boolean;
  allowCodeExecution?: boolean;
  unsafeCodeExecution?: boolean;
  /** `--wide`: every column of the summary table, however narrow the terminal. */
  wide?: boolean;
}

/** What each re-run of a watch session is given. */
export interface WatchSettings {
  /** `-o` files, rewritten after each run. */
  outputs: string[];
  outputStream?: string;
  /** `-j`; the project's `concurrency` (re-read on every run) when unset. */
  concurrency?: number;
  repeat?: number;
  budgetUsd?: number;
  estimate: boolean;
  /** False for `--no-cache`: only answers made during this session are read. */
  cache: boolean;
  allowCodeExecution: boolean;
  /** `--unsafe-code-execution`: allows code execution, with the weak sandbox where bubblewrap cannot run. */
  unsafeCodeExecution: boolean;
}

/** Parses and checks the flags; a USAGE error (exit 2) before anything runs. */
export function watchSettings(flags: WatchFlags, cwd: string): WatchSettings {
  if (flags.resume !== undefined && flags.resume !== false) {
    throw new LlmlabError('USAGE', '--watch cannot be combined with --resume', {
      hint: 'watch mode starts a new run per change; resume an interrupted run without --watch (`llmlab eval <suite> --resume`)',
    });
  }
  const outputs = list(flags.output);
  checkOutputs(outputs);
  const concurrency = positiveInt(flags.concurrency, '--concurrency');
  const repeat = positiveInt(flags.repeat, '--repeat');
  const budgetUsd = parseBudgetUsd(flags.budgetUsd);
  const outputStream = checkOutputStream(flags.outputStream, cwd);
  return {
    outputs,
    ...(outputStream === undefined ? {} : { outputStream }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(repeat === undefined ? {} : { repeat }),
    ...(budgetUsd === undefined ? {} : { budgetUsd }),
    estimate: flags.estimate === true,
    cache: flags.cache !== false,
    allowCodeExecution: flags.allowCodeExecution === true || flags.unsafeCodeExecution === true,
    unsafeCodeExecution: flags.unsafeCodeExecution === true,
  };
}

/** Opens (and so creates) the stream file once, so a bad path fails now rather than on the first run. */
function checkOutputStream(path: unknown, cwd: string): string | undefined {
  const stream = openOutputStream(path, false, cwd);
  if (!stream) return undefined;
  stream.close();
  return path as string;
}
