/** The budget's events in the UIs: the reducer's meter, the view model's fraction, the plain log's two lines. */
import { describe, expect, it } from 'vitest';
import { createPlainReporter } from '../../src/ui/plain.js';
import { createRunState, reduceRun } from '../../src/ui/run-state.js';
import { toViewModel } from '../../src/ui/view-model.js';
import type { RunEvent } from '../../src/types.js';

const events: RunEvent[] = [
  { type: 'run-start', runId: 'r', suitePath: '/s.yaml', totalCells: 10, doneCells: 0 },
  { type: 'budget', level: 'update', spentUsd: 0, limitUsd: 5 },
  { type: 'budget', level: 'update', spentUsd: 4.1, limitUsd: 5 },
  { type: 'budget', level: 'alert', spentUsd: 4.1, limitUsd: 5 },
  { type: 'budget', level: 'update', spentUsd: 4.9, limitUsd: 5 },
  { type: 'budget', level: 'stop', spentUsd: 4.9, limitUsd: 5, scope: 'run' },
];

describe('budget in the UIs', () => {
  it('folds into a meter that remembers the alert and the stop', () => {
    let state = createRunState();
    expect(toViewModel(state, 0).budget).toBeNull();
    state = reduceRun(state, events[0]!, 0);
    state = reduceRun(state, events[1]!, 1);
    expect(toViewModel(state, 1).budget).toMatchObject({ spentUsd: 0, fraction: 0, alerted: false, stopped: false });
    for (const event of events.slice(2)) state = reduceRun(state, event, 2);
    expect(toViewModel(state, 2).budget).toEqual({ spentUsd: 4.9, limitUsd: 5, fraction: expect.closeTo(0.98, 12), alerted: true, stopped: true, stoppedScope: 'run' });
  });

  it('prints the alert and the stop in the plain log, not every update', () => {
    const lines: string[] = [];
    const listener = createPlainReporter({ write: (line) => lines.push(line) });
    for (const event of events) listener(event);
    listener({ type: 'run-end', runId: 'r', status: 'interrupted', durationMs: 5 });
    expect(lines.filter((l) => l.includes('budget'))).toEqual([
      '  budget: $4.10 of $5.00 spent (82%)',
      '  budget: limit reached; no further calls start ($4.90 spent)',
    ]);
  });
});
