import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { loadSuite } from '../../src/config/load-suite.js';
import { createFileWatcher, watchedFiles, type FileWatcher } from '../../src/cli/watch-files.js';

let dir: string;
let watcher: FileWatcher | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-files-'));
});
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const write = (path: string, text: string) => writeFileSync(join(dir, path), text);

describe('watchedFiles', () => {
  it('lists the suite, prompt files, datasets, file: providers, javascript modules, the config and its user metrics', async () => {
    mkdirSync(join(dir, 'prompts'));
    mkdirSync(join(dir, 'lib'));
    write('prompts/ask.txt', 'Q: {{ q }}');
    write('cases.jsonl', '{"vars":{"q":"hi"}}\n');
    write('lib/bot.mjs', 'export default (request) => `bot: ${request.prompt}`;\n');
    write('lib/checks.mjs', 'export const short = (output) => output.length < 100;\n');
    write('lib/polite.mjs', 'export default ({ output }) => ({ pass: output.includes("bot") });\n');
    write('lib/unused.mjs', 'export default () => ({ pass: true });\n');
    write('llmlab.config.yaml', 'metrics:\n  polite: lib/polite.mjs\n  unused: lib/unused.mjs\n');
    write(
      'suite.yaml',
      'providers: ["file:lib/bot.mjs", echo]\nprompts: [{ file: prompts/ask.txt }]\ntests: file:cases.jsonl\n' +
        'defaultTest:\n  assert:\n    - { type: javascript, value: "file:lib/checks.mjs:short" }\n    - { type: polite }\n',
    );
    const project = await loadProjectConfig({ cwd: dir, env: {} });
    const suite = await loadSuite(join(dir, 'suite.yaml'), project);
    const files = watchedFiles(suite, project).map((f) => f.slice(dir.length + 1)).sort();
    // Every registered user metric module, used or not: registering one is an edit to the config's meaning.
    expect(files).toEqual(
      ['cases.jsonl', 'lib/bot.mjs', 'lib/checks.mjs', 'lib/polite.mjs', 'lib/unused.mjs', 'llmlab.config.yaml', 'prompts/ask.txt', 'suite.yaml'].sort(),
    );
  });
});

describe('file watcher', () => {
  it('turns a burst of saves into one change, and follows the file list it is given', async () => {
    write('a.txt', '1');
    write('b.txt', '1');
    write('c.txt', '1');
    const changes: string[][] = [];
    watcher = createFileWatcher((files) => changes.push(files.map((f) => f.slice(dir.length + 1)).sort()), { debounceMs: 150 });
    await watcher.watch([join(dir, 'a.txt'), join(dir, 'b.txt')]);

    for (let i = 0; i < 5; i++) {
      write('a.txt', `burst ${i}`);
      await sleep(10);
    }
    write('b.txt', '2');
    await waitFor(() => changes.length >= 1);
    // Windows in which nothing may happen (longer than the debounce): the burst made one change, not two.
    await sleep(200);
    expect(changes).toEqual([['a.txt', 'b.txt']]);

    // c is not watched yet: no change. Then swap b for c.
    write('c.txt', '2');
    await sleep(250);
    expect(changes).toHaveLength(1);
    await watcher.watch([join(dir, 'a.txt'), join(dir, 'c.txt')]);
    // chokidar attaches a file added to the list in the background, and no event says when: save c (one save per
    // debounce, or the saves would merge) until a change shows it is watched.
    for (let probe = 0; changes.length < 2; probe++) {
      write('c.txt', `probe ${probe}`);
      await waitFor(() => changes.length >= 2, 400).catch(() => undefined);
    }
    expect(changes[1]).toEqual(['c.txt']);
    await sleep(200); // the change of a probe saved just before the first one showed
    const seen = changes.length;
    write('b.txt', '3');
    write('c.txt', '3');
    await waitFor(() => changes.length > seen);
    await sleep(200);
    expect(changes.slice(seen)).toEqual([['c.txt']]);
    expect(watcher.files.map((f) => f.slice(dir.length + 1))).toEqual(['a.txt', 'c.txt']);
  });
});

describe('file watcher and content', () => {
  it('takes a touch or a save of the same bytes for no change: only content changes fire', async () => {
    write('a.txt', 'same');
    write('b.txt', '1');
    const changes: string[][] = [];
    watcher = createFileWatcher((files) => changes.push(files.map((f) => f.slice(dir.length + 1)).sort()));
    await watcher.watch([join(dir, 'a.txt'), join(dir, 'b.txt')]);

    // `touch`: access and modification time now. (A time in the future, as this test once used, leaves the access
    // time ahead of every later write, and chokidar then sees a change only when the coarse mtime moves: two saves
    // within one clock tick of a loaded machine looked like one, and the second was lost.)
    const now = new Date();
    utimesSync(join(dir, 'a.txt'), now, now);
    write('a.txt', 'same'); // a formatter rewriting a file unchanged
    // The positive signal: a real edit. Whether a's events landed in its burst or in one of their own, a is not in it.
    write('b.txt', '2');
    await waitFor(() => changes.length >= 1);
    expect(changes).toEqual([['b.txt']]);

    // a's events were all seen by now (a real edit of a fires alone, once): a real change of a still counts.
    write('a.txt', 'different');
    await waitFor(() => changes.length >= 2);
    expect(changes).toEqual([['b.txt'], ['a.txt']]);
  });
});

/**
 * Waits for a condition the watcher brings about. The deadline only turns a hang into a clear failure: it sits
 * just under the e2e test timeout, because on a loaded 2-core machine a file event has been seen to take over 5 s.
 */
async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(20);
  }
}
