/** Builds RunEvents and CellResults for the UI tests. */
import type { CellResult, CellStatus, RunEvent } from '../../src/types.js';

let next = 0;

export function cell(overrides: Partial<CellResult> & { status: CellStatus }): CellResult {
  next++;
  return {
    cellId: `c${next}`,
    providerId: 'openai:gpt-4o-mini',
    providerLabel: 'openai:gpt-4o-mini',
    promptId: 'greeting',
    testId: `t${next}`,
    testIndex: next,
    repeatIndex: 0,
    vars: {},
    prompt: 'hi',
    output: 'hello',
    score: overrides.status === 'pass' ? 1 : 0,
    assertions: [],
    latencyMs: 100,
    usage: { input: 10, output: 5, total: 15 },
    cost: 0.001,
    cached: false,
    ...overrides,
  };
}

export const start = (totalCells: number, doneCells = 0): RunEvent => ({
  type: 'run-start',
  runId: 'r1',
  suitePath: '/suites/s.yaml',
  totalCells,
  doneCells,
});

export const nodeStart = (c: CellResult): RunEvent => ({
  type: 'node-start',
  cellId: c.cellId,
  providerId: c.providerId,
  providerLabel: c.providerLabel,
});

export const nodeEnd = (c: CellResult): RunEvent => ({ type: 'node-end', cell: c });

export const retry = (c: CellResult, delayMs: number, attempt = 1): RunEvent => ({
  type: 'retry',
  cellId: c.cellId,
  providerId: c.providerId,
  attempt,
  delayMs,
  reason: 'HTTP 429: rate limited',
});

export const end = (status: 'completed' | 'interrupted' = 'completed'): RunEvent => ({
  type: 'run-end',
  runId: 'r1',
  status,
  durationMs: 1234,
});
