import { createElement } from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLiveRun, type LiveRun } from '../../src/ui/live-run.js';
import { createPauseSwitch } from '../../src/ui/pause-gate.js';
import { TuiApp, type RunControls } from '../../src/ui/tui-app.js';
import { cell, end, nodeEnd, nodeStart, retry, start } from './events.js';

let lives: LiveRun[] = [];
afterEach(() => {
  vi.useRealTimers();
  cleanup();
  for (const live of lives) live.close();
  lives = [];
});

function mount(options: { intervalMs?: number } = {}) {
  const live = createLiveRun({ intervalMs: options.intervalMs ?? 20 });
  lives.push(live);
  const controls: RunControls = { pause: createPauseSwitch(), stop: new AbortController(), abort: new AbortController() };
  let renders = 0;
  const app = render(createElement(TuiApp, { live, controls, title: 'suites/s.yaml', onRender: () => renders++ }));
  /**
   * Polls until the last frame passes `check` and returns it: a frame follows the throttle's timer (20 ms here)
   * and React's commit, after however long a loaded machine takes.
   */
  const frameWhere = async (check: (frame: string) => boolean): Promise<string> => {
    await vi.waitFor(
      () => {
        if (!check(app.lastFrame() ?? '')) throw new Error(`no such frame yet; last frame:\n${app.lastFrame()}`);
      },
      { timeout: 4000, interval: 5 },
    );
    return app.lastFrame()!;
  };
  return { app, live, controls, renders: () => renders, frameWhere };
}

describe('TUI', () => {
  it('shows progress, one line per provider, pass rates and totals', async () => {
    const { live, frameWhere } = mount();
    const a = cell({ status: 'pass', latencyMs: 120 });
    const b = cell({ status: 'fail', latencyMs: 300, assertions: [{ type: 'contains', metric: 'contains', pass: false, score: 0, weight: 1, reason: 'expected "x"' }] });
    const c = cell({ status: 'pass', providerLabel: 'claude', providerId: 'anthropic:claude-3-5-haiku', cost: 0.02 });
    const slow = cell({ status: 'pass', providerLabel: 'claude', providerId: 'anthropic:claude-3-5-haiku' });
    for (const event of [start(8), nodeStart(a), nodeStart(b), nodeStart(c), nodeStart(slow), nodeEnd(a), nodeEnd(b), nodeEnd(c), retry(slow, 60_000)]) {
      live.listener(event);
    }
    const screen = await frameWhere((f) => f.includes('3/8 cells'));
    expect(screen).toContain('suites/s.yaml');
    expect(screen).toMatch(/3\/8 cells 37\.5%/);
    expect(screen).toMatch(/cells\/s\s+ETA/);
    expect(screen).toMatch(/provider\s+in flight\s+done\s+errors\s+waiting\s+retries\s+p50/);
    // openai: nothing in flight, 2 done, 0 errors, 0 waiting, 0 retries, p50 of 120 and 300 (nearest rank) = 120 ms.
    expect(screen).toMatch(/openai:gpt-4o-mini\s+0\s+2\s+0\s+0\s+0\s+120 ms/);
    // claude: the retried cell waits out its backoff.
    expect(screen).toMatch(/claude\s+0\s+1\s+0\s+1\s+1\s+100 ms/);
    expect(screen).toMatch(/greeting × openai:gpt-4o-mini\s+50\.0% \[9\.5-90\.5\]\s+2/);
    expect(screen).toMatch(/greeting × claude\s+100\.0% \[20\.7-100\.0\]\s+1/);
    // Cost before tokens (an 80-column terminal keeps it), in the reports' money format: $0.022, not $0.0220.
    expect(screen).toMatch(/2 passed\s+1 failed\s+0 errors\s+cost \$0\.022\s+tokens 45 \(in 30, out 15\)\s+cached 0/);
    expect(screen).toMatch(/last failures \(1 in all\)\n\s+✗ greeting × openai:gpt-4o-mini\s+t\d+\s+contains: expected "x"/);
    expect(screen).toContain('q stop · p pause · f failures');
  });

  it('toggles a failures view with f', async () => {
    const { app, live, frameWhere } = mount();
    live.listener(start(20));
    for (let i = 0; i < 12; i++) {
      live.listener(nodeEnd(cell({ status: i % 2 ? 'fail' : 'error', description: `case ${i}`, error: i % 2 ? undefined : `HTTP 500 number ${i}` })));
    }
    const dashboard = await frameWhere((f) => f.includes('12/20 cells'));
    expect(dashboard).toContain('last failures (12 in all, newest 3 shown)');
    expect(dashboard).not.toContain('"case 0"');
    app.stdin.write('f');
    const failures = await frameWhere((f) => f.includes('f back'));
    expect(failures).toContain('failures (12 in all)');
    expect(failures).toMatch(/! greeting × openai:gpt-4o-mini\s+"case 0"\s+HTTP 500 number 0/);
    expect(failures).toMatch(/✗ greeting × openai:gpt-4o-mini\s+"case 11"\s+failed/);
    expect(failures).not.toContain('in flight');
    app.stdin.write('f');
    expect(await frameWhere((f) => !f.includes('f back'))).toContain('last failures');
  });

  it('pauses and resumes dispatch with p', async () => {
    const { app, live, controls, frameWhere } = mount();
    live.listener(start(4));
    await frameWhere((f) => f.includes('0/4 cells'));
    app.stdin.write('p');
    const paused = await frameWhere((f) => f.includes('PAUSED'));
    expect(controls.pause.paused).toBe(true);
    expect(paused).toContain('p resume · f failures · paused: 0 in flight finishing, no new calls');
    app.stdin.write('p');
    await frameWhere((f) => !f.includes('PAUSED'));
    expect(controls.pause.paused).toBe(false);
  });

  it('stops gracefully on q, and Ctrl-C a second time cancels calls in flight', async () => {
    const { app, live, controls, frameWhere } = mount();
    const inFlight = cell({ status: 'pass' });
    live.listener(start(4));
    live.listener(nodeStart(inFlight));
    await frameWhere((f) => f.includes('0/4 cells'));
    app.stdin.write('p');
    await frameWhere((f) => f.includes('PAUSED'));
    app.stdin.write('q');
    const stopping = await frameWhere((f) => f.includes('STOPPING'));
    expect(controls.stop.signal.aborted).toBe(true);
    // q releases a paused run, so the executor sees the stop.
    expect(controls.pause.paused).toBe(false);
    expect(controls.abort.signal.aborted).toBe(false);
    expect(stopping).toContain('stopping: finishing 1 call in flight and saving (Ctrl-C again to cancel them)');
    // Keys are handled in order: once the f after it shows (the failures view, without the provider table), the
    // second q has been handled, and did not cancel.
    app.stdin.write('q');
    app.stdin.write('f');
    await frameWhere((f) => !/provider\s+in flight/.test(f));
    expect(controls.abort.signal.aborted).toBe(false);
    app.stdin.write('\u0003');
    await vi.waitFor(() => expect(controls.abort.signal.aborted).toBe(true), { timeout: 4000, interval: 5 });
  });

  it('treats the first Ctrl-C as a graceful stop, and shows a stop that came as a signal', async () => {
    const first = mount();
    first.app.stdin.write('\u0003');
    await first.frameWhere((f) => f.includes('STOPPING'));
    expect(first.controls.stop.signal.aborted).toBe(true);
    expect(first.controls.abort.signal.aborted).toBe(false);

    const second = mount();
    second.live.listener(start(3));
    second.controls.stop.abort();
    await second.frameWhere((f) => f.includes('stopping: finishing 0 calls in flight'));
  });

  it('shows the final state without key hints once the run ends', async () => {
    const { live, frameWhere } = mount();
    live.listener(start(1));
    live.listener(nodeEnd(cell({ status: 'pass' })));
    live.listener(end());
    const last = await frameWhere((f) => f.includes('COMPLETED'));
    expect(last).toMatch(/1\/1 cells 100\.0%/);
    expect(last).not.toContain('q stop');
    // The last frame stays in the scrollback above the summary: it names the run and how to open its report.
    expect(last).toMatch(/^llmlab suites\/s\.yaml run r1\s+COMPLETED$/m);
    expect(last.split('\n').at(-1)).toBe('open the report: llmlab report r1 -o report.html');
  });

  it('renders a handful of frames for 10,000 events, not 10,000', async () => {
    const { app, live, renders, frameWhere } = mount({ intervalMs: 100 });
    const before = renders();
    live.listener(start(5000));
    for (let i = 0; i < 5000; i++) {
      const c = cell({ status: i % 10 === 0 ? 'fail' : 'pass' });
      live.listener(nodeStart(c));
      live.listener(nodeEnd(c));
    }
    const last = await frameWhere((f) => f.includes('5,000/5,000 cells'));
    expect(renders() - before).toBeGreaterThanOrEqual(1);
    expect(renders() - before).toBeLessThanOrEqual(3);
    expect(app.frames.length).toBeLessThanOrEqual(5);
    expect(last).toMatch(/5,000\/5,000 cells 100\.0%/);
    expect(last).toContain('4,500 passed');
  });

  it('keeps rendering at most ~10 frames a second while events stream in', async () => {
    // The throttle's clock and timers are fake, so the 600 ms below pass exactly, however loaded the machine;
    // React's own scheduling (setImmediate, microtasks) stays real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { live, renders } = mount({ intervalMs: 100 });
    live.listener(start(100_000));
    const before = renders();
    for (let ms = 0; ms < 600; ms++) {
      for (let i = 0; i < 50; i++) live.listener(nodeEnd(cell({ status: 'pass' })));
      vi.advanceTimersByTime(1);
      await new Promise((settled) => setImmediate(settled)); // lets React commit what the timer published
    }
    vi.advanceTimersByTime(150);
    await new Promise((settled) => setImmediate(settled));
    // 750 ms at ≤ 10 frames a second: 7 frames (one per 100 ms while events come), never hundreds.
    expect(renders() - before).toBeLessThanOrEqual(8);
    expect(renders() - before).toBeGreaterThanOrEqual(6);
  });
});
