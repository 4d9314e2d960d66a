import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CellResult } from '../../src/types.js';
import { createPlainReporter } from '../../src/ui/plain.js';

const cell = (status: CellResult['status']) => ({ status }) as CellResult;

describe('plain reporter', () => {
  afterEach(() => vi.useRealTimers());

  it('prints a start line, a line per 10 % of progress, and the end', () => {
    const lines: string[] = [];
    const report = createPlainReporter({ write: (l) => lines.push(l), intervalMs: 60_000, quietMs: 0 });
    report({ type: 'run-start', runId: 'r1', suitePath: '/s', totalCells: 100, doneCells: 0 });
    for (let i = 0; i < 100; i++) report({ type: 'node-end', cell: cell(i % 10 === 0 ? 'fail' : 'pass') });
    report({ type: 'run-end', runId: 'r1', status: 'completed', durationMs: 1234 });
    expect(lines[0]).toBe('run r1: 100 cells');
    const progress = lines.filter((l) => l.includes('cells ('));
    expect(progress).toHaveLength(10); // 10 %, …, 90 % and the final line
    expect(progress.at(-1)).toMatch(/100\/100 cells \(100%\)\s+10 failed\s+0 errors/);
    expect(lines.at(-1)).toBe('run r1 completed in 1.2 s');
  });

  it('takes the step as a percentage, counting from where a resumed run starts', () => {
    const lines: string[] = [];
    const report = createPlainReporter({ write: (l) => lines.push(l), intervalMs: 60_000, quietMs: 0, stepPercent: 25 });
    report({ type: 'run-start', runId: 'r1', suitePath: '/s', totalCells: 40, doneCells: 12 });
    for (let i = 0; i < 28; i++) report({ type: 'node-end', cell: cell('pass') });
    report({ type: 'run-end', runId: 'r1', status: 'completed', durationMs: 10 });
    const progress = lines.filter((l) => l.includes('/40 cells ('));
    expect(progress.map((l) => /(\d+)\/40/.exec(l)![1])).toEqual(['20', '30', '40']);
  });

  it('prints progress on a timer when cells are slow, and stops the timer at the end', () => {
    // Fake timers and clock: the 40 ms ticks below happen exactly, however loaded the machine.
    vi.useFakeTimers();
    const lines: string[] = [];
    const report = createPlainReporter({ write: (l) => lines.push(l), intervalMs: 40, quietMs: 0 });
    report({ type: 'run-start', runId: 'r1', suitePath: '/s', totalCells: 1000, doneCells: 0 });
    report({ type: 'node-end', cell: cell('pass') });
    vi.advanceTimersByTime(150);
    const ticks = lines.filter((l) => l.includes('1/1000 cells (0%)'));
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    report({ type: 'run-end', runId: 'r1', status: 'interrupted', durationMs: 150 });
    const count = lines.length;
    vi.advanceTimersByTime(120);
    expect(lines).toHaveLength(count);
    expect(lines.at(-1)).toBe('run r1 interrupted in 150 ms');
  });

  it('stays quiet during the first second of a fast run', () => {
    const lines: string[] = [];
    const report = createPlainReporter({ write: (l) => lines.push(l) });
    report({ type: 'run-start', runId: 'r1', suitePath: '/s', totalCells: 100, doneCells: 0 });
    for (let i = 0; i < 100; i++) report({ type: 'node-end', cell: cell('pass') });
    report({ type: 'run-end', runId: 'r1', status: 'completed', durationMs: 20 });
    expect(lines.filter((l) => l.includes('cells ('))).toHaveLength(1);
  });

  it('says when it resumes, and rate-limits retry lines', () => {
    const lines: string[] = [];
    const report = createPlainReporter({ write: (l) => lines.push(l) });
    report({ type: 'run-start', runId: 'r2', suitePath: '/s', totalCells: 10, doneCells: 4 });
    for (let i = 0; i < 50; i++) report({ type: 'retry', cellId: 'c', providerId: 'openai:x', attempt: 1, delayMs: 100, reason: 'HTTP 429' });
    report({ type: 'run-end', runId: 'r2', status: 'completed', durationMs: 5 });
    expect(lines[0]).toBe('run r2: 10 cells (4 already done, resuming)');
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(1);
  });

  it('counts a resumed run\'s earlier failures in its progress lines', () => {
    const lines: string[] = [];
    const report = createPlainReporter({ write: (l) => lines.push(l), intervalMs: 60_000, quietMs: 0, stepPercent: 50 });
    const earlier = [{ promptId: 'p', providerId: 'echo', providerLabel: 'echo', passed: 1, failed: 3, inputTokens: 0, outputTokens: 0, cost: 0, cachedCells: 0 }];
    report({ type: 'run-start', runId: 'r3', suitePath: '/s', totalCells: 10, doneCells: 4, earlier });
    report({ type: 'node-end', cell: cell('pass') });
    expect(lines.at(-1)).toMatch(/^ {2}5\/10 cells \(50%\) {2}3 failed {2}0 errors/);
    report({ type: 'run-end', runId: 'r3', status: 'completed', durationMs: 5 });
  });
});
