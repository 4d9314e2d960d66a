/** @jsxRuntime automatic @jsxImportSource react */
/**
 * The bottom line: which keys do what, or what a stop is waiting for; once the run is over, how to open its
 * report (the last frame stays in the scrollback, so the hint is still there after the summary).
 */
import { Paint } from './paint.js';

export interface KeyHintsProps {
  paused: boolean;
  stopping: boolean;
  showFailures: boolean;
  inFlight: number;
  finished: boolean;
  /** The run's id, for the report hint of the final frame. */
  runId?: string;
  width: number;
}

export function KeyHints({ paused, stopping, showFailures, inFlight, finished, runId, width }: KeyHintsProps) {
  if (finished) return runId ? <Paint wrap="truncate-end">{reportHint(runId, width)}</Paint> : null;
  if (stopping) {
    return (
      <Paint color="yellow" wrap="truncate-end">
        stopping: finishing {inFlight} call{inFlight === 1 ? '' : 's'} in flight and saving (Ctrl-C again to cancel them)
      </Paint>
    );
  }
  return (
    <Paint dimColor wrap="truncate-end">
      q stop · p {paused ? 'resume' : 'pause'} · f {showFailures ? 'back' : 'failures'}
      {paused ? ` · paused: ${inFlight} in flight finishing, no new calls` : ''}
    </Paint>
  );
}

/** `open the report: llmlab report <id> -o report.html`, or the bare command when that does not fit. */
export function reportHint(runId: string, width: number): string {
  const command = `llmlab report ${runId} -o report.html`;
  const hint = `open the report: ${command}`;
  return hint.length <= width ? hint : command;
}
