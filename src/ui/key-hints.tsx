/** @jsxRuntime automatic @jsxImportSource react */
/** The bottom line: which keys do what, or what a stop is waiting for. */
import { Text } from 'ink';

export interface KeyHintsProps {
  paused: boolean;
  stopping: boolean;
  showFailures: boolean;
  inFlight: number;
  finished: boolean;
}

export function KeyHints({ paused, stopping, showFailures, inFlight, finished }: KeyHintsProps) {
  if (finished) return null;
  if (stopping) {
    return (
      <Text color="yellow">
        stopping: finishing {inFlight} call{inFlight === 1 ? '' : 's'} in flight and saving (Ctrl-C again to cancel them)
      </Text>
    );
  }
  return (
    <Text dimColor>
      q stop · p {paused ? 'resume' : 'pause'} · f {showFailures ? 'back' : 'failures'}
      {paused ? ` · paused: ${inFlight} in flight finishing, no new calls` : ''}
    </Text>
  );
}
