/**
 * JSON Lines: one cell per line, the same cell objects as the JSON report's `cells`. Written from the store
 * (`-o run.jsonl`) or live, as each cell finishes (`llmlab eval --output-stream`, see ./jsonl-stream.ts).
 */
import type { RunRecord, Store } from '../../store/index.js';
import type { CellResult } from '../../types.js';
import { writeChunked } from './write-chunked.js';

/** Writes every cell of `run` to `path`, one JSON object per line. */
export function writeJsonlReport(path: string, store: Store, run: RunRecord): void {
  writeChunked(path, (function* () {
    for (const cell of store.results.iterate(run.id)) yield jsonLine(cell);
  })());
}

/**
 * A cell as one line, keys in the order the store reads them back, so a line streamed during the run and the same
 * cell re-read from the store serialise alike.
 */
export function jsonLine(cell: CellResult): string {
  const ordered: CellResult = {
    cellId: cell.cellId,
    providerId: cell.providerId,
    providerLabel: cell.providerLabel,
    promptId: cell.promptId,
    testId: cell.testId,
    testIndex: cell.testIndex,
    repeatIndex: cell.repeatIndex,
    description: cell.description,
    vars: cell.vars,
    prompt: cell.prompt,
    output: cell.output,
    toolCalls: cell.toolCalls,
    status: cell.status,
    score: cell.score,
    assertions: cell.assertions,
    latencyMs: cell.latencyMs,
    usage: cell.usage,
    cost: cell.cost,
    cached: cell.cached,
    finishReason: cell.finishReason,
    error: cell.error,
    cluster: cell.cluster,
    attack: cell.attack,
  };
  // Fields added to CellResult later still get written, after the known ones.
  return `${JSON.stringify({ ...ordered, ...cell })}\n`;
}
