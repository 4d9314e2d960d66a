/**
 * Watch mode latency: from saving a file to the updated summary and diff on screen, for a 500-cell suite (2
 * prompts × 250 tests) against the fake OpenAI server at 0 ms. Three kinds of save: a prompt edited to new text
 * (its 250 cells call the model, the rest are cached), a prompt put back to text seen before (all 500 cached),
 * and llmlab.config.yaml touched (all cached). Median and worst of 7 each; bar < 300 ms. The 40 ms debounce is
 * included. Run alone: `node --import tsx bench/watch.ts` (uses dist/ when built, else the sources).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeOpenAI } from '../test/fakes/index.js';
import { WATCH_DEBOUNCE_MS } from '../src/cli/watch-files.js';

type Line = [what: string, value: string, bar: string];
const ROUNDS = 7;
const TESTS = 250;

/** `serverUrl`: a fake OpenAI server to use (default: one started here). */
export async function benchWatch(serverUrl?: string): Promise<Line[]> {
  const own = serverUrl ? undefined : await startFakeOpenAI({ record: false });
  const url = serverUrl ?? own!.url;
  const work = mkdtempSync(join(tmpdir(), 'llmlab-bench-watch-'));
  let child: ChildProcess | undefined;
  try {
    writeProject(work, url);
    child = spawn(process.execPath, [...cliArgs(), 'eval', 'suite.yaml', '--watch'], {
      cwd: work,
      env: { ...process.env, CI: 'true', LLMLAB_DB: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let done = 0;
    let waiting: (() => void) | undefined;
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const count = stdout.match(/\[watch\] run \S+ done/g)?.length ?? 0;
      if (count > done) {
        done = count;
        waiting?.();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    const nextIteration = (ms = 30_000) =>
      new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no iteration within ${ms} ms\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`)), ms);
        waiting = () => {
          clearTimeout(timer);
          waiting = undefined;
          ok();
        };
      });
    const timeSave = async (path: string, text: string) => {
      const next = nextIteration();
      const started = performance.now();
      writeFileSync(join(work, path), text);
      await next;
      const ms = performance.now() - started;
      // Let chokidar settle before the next save, so saves never merge.
      await new Promise((r) => setTimeout(r, 150));
      return ms;
    };

    await nextIteration(60_000); // the first iteration: all 500 cells
    const fresh: number[] = [];
    const cached: number[] = [];
    const touched: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      fresh.push(await timeSave('prompts/a.txt', `Question, take ${i + 1}: {{ q }}`));
      cached.push(await timeSave('prompts/a.txt', 'Question: {{ q }}'));
      touched.push(await timeSave('llmlab.config.yaml', `concurrency: 16\n# save ${i}\n`));
    }
    const summary = (xs: number[]) => `${median(xs).toFixed(0)} ms (worst ${Math.max(...xs).toFixed(0)} ms)`;
    const bar = (xs: number[]) => `median ${median(xs) < 300 ? 'under' : 'OVER'} the 300 ms bar; ${WATCH_DEBOUNCE_MS} ms debounce included`;
    return [
      ['watch, 500 cells: save a prompt with new text (250 cells on the fake at 0 ms, 250 cached)', summary(fresh), bar(fresh)],
      ['watch, 500 cells: save a prompt back to seen text (500 cells cached)', summary(cached), bar(cached)],
      ['watch, 500 cells: save llmlab.config.yaml (500 cells cached)', summary(touched), bar(touched)],
    ];
  } finally {
    child?.kill('SIGKILL');
    await own?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function writeProject(work: string, url: string): void {
  mkdirSync(join(work, 'prompts'));
  writeFileSync(join(work, 'prompts/a.txt'), 'Question: {{ q }}');
  writeFileSync(join(work, 'prompts/b.txt'), 'Question, briefly: {{ q }}');
  const cases = Array.from({ length: TESTS }, (_, i) => JSON.stringify({ vars: { q: `number ${i}` } }));
  writeFileSync(join(work, 'cases.jsonl'), `${cases.join('\n')}\n`);
  writeFileSync(
    join(work, 'suite.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini\n    config: { baseUrl: "${url}/v1" }\n` +
      `prompts:\n  - { id: a, file: prompts/a.txt }\n  - { id: b, file: prompts/b.txt }\n` +
      `tests: file:cases.jsonl\ndefaultTest:\n  assert: [{ type: contains, value: Question }]\n`,
  );
  writeFileSync(join(work, 'llmlab.config.yaml'), 'concurrency: 16\n');
}

/** The built CLI when there is one (what users run), else the sources through tsx. */
function cliArgs(): string[] {
  const dist = resolve(import.meta.dirname, '../dist/cli/bin.js');
  if (existsSync(dist)) return [dist];
  return ['--import', new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href, resolve(import.meta.dirname, '../src/cli/bin.ts')];
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [what, value, bar] of await benchWatch()) process.stdout.write(`${what}: ${value}   (${bar})\n`);
}
