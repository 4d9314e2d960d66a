/**
 * Edited tests in watch mode: a test whose id changed with its content is paired with its previous version (by a
 * unique description, else by its place between unchanged neighbours), and the diff shows its old → new verdict
 * instead of one test removed and another added.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatEdits } from '../../src/cli/watch-diff.js';
import { editedCells, pairEditedTests, type TestRef } from '../../src/cli/watch-edits.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { TestCase } from '../../src/types.js';
import { assertion, makeSuite, provider } from '../engine/make-suite.js';
import { runInStore } from '../engine/run-in-store.js';

const ref = (id: string, description?: string): TestRef => ({ id, ...(description === undefined ? {} : { description }) });
const ids = (pairs: Array<[TestRef, TestRef]>) => pairs.map(([a, b]) => `${a.id}→${b.id}`);

describe('pairEditedTests', () => {
  it('pairs by a description both versions share, wherever the test moved', () => {
    const before = [ref('a', 'refund'), ref('b', 'greeting'), ref('c', 'cancel')];
    const after = [ref('c', 'cancel'), ref('b2', 'greeting'), ref('a', 'refund')];
    expect(pairEditedTests(before, after)).toEqual({ edited: [[before[1], after[1]]], added: [], removed: [] });
  });

  it('pairs tests without a usable description by their place between unchanged neighbours, in order', () => {
    // x and y were edited in place (descriptions too); n is new after c; z was removed.
    const before = [ref('a'), ref('x', 'old x'), ref('y', 'old y'), ref('b'), ref('z'), ref('c')];
    const after = [ref('a'), ref('x2', 'new x'), ref('y2', 'new y'), ref('b'), ref('c'), ref('n')];
    const edits = pairEditedTests(before, after);
    expect(ids(edits.edited)).toEqual(['x→x2', 'y→y2']);
    expect(edits.added.map((t) => t.id)).toEqual(['n']);
    expect(edits.removed.map((t) => t.id)).toEqual(['z']);
  });

  it('does not pair by a description that names several tests, and leaves unchanged suites alone', () => {
    const before = [ref('a', 'same'), ref('b', 'same'), ref('k')];
    const after = [ref('k'), ref('c', 'same'), ref('d', 'same')];
    // Not by description (ambiguous); by place: a and b followed the start, c and d follow k.
    const edits = pairEditedTests(before, after);
    expect(edits.edited).toEqual([]);
    expect(edits.added.map((t) => t.id)).toEqual(['c', 'd']);
    expect(edits.removed.map((t) => t.id)).toEqual(['a', 'b']);
    expect(pairEditedTests(before, before)).toEqual({ edited: [], added: [], removed: [] });
  });
});

describe('edited tests in the watch diff', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-watch-edits-'));
    store = openStore(join(dir, 'llmlab.db'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One run of `tests` through the echo provider, whose answer is the prompt: a test passes when its question says yes. */
  async function run(tests: TestCase[]) {
    const suite = makeSuite({ providers: [provider('echo')], tests });
    const { outcome } = await runInStore(store, dir, suite, { concurrency: 2 });
    return outcome.run.id;
  }
  const test = (id: string, index: number, description: string, question: string): TestCase => ({
    id, index, description, vars: { question }, assert: [assertion('contains', 'yes')],
  });

  it('shows an edited test’s new verdict beside its old one, and an added test’s verdict', async () => {
    const before = [test('h0', 0, 'gone', 'yes'), test('h1', 1, 'refund', 'yes'), test('h2', 2, 'greeting', 'yes'), test('h3', 3, 'cancel', 'no')];
    // The edit changed the hashed id of "greeting"; "upsell" is new at the end; "gone" was removed from the start.
    const after = [test('h1', 0, 'refund', 'yes'), test('h2b', 1, 'greeting', 'no'), test('h3', 2, 'cancel', 'no'), test('h4', 3, 'upsell', 'yes')];
    const a = await run(before);
    const b = await run(after);
    const edits = pairEditedTests(before, after);
    const text = formatEdits(edits, editedCells(store, a, b, edits));
    expect(text.split('\n')).toEqual([
      'tests changed: 1 edited, 1 added, 1 removed',
      '  edited  p × echo  h2b "greeting"  (pass → fail)',
      '  added  p × echo  h4 "upsell"  (pass)',
    ]);
    // Nothing edited, added or removed: no section at all.
    const same = pairEditedTests(after, after);
    expect(formatEdits(same, editedCells(store, b, b, same))).toBe('');
  });
});
