import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeJunitReport } from '../../../src/report/writers/junit.js';
import { xmlAttr, xmlText } from '../../../src/report/writers/junit-xml.js';
import type { Store } from '../../../src/store/index.js';
import type { CellResult } from '../../../src/types.js';
import { fixedCells, storeCandidateRun, storeFixedRun } from '../fixed-runs.js';
import { tempStore, verdictCell } from '../helpers.js';
import { parseXml, type XmlElement } from '../xml-check.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

function junit(cells: CellResult[], repeat = 1): { xml: string; root: XmlElement } {
  const run = storeFixedRun(store, cells, Date.UTC(2024, 0, 2), repeat);
  const path = join(t.dir, 'out', 'junit.xml');
  writeJunitReport(path, store, run);
  const xml = readFileSync(path, 'utf8');
  return { xml, root: parseXml(xml) };
}

const childNames = (el: XmlElement) => el.children.map((c) => c.name);

describe('JUnit XML report', () => {
  it('matches the snapshot of the fixed run', async () => {
    const run = storeCandidateRun(store);
    const path = join(t.dir, 'junit.xml');
    writeJunitReport(path, store, run);
    await expect(readFileSync(path, 'utf8')).toMatchFileSnapshot('__snapshots__/junit.xml');
  });

  it('has one testsuite per prompt × provider in suite order, with counts that match its test cases', () => {
    const { root } = junit(fixedCells());
    expect(root.name).toBe('testsuites');
    expect(root.children.map((s) => s.attributes.name)).toEqual([
      'one-sentence × careful-bot', 'bullet × careful-bot', 'one-sentence × terse-bot', 'bullet × terse-bot',
    ]);
    let totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const suite of root.children) {
      const cases = suite.children;
      expect(cases.every((c) => c.name === 'testcase' && c.attributes.classname === suite.attributes.name)).toBe(true);
      const having = (kind: string) => cases.filter((c) => c.children.some((x) => x.name === kind)).length;
      const counts = { tests: cases.length, failures: having('failure'), errors: having('error'), skipped: having('skipped') };
      expect({
        tests: Number(suite.attributes.tests), failures: Number(suite.attributes.failures),
        errors: Number(suite.attributes.errors), skipped: Number(suite.attributes.skipped),
      }).toEqual(counts);
      totals = { tests: totals.tests + counts.tests, failures: totals.failures + counts.failures, errors: totals.errors + counts.errors, skipped: totals.skipped + counts.skipped };
    }
    // 12 cells: 6 pass, 4 fail, 1 error, 1 skipped.
    expect(totals).toEqual({ tests: 12, failures: 4, errors: 1, skipped: 1 });
    expect(root.attributes).toMatchObject({ tests: '12', failures: '4', errors: '1', skipped: '1' });
  });

  it('tells failures (wrong answer) from errors (no answer) and gives each its message', () => {
    const { root } = junit(fixedCells());
    const terse = root.children.find((s) => s.attributes.name === 'one-sentence × terse-bot')!;
    const [, failed, errored] = terse.children;
    expect(childNames(failed!)).toEqual(['failure', 'system-out']);
    expect(failed!.attributes.name).toBe('capital of Japan');
    expect(failed!.children[0]!.attributes).toEqual({ message: 'icontains: expected output to contain "Paris"', type: 'assertion' });
    expect(failed!.children[1]!.text).toBe('terse-bot says: Japan <b>|</b>\n`done`');
    // The call failed: no output, so no system-out.
    expect(childNames(errored!)).toEqual(['error']);
    expect(errored!.attributes.name).toBe('tricky');
    expect(errored!.children[0]!.attributes.message).toBe('HTTP 503: upstream unavailable');
    // Latency 1,050 ms → 1.050 s; the suite's time is the sum of its cells'.
    expect(errored!.attributes.time).toBe('1.150');
    expect(terse.attributes.time).toBe((1.1 + 1.125 + 1.15).toFixed(3));
    const skipped = root.children[3]!.children[1]!;
    expect(skipped.children).toEqual([{ name: 'skipped', attributes: { message: 'skipped: budget' }, children: [], text: '' }]);
  });

  it('strips characters XML 1.0 forbids and escapes markup in names, messages and outputs', () => {
    // (A lone surrogate never reaches the report through SQLite, which stores UTF-8: see the xmlText test.)
    const nasty = 'a\u0000b\u0007c\u001bd\ufffee\uffff f <x a="1"> & ]]> \'q\' \t\n\r end 😀';
    const cell: CellResult = {
      ...verdictCell('p<1>', 'bot "q"', 0, 'fail'),
      description: `desc ${nasty}`,
      output: nasty,
      assertions: [{ type: 'equals', metric: 'equals', pass: false, score: 0, weight: 1, reason: `line one\nline two ${nasty}` }],
    };
    const { xml, root } = junit([cell, { ...verdictCell('p<1>', 'bot "q"', 1, 'error'), error: `boom\u0001 ${nasty}` }]);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
    const suite = root.children[0]!;
    expect(suite.attributes.name).toBe('p<1> × bot "q"');
    const [failed, errored] = suite.children;
    const clean = 'abcde f <x a="1"> & ]]> \'q\' \t\n\r end 😀';
    expect(failed!.attributes.name).toBe(`desc ${clean}`);
    expect(failed!.children[0]!.attributes.message).toBe(`equals: line one\nline two ${clean}`);
    expect(failed!.children[1]!.text).toBe(clean);
    expect(errored!.children[0]!.attributes.message).toBe(`boom ${clean}`);
  });

  it('xmlText and xmlAttr drop lone surrogates and keep tabs and line breaks in attributes as references', () => {
    expect(xmlText('a\ud800b\udc00c 😀 <&>')).toBe('abc 😀 &lt;&amp;&gt;');
    expect(xmlAttr('"a"\tb\nc\r\u0000')).toBe('&quot;a&quot;&#9;b&#10;c&#13;');
  });

  it('names repeats #n when the run repeats', () => {
    const { root } = junit([verdictCell('p', 'bot', 0, 'pass', 0), verdictCell('p', 'bot', 0, 'fail', 1)], 2);
    expect(root.children[0]!.children.map((c) => c.attributes.name)).toEqual(['t0 #1', 't0 #2']);
  });

  it('streams a large run through per-suite parts: 3 suites × 4,000 interleaved cells', () => {
    const cells: CellResult[] = [];
    for (let i = 0; i < 4000; i++) {
      for (const provider of ['a', 'b', 'c']) {
        cells.push({ ...verdictCell('p', provider, i, i % 7 === 0 ? 'fail' : 'pass'), output: `answer ${i} `.repeat(20) });
      }
    }
    const { root } = junit(cells);
    expect(root.children.map((s) => [s.attributes.name, s.children.length, s.attributes.failures])).toEqual([
      ['p × a', 4000, '572'], ['p × b', 4000, '572'], ['p × c', 4000, '572'],
    ]);
    // Test order within a suite survives the interleaving.
    expect(root.children[1]!.children.slice(0, 3).map((c) => c.attributes.name)).toEqual(['t0', 't1', 't2']);
  });
});
