/** Test ids and the suite hash identify content, not formatting or position. */
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { canonicalJson } from '../../src/config/suite-hash.js';
import { loadOk, project, tempDir } from './helpers.js';

const BLOCK = `# the block-style spelling
description: one
providers:
  - id: mock
    config:
      default: hi
      timeoutMs: 100
prompts:
  - "Q: {{ q }}"
tests:
  - vars:
      q: a
      n: 1
    assert:
      - type: contains
        value: x
  - vars: { q: b }
repeat: 2
`;

const FLOW = `repeat: 2
tests: [{assert: [{value: x, type: contains}], vars: {n: 1, q: a}}, {vars: {q: b}}]
prompts: ['Q: {{ q }}']
providers: [{config: {timeoutMs: 100, default: hi}, id: mock}]
description: another description
`;

describe('suite hash', () => {
  it('is the same across equivalent YAML spellings, comments and engine limits', async () => {
    const dir = await tempDir({ 'block.yaml': BLOCK, 'flow.yaml': FLOW });
    const block = await loadSuite(`${dir}/block.yaml`, project);
    const flow = await loadSuite(`${dir}/flow.yaml`, project);
    const slower = await loadSuite(`${dir}/block.yaml`, { ...project, timeoutMs: 1, maxRetries: 0 });
    expect(block.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(flow.hash).toBe(block.hash);
    expect(slower.hash).toBe(block.hash);
    expect(flow.tests.map((t) => t.id)).toEqual(block.tests.map((t) => t.id));
  });

  it('changes when anything that changes the cells changes', async () => {
    const dir = await tempDir({
      'base.yaml': BLOCK,
      'var.yaml': BLOCK.replace('q: a', 'q: A'),
      'prompt.yaml': BLOCK.replace('"Q: {{ q }}"', '"Q:  {{ q }}"'),
      'config.yaml': BLOCK.replace('default: hi', 'default: ho'),
      'repeat.yaml': BLOCK.replace('repeat: 2', 'repeat: 3'),
      'assert.yaml': BLOCK.replace('value: x', 'value: y'),
    });
    const hashes = await Promise.all(
      ['base', 'var', 'prompt', 'config', 'repeat', 'assert'].map(async (name) => (await loadSuite(`${dir}/${name}.yaml`, project)).hash),
    );
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: undefined }], c: 2 } })).toBe('{"a":{"c":2,"d":[3,{"f":1}]},"b":1}');
  });
});

describe('test ids', () => {
  const suite = (tests: string, defaults = ''): Record<string, string> => ({
    'suite.yaml': `providers: [echo]\nprompts: [x]\ntests:\n${tests}${defaults}`,
  });

  it('uses the user id, else a 12-hex hash of description and vars, with #n for exact duplicates', async () => {
    const { suite: resolved } = await loadOk(
      suite(`  - { vars: { q: a } }\n  - { id: mine }\n  - { vars: { q: a } }\n  - { id: 7 }\n  - { vars: { q: a } }\n  - { description: d, vars: { q: a } }\n`),
    );
    const ids = resolved.tests.map((t) => t.id);
    expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(ids).toEqual([ids[0], 'mine', `${ids[0]}#2`, '7', `${ids[0]}#3`, ids[5]]);
    expect(ids[5]).not.toBe(ids[0]);
    expect(resolved.tests.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('does not depend on position, key order or defaultTest vars', async () => {
    const a = await loadOk(suite(`  - { vars: { q: a, n: 1 } }\n  - { vars: { q: b } }\n`));
    const b = await loadOk(
      suite(`  - { vars: { q: b } }\n  - { vars: { n: 1, q: a } }\n`, 'defaultTest: { vars: { lang: en } }\n'),
    );
    expect(b.suite.tests.map((t) => t.id)).toEqual([a.suite.tests[1]?.id, a.suite.tests[0]?.id]);
    expect(b.suite.tests[1]?.vars).toEqual({ lang: 'en', n: 1, q: 'a' });
  });
});
