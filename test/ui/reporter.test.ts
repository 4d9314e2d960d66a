import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ColorSupportLevel as ChalkLevel } from 'chalk';

// Ink reads CI at import (is-in-ci) and then draws only a final frame; these tests watch live frames, so they run
// as on a developer's terminal even under CI=true. (The product never mounts Ink in CI: see wantsTui.)
const ciEnv = vi.hoisted(() => {
  const saved = { CI: process.env['CI'], CONTINUOUS_INTEGRATION: process.env['CONTINUOUS_INTEGRATION'] };
  process.env['CI'] = 'false';
  delete process.env['CONTINUOUS_INTEGRATION'];
  return saved;
});
// The worker process may run other test files next: give them the environment back.
afterAll(() => {
  for (const [key, value] of Object.entries(ciEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});
import { mountTui } from '../../src/ui/mount-tui.js';
import { createPauseSwitch } from '../../src/ui/pause-gate.js';
import { startReporter, wantsTui } from '../../src/ui/reporter.js';
import { cell, end, nodeEnd, start } from './events.js';
import { fakeTty, pipedStdin } from './fake-tty.js';


describe('choosing the UI', () => {
  it('uses the TUI only on a TTY, without --no-tui, outside CI', () => {
    expect(wantsTui(true, { isTTY: true }, {})).toBe(true);
    expect(wantsTui(false, { isTTY: true }, {})).toBe(false);
    expect(wantsTui(true, { isTTY: false }, {})).toBe(false);
    expect(wantsTui(true, {}, {})).toBe(false);
    expect(wantsTui(true, { isTTY: true }, { CI: 'true' })).toBe(false);
    expect(wantsTui(true, { isTTY: true }, { CI: '1' })).toBe(false);
    expect(wantsTui(true, { isTTY: true }, { CI: 'false' })).toBe(true);
    expect(wantsTui(true, { isTTY: true }, { CI: '0' })).toBe(true);
    // As Ink decides: any other CI value, or a CI_* variable, means a CI log.
    expect(wantsTui(true, { isTTY: true }, { CI: '' })).toBe(false);
    expect(wantsTui(true, { isTTY: true }, { CI_PIPELINE_ID: '7' })).toBe(false);
    // A terminal that cannot move its cursor (Emacs shell, some CI runners) gets the plain log.
    expect(wantsTui(true, { isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(wantsTui(true, { isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
  });

  it('gives the plain reporter (and a pause switch) when not interactive', async () => {
    const reporter = await startReporter({
      tui: true,
      stop: new AbortController(),
      abort: new AbortController(),
      title: 's',
      stdout: { isTTY: false } as NodeJS.WriteStream,
      env: {},
    });
    expect(reporter.interactive).toBe(false);
    expect(reporter.pause.paused).toBe(false);
    expect(await reporter.during(async () => 42)).toBe(42);
    await expect(reporter.during(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

describe('mounting the TUI', () => {
  it('renders to a terminal stream and leaves the final frame when unmounted', async () => {
    const stdout = fakeTty();
    const controls = { pause: createPauseSwitch(), stop: new AbortController(), abort: new AbortController() };
    const tui = mountTui({ controls, title: 'my suite', stdout, stdin: pipedStdin(), intervalMs: 10 });
    tui.listener(start(2));
    tui.listener(nodeEnd(cell({ status: 'pass' })));
    tui.listener(nodeEnd(cell({ status: 'fail' })));
    tui.listener(end());
    await tui.unmount();
    const output = stdout.output();
    expect(output).toContain('my suite');
    expect(output).toMatch(/2\/2 cells 100\.0%/);
    expect(output).toContain('COMPLETED');
    expect(output).toContain('1 passed');
  });

  const interactive = (stdout: ReturnType<typeof fakeTty>, delayMs: number) =>
    startReporter({ tui: true, stop: new AbortController(), abort: new AbortController(), title: 'my suite', stdout, env: {}, delayMs });

  it('takes the UI down even when the run throws', async () => {
    const stdout = fakeTty();
    const reporter = await interactive(stdout, 0);
    expect(reporter.interactive).toBe(true);
    reporter.listener(start(3));
    const failing = reporter.during(async () => {
      // Ink loads in a few hundred ms, more on a loaded machine: wait for the first frame rather than a fixed time.
      await vi.waitFor(() => expect(stdout.output()).toContain('my suite'), { timeout: 10_000, interval: 20 });
      throw new Error('provider exploded');
    });
    await expect(failing).rejects.toThrow('provider exploded');
    expect(stdout.output()).toContain('my suite');
    expect(stdout.output()).toMatch(/0\/3 cells/);
  });

  it('mounts late with everything so far, and never for a run shorter than the delay', async () => {
    const late = fakeTty();
    const slow = await interactive(late, 50);
    await slow.during(async () => {
      slow.listener(start(2));
      slow.listener(nodeEnd(cell({ status: 'pass' })));
      await vi.waitFor(() => expect(late.output()).toMatch(/1\/2 cells 50\.0%/), { timeout: 10_000, interval: 20 });
      slow.listener(nodeEnd(cell({ status: 'pass' })));
      slow.listener(end());
    });
    expect(late.output()).toContain('COMPLETED');

    const quiet = fakeTty();
    const fast = await interactive(quiet, 10_000);
    await fast.during(async () => {
      fast.listener(start(1));
      fast.listener(nodeEnd(cell({ status: 'pass' })));
      fast.listener(end());
    });
    expect(quiet.output()).toBe('');
  });
});

describe('NO_COLOR', () => {
  /** SGR sequences: colours and text styles (Ink's cursor moves and line erases are not SGR). */
  // eslint-disable-next-line no-control-regex
  const SGR = /\u001b\[[0-9;]*m/;

  // Ink colours through chalk, whose level comes from the test process's own stdout (a pipe: no colour). Give it
  // colour, so leaving it out is the TUI's doing. (chalk is Ink's dependency: the same instance.)
  let savedLevel: ChalkLevel = 0;
  beforeAll(async () => {
    const chalk = (await import('chalk')).default;
    savedLevel = chalk.level;
    chalk.level = 1;
  });
  afterAll(async () => {
    (await import('chalk')).default.level = savedLevel;
  });

  async function draw(env: Record<string, string>): Promise<string> {
    const stdout = fakeTty();
    const reporter = await startReporter({ tui: true, stop: new AbortController(), abort: new AbortController(), title: 's', stdout, env, delayMs: 0 });
    await reporter.during(async () => {
      reporter.listener(start(2));
      reporter.listener(nodeEnd(cell({ status: 'pass' })));
      reporter.listener(nodeEnd(cell({ status: 'fail' })));
      await vi.waitFor(() => expect(stdout.output()).toMatch(/2\/2 cells/), { timeout: 10_000, interval: 20 });
      reporter.listener(end());
    });
    return stdout.output();
  }

  it('draws the live view without a colour or style escape when set, even to an empty string', async () => {
    for (const value of ['1', '']) {
      const output = await draw({ NO_COLOR: value });
      expect(output).toContain('COMPLETED');
      expect(output).not.toMatch(SGR);
    }
  });

  it('draws in colour when not set', async () => {
    const output = await draw({});
    expect(output).toContain('COMPLETED');
    expect(output).toMatch(SGR);
  });
});
