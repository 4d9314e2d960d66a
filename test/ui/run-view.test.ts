/**
 * The frame budget: at any terminal size every line fits the width (no wrapping) and the frame stays below the
 * height (Ink never clears the screen), with the header, progress and cost always on it.
 */
import { createElement } from 'react';
import stringWidth from 'string-width';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { planDashboard } from '../../src/ui/frame-budget.js';
import { createRunState, reduceRun } from '../../src/ui/run-state.js';
import { RunView } from '../../src/ui/run-view.js';
import { toViewModel, type ViewModel } from '../../src/ui/view-model.js';
import type { RunEvent } from '../../src/types.js';
import { cell, nodeEnd, nodeStart } from './events.js';

afterEach(() => cleanup());

/** A busy run: 6 providers × 4 prompts, a dozen failures with long reasons, 1,234 of 20,000 cells done. */
function busyRun(): ViewModel {
  const events: RunEvent[] = [{ type: 'run-start', runId: '20261207-001512-9f3a', suitePath: '/suites/s.yaml', totalCells: 20_000, doneCells: 0 }];
  for (let i = 0; i < 1234; i++) {
    const provider = `openai:gpt-4o-mini-with-a-long-label-${i % 6}`;
    const c = cell({
      status: i % 100 === 0 ? 'fail' : 'pass',
      providerLabel: provider,
      providerId: provider,
      promptId: `prompt-${i % 4}`,
      usage: { input: 12_345, output: 6789, total: 19_134 },
      cost: 1.2345,
      error: i % 100 === 0 ? `the model answered something long that does not fit ${'x'.repeat(80)}` : undefined,
    });
    events.push(nodeStart(c), nodeEnd(c));
  }
  const state = events.reduce((s, e, i) => reduceRun(s, e, i), createRunState());
  return toViewModel(state, 5000);
}

function frame(vm: ViewModel, columns: number, rows: number, showFailures = false): string[] {
  const app = render(
    createElement(RunView, { vm, title: 'suites/a-rather-long-suite-name.yaml', paused: false, stopping: false, showFailures, width: columns, height: rows }),
  );
  return (app.lastFrame() ?? '').split('\n');
}

describe('the frame budget', () => {
  for (const [columns, rows] of [
    [80, 24],
    [80, 14],
    [50, 30],
    [120, 10],
  ] as const) {
    it(`fits ${columns}×${rows}: no line wider, fewer lines than rows, header and cost shown`, () => {
      for (const showFailures of [false, true]) {
        const lines = frame(busyRun(), columns, rows, showFailures);
        expect(lines.length).toBeLessThan(rows);
        for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(columns);
        expect(lines[0]).toMatch(/^llmlab suites\/\S+ run 20261207-001512-9f3a/);
        expect(lines[1]).toMatch(/1,234\/20,000 cells 6\.2%/);
        expect(lines.join('\n')).toMatch(/13 failed .*cost \$1,?523\.37/);
        expect(lines.at(-1)).toMatch(/^q stop · p pause · f (failures|back)/);
      }
    });
  }

  it('shows fine-tune stage lines before the providers, at most four, and drops providers for them', () => {
    expect(planDashboard({ providers: 6, passRates: 0, failures: 0, budget: false, stages: 2 }, 14)).toMatchObject({ stages: 2, providers: 6 });
    expect(planDashboard({ providers: 6, passRates: 0, failures: 0, budget: false, stages: 9 }, 12)).toMatchObject({ stages: 4, providers: 2 });
  });

  it('drops the failures first, then pass rates, then providers, and says how many rows it left out', () => {
    const lines = frame(busyRun(), 80, 16).join('\n');
    expect(lines).toMatch(/provider\s+in flight/);
    expect(lines).not.toContain('last failures');
    expect(lines).toMatch(/prompt-1 × .*\n {2}… 10 more\n/);
    expect(planDashboard({ providers: 6, passRates: 24, failures: 3, budget: false }, 14)).toEqual({
      providers: 6,
      passRates: 1,
      failures: 0,
      stages: 0,
      gaps: [false, false, false],
    });
    expect(planDashboard({ providers: 6, passRates: 24, failures: 3, budget: true }, 11)).toMatchObject({ providers: 4, passRates: 0 });
    expect(planDashboard({ providers: 2, passRates: 2, failures: 1, budget: false }, 40)).toEqual({
      providers: 2,
      passRates: 2,
      failures: 1,
      stages: 0,
      gaps: [true, true, true],
    });
  });

  it('keeps the columns that matter on a narrow terminal rather than wrapping', () => {
    const lines = frame(busyRun(), 50, 30);
    expect(lines.join('\n')).toMatch(/provider\s+in flight\s+done\s+errors\n/);
    expect(lines.join('\n')).toMatch(/prompt-0 × open…\s+\d+\.\d% \[/);
  });

  it('counts a resumed run\'s earlier failures in the failures view without listing them', () => {
    const resumed: RunEvent = {
      type: 'run-start', runId: 'r1', suitePath: '/s.yaml', totalCells: 10, doneCells: 4,
      earlier: [{ promptId: 'p', providerId: 'echo', providerLabel: 'echo', passed: 1, failed: 3, inputTokens: 0, outputTokens: 0, cost: 0, cachedCells: 0 }],
    };
    const vm = toViewModel(reduceRun(createRunState(), resumed, 0), 0);
    const view = frame(vm, 80, 24, true).join('\n');
    expect(view).toMatch(/1 passed\s+3 failed/);
    expect(view).toContain('failures (3 in all, none in this attempt)');
    expect(frame(vm, 80, 24).join('\n')).not.toContain('last failures');
  });
});
