/**
 * TUI overhead: a 2,000-cell run on the mock provider at 0 ms, in process, with the Ink TUI rendering to a fake
 * terminal stream vs the plain reporter. Alternating runs, each on a fresh database (every cell a call); the
 * median of each and their ratio, in wall time and in CPU time (steadier on a shared machine): a diagnostic of
 * Ink's rendering cost, with the TUI mounted from the first event, which the CLI only does after 250 ms. The
 * TUI is loaded as the CLI loads it (React's production build). With a built CLI and `script` installed, also
 * end to end: the binary in a pseudo-terminal, TUI vs `--no-tui`, process start and Ink's import included —
 * what a user waits for, and the figure held to the bar (≤ 1.10×).
 * Run alone: `node --import tsx bench/tui.ts` (after `npm run build` for the end-to-end figure).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Writable, PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadProjectConfig } from '../src/config/project-config.js';
import { loadSuite } from '../src/config/load-suite.js';
import type { ResolvedSuite, ProjectConfig } from '../src/config/types.js';
import { createEventBus, type RunListener } from '../src/engine/events.js';
import { runSuite } from '../src/engine/run.js';
import { openStore } from '../src/store/index.js';
import { createPauseSwitch } from '../src/ui/pause-gate.js';
import { createPlainReporter } from '../src/ui/plain.js';
import { loadTui } from '../src/ui/reporter.js';

type Line = [what: string, value: string, bar: string];
const ROUNDS = 15;

/** `bin`: the built CLI for the end-to-end figure (default dist/cli/bin.js when it exists). */
export async function benchTui(bin = resolve(import.meta.dirname, '../dist/cli/bin.js')): Promise<Line[]> {
  const work = mkdtempSync(join(tmpdir(), 'llmlab-bench-tui-'));
  try {
    const cases = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ vars: { q: `question number ${i}` } }));
    writeFileSync(join(work, 'cases.jsonl'), `${cases.join('\n')}\n`);
    writeFileSync(
      join(work, 'suite.yaml'),
      'providers:\n  - { id: "mock:a", config: { latencyMs: 0, default: "answer to {{prompt}}" } }\n' +
        '  - { id: "mock:b", config: { latencyMs: 0, default: "no idea" } }\n' +
        'prompts: ["Answer: {{ q }}"]\ntests: file:cases.jsonl\ndefaultTest:\n  assert: [{ type: contains, value: question }]\n',
    );
    const project = await loadProjectConfig({ cwd: work, env: {} });
    const suite = await loadSuite(join(work, 'suite.yaml'), project);
    const started = performance.now();
    const { mountTui } = await loadTui();
    const loadMs = performance.now() - started;

    let db = 0;
    const once = async (listener: () => { listener: RunListener; close(): Promise<void> }) => {
      const store = openStore(join(work, `run-${db++}.db`));
      const ui = listener();
      const events = createEventBus();
      events.on(ui.listener);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await run(suite, project, store, events);
      await ui.close();
      const cpu = process.cpuUsage(cpu0);
      const wall = performance.now() - t0;
      store.close();
      return { wall, cpu: (cpu.user + cpu.system) / 1000 };
    };
    const plain = () => ({ listener: createPlainReporter({ write: () => {} }), close: async () => {} });
    const terminal = fakeTerminal();
    const tui = () => {
      const controls = { pause: createPauseSwitch(), stop: new AbortController(), abort: new AbortController() };
      const mounted = mountTui({ controls, title: 'bench', stdout: terminal.stream, stdin: pipedStdin() });
      return { listener: mounted.listener, close: () => mounted.unmount() };
    };

    // Warm both paths (JIT, SQLite, React) before measuring.
    await once(plain);
    await once(tui);
    const plainRuns: { wall: number; cpu: number }[] = [];
    const tuiRuns: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
      if (i % 2 === 0) {
        plainRuns.push(await once(plain));
        tuiRuns.push(await once(tui));
      } else {
        tuiRuns.push(await once(tui));
        plainRuns.push(await once(plain));
      }
    }
    const p = median(plainRuns.map((r) => r.wall));
    const t = median(tuiRuns.map((r) => r.wall));
    const pc = median(plainRuns.map((r) => r.cpu));
    const tc = median(tuiRuns.map((r) => r.cpu));
    return [
      [`2,000 cells, mock at 0 ms, plain reporter (median of ${ROUNDS})`, `${p.toFixed(0)} ms wall, ${pc.toFixed(0)} ms CPU`, 'reference'],
      [
        `2,000 cells, mock at 0 ms, Ink TUI on a fake terminal (median of ${ROUNDS})`,
        `${t.toFixed(0)} ms wall, ${tc.toFixed(0)} ms CPU`,
        `${(t / p).toFixed(2)} × plain in wall time, ${(tc / pc).toFixed(2)} × in CPU time; diagnostic: TUI mounted from the first event (${terminal.frames()} writes to the terminal); the bar applies to the pty line`,
      ],
      ['loading the TUI (ink + react), once per process', `${loadMs.toFixed(0)} ms`, 'only when the TUI is used; the run does not wait for it'],
      ...endToEnd(bin, work),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The CLI in a 100×30 pseudo-terminal, TUI vs --no-tui, alternating, fresh database each time. */
function endToEnd(bin: string, work: string): Line[] {
  if (!existsSync(bin) || spawnSync('script', ['--version']).status !== 0) return [];
  // No CI variables at all: with any of them the CLI (like Ink) prefers the plain log.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'CI' && !k.startsWith('CI_') && k !== 'CONTINUOUS_INTEGRATION'));
  let db = 0;
  const once = (flags: string) => {
    const command = `stty cols 100 rows 30; '${process.execPath}' '${bin}' eval suite.yaml -j 16 --db e2e-${db++}.db ${flags}`;
    const started = performance.now();
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`the CLI in script exited ${r.status}: ${String(r.stdout).slice(-2000)}`);
    return performance.now() - started;
  };
  once('--no-tui');
  once('');
  const plain: number[] = [];
  const tui: number[] = [];
  for (let i = 0; i < 5; i++) {
    plain.push(once('--no-tui'));
    tui.push(once(''));
  }
  const p = median(plain);
  const t = median(tui);
  return [
    ['2,000 cells, mock at 0 ms, CLI in a pty with --no-tui (median of 5)', `${p.toFixed(0)} ms`, 'reference; process start included'],
    ['2,000 cells, mock at 0 ms, CLI in a pty with the TUI (median of 5)', `${t.toFixed(0)} ms`, `${(t / p).toFixed(2)} × --no-tui; bar ≤ 1.10 ×`],
  ];
}

function run(suite: ResolvedSuite, project: ProjectConfig, store: ReturnType<typeof openStore>, events: ReturnType<typeof createEventBus>) {
  return runSuite({
    suite,
    project,
    store,
    env: {},
    events,
    concurrency: 16,
    cache: true,
    stop: new AbortController().signal,
    abort: new AbortController().signal,
    llmlabVersion: 'bench',
  });
}

/** A 100×30 terminal that swallows its output but counts the writes. */
function fakeTerminal() {
  let writes = 0;
  const stream = new Writable({
    write(_chunk, _encoding, done) {
      writes++;
      done();
    },
  });
  Object.assign(stream, { isTTY: true, columns: 100, rows: 30 });
  return { stream: stream as unknown as NodeJS.WriteStream, frames: () => writes };
}

function pipedStdin(): NodeJS.ReadStream {
  return Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [what, value, bar] of await benchTui()) process.stdout.write(`${what}: ${value}   (${bar})\n`);
}
