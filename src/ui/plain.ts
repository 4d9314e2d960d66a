/**
 * The plain reporter for CI logs, `--no-tui` and non-TTY output: a start line, a progress line per N % of the
 * cells (default 10) or per 10 s (whichever comes first — a timer, so a slow run still shows it is alive),
 * retries in brief, and nothing that needs a terminal.
 */
import type { RunListener } from '../engine/events.js';
import type { StageEvent } from '../types.js';
// The reports' one money format: the log and the summary under it print the same figure.
import { formatUsd as usd } from '../report/shared.js';

export interface PlainReporterOptions {
  write?: (line: string) => void;
  /** Print progress at least this often while cells are running, ms. */
  intervalMs?: number;
  /** Print a progress line each time this percentage of the cells is done; default 10. */
  stepPercent?: number;
  /** No progress lines during a run's first `quietMs` ms. */
  quietMs?: number;
}

export function createPlainReporter(options: PlainReporterOptions = {}): RunListener {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const intervalMs = options.intervalMs ?? 10_000;
  const quietMs = options.quietMs ?? 1000;
  const stepFraction = Math.min(Math.max(options.stepPercent ?? 10, 1), 100) / 100;
  let total = 0;
  let done = 0;
  let failed = 0;
  let errors = 0;
  let nextStep = 0;
  let lastPrint = 0;
  let started = 0;
  let resumed = 0;
  let retries = 0;
  let lastRetryPrint = -Infinity;
  // The last line printed per tuned model: a poll that changed nothing prints nothing.
  const stageLines = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;

  const progress = () => {
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? ((done - resumed) / secs).toFixed(1) : '0';
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    write(`  ${done}/${total} cells (${percent}%)  ${failed} failed  ${errors} errors  ${rate} cells/s`);
    lastPrint = performance.now();
  };

  /** The cell count at which the next N % line is due. */
  const stepAfter = (count: number) => {
    const step = total * stepFraction;
    return step > 0 ? (Math.floor(count / step + 1e-9) + 1) * step : Infinity;
  };

  return (event) => {
    switch (event.type) {
      case 'run-start':
        total = event.totalCells;
        done = resumed = event.doneCells;
        // A resumed run's failures so far are the earlier attempts' (their errors are re-run, so none is left).
        failed = (event.earlier ?? []).reduce((n, t) => n + t.failed, 0);
        errors = 0;
        started = lastPrint = performance.now();
        nextStep = stepAfter(done);
        clearInterval(timer);
        timer = setInterval(() => {
          if (performance.now() - lastPrint >= intervalMs) progress();
        }, Math.min(intervalMs, 1000));
        // A log line is never a reason to keep the process alive.
        timer.unref();
        write(
          `run ${event.runId}: ${total} cells${event.doneCells > 0 ? ` (${event.doneCells} already done, resuming)` : ''}`,
        );
        return;
      case 'node-end':
        done++;
        if (event.cell.status === 'fail') failed++;
        if (event.cell.status === 'error') errors++;
        if (done >= nextStep || performance.now() - lastPrint >= intervalMs) {
          nextStep = stepAfter(done);
          // A run that finishes within a second needs no progress, only its final line.
          if (done < total && performance.now() - started >= quietMs) progress();
        }
        return;
      case 'retry':
        retries++;
        // A storm of 429s would flood a CI log; one line a second says enough.
        if (performance.now() - lastRetryPrint > 1000) {
          write(`  retrying ${event.providerId} in ${event.delayMs} ms (${event.reason}); ${retries} retries so far`);
          lastRetryPrint = performance.now();
        }
        return;
      case 'budget':
        // Updates come with every call; a log wants only the alert and the stop.
        if (event.level === 'alert') write(`  budget: ${usd(event.spentUsd)} of ${usd(event.limitUsd)} spent (${Math.round((event.spentUsd / event.limitUsd) * 100)}%)`);
        if (event.level === 'stop') {
          write(`  budget: ${event.scope && event.scope !== 'run' ? `${event.scope} reached its limit` : 'limit reached'}; no further calls start (${usd(event.spentUsd)} spent)`);
        }
        return;
      case 'stage': {
        // Progress repeats itself at every poll: a log wants a line when something changed.
        const line = stageLine(event);
        if (event.status === 'progress' && stageLines.get(event.label) === line) return;
        stageLines.set(event.label, line);
        write(line);
        return;
      }
      case 'run-end':
        clearInterval(timer);
        timer = undefined;
        progress();
        write(`run ${event.runId} ${event.status} in ${duration(event.durationMs)}`);
        return;
      default:
        return;
    }
  };
}

/** One line of a fine-tune stage: `  finetune:x train running (ftjob-1) · 12,000 tokens: message`. */
export function stageLine(event: StageEvent): string {
  const status = event.status === 'progress' ? (event.jobStatus ?? 'running') : event.status;
  const job = event.jobId ? ` (${event.jobId})` : '';
  const tokens = event.trainedTokens ? ` · ${event.trainedTokens.toLocaleString('en-US')} tokens` : '';
  return `  ${event.label} ${event.stage} ${status}${job}${tokens}${event.message ? `: ${event.message}` : ''}`;
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
