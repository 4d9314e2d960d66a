import { describe, expect, it } from 'vitest';
import type { CellResult } from '../../src/types.js';
import { createPlainReporter } from '../../src/ui/plain.js';

const cell = (status: CellResult['status']) => ({ status }) as CellResult;

describe('plain reporter', () => {
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

  it('says when it resumes, and rate-limits retry lines', () => {
    const lines: string[] = [];
    const report = createPlainReporter({ write: (l) => lines.push(l) });
    report({ type: 'run-start', runId: 'r2', suitePath: '/s', totalCells: 10, doneCells: 4 });
    for (let i = 0; i < 50; i++) report({ type: 'retry', cellId: 'c', providerId: 'openai:x', attempt: 1, delayMs: 100, reason: 'HTTP 429' });
    expect(lines[0]).toBe('run r2: 10 cells (4 already done, resuming)');
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(1);
  });
});
