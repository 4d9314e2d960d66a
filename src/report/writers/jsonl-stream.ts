/**
 * `llmlab eval --output-stream file.jsonl`: each cell is written as a JSON line the moment it finishes. Each line is
 * one write(2), so a crash or kill keeps every line written before it; the file is fsynced at each run's end, so
 * a finished run's lines also survive a power loss.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent } from '../../types.js';
import { jsonLine } from './jsonl.js';
import { writeChunked } from './write-chunked.js';

export interface JsonlStream {
  /** Subscribe this to a run's events. */
  listener(event: RunEvent): void;
  /**
   * Replaces the file's contents with `lines`, atomically, and appends from there on. A resumed run restarts its
   * stream from the cells the store holds: lines of cells a killed attempt streamed but never stored (the store
   * batches its writes) would otherwise appear twice once those cells run again.
   */
  reset(lines: Iterable<string>): void;
  /** Fsyncs and closes the file. */
  close(): void;
}

/**
 * Opens `path` for streaming: truncated for a new run, appended to with `append` (a resumed run continues its
 * stream, after a {@link JsonlStream.reset} to what the store holds).
 */
export function openJsonlStream(path: string, options: { append?: boolean } = {}): JsonlStream {
  mkdirSync(dirname(path), { recursive: true });
  let fd = openSync(path, options.append ? 'a' : 'w');
  let open = true;
  return {
    listener(event) {
      if (!open) return;
      if (event.type === 'node-end') writeSync(fd, jsonLine(event.cell));
      else if (event.type === 'run-end') fsyncSync(fd);
    },
    reset(lines) {
      if (!open) return;
      closeSync(fd);
      try {
        writeChunked(path, lines);
      } finally {
        // Reopened even when the rewrite failed: the old file is still whole (the write is atomic).
        fd = openSync(path, 'a');
      }
    },
    close() {
      if (!open) return;
      open = false;
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
