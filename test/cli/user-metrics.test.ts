/** User metrics registered in llmlab.config.yaml, end to end through the CLI in a temp project. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const INDEX = new URL('../../src/index.ts', import.meta.url).pathname;
let dir: string;

const CONFIG = 'metrics:\n  word-budget: ./metrics/word-budget.ts\n  shouty: metrics/shouty.mjs\n';
const SUITE = `providers: [echo]
prompts: ["{{ text }}"]
tests:
  - vars: { text: "one two three" }
    assert:
      - type: word-budget
        value: 3
      - type: not-word-budget
        value: 2
      - type: shouty
        transform: [{ regex: "(\\\\w+)$" }, uppercase]
  - vars: { text: "Final answer: yes" }
    assert:
      - type: shouty
        threshold: 0.5
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-user-metrics-'));
  mkdirSync(join(dir, 'metrics'));
  mkdirSync(join(dir, 'suites'));
  writeFileSync(
    join(dir, 'metrics/word-budget.ts'),
    `import { defineMetric } from ${JSON.stringify(INDEX)};
export default defineMetric<number>({
  id: 'word-budget',
  optionsSchema: { type: 'integer', minimum: 1, description: 'most words allowed' },
  score: ({ output, value }) => {
    const words = output.split(/\\s+/).filter(Boolean).length;
    return { pass: words <= value, reason: \`\${words} words, budget \${value}\` };
  },
});
`,
  );
  // A plain function, like the javascript metric's file form: the share of upper-case letters.
  writeFileSync(
    join(dir, 'metrics/shouty.mjs'),
    'export default (output) => { const l = output.replace(/[^a-z]/gi, ""); return l ? l.replace(/[^A-Z]/g, "").length / l.length : 0; };\n',
  );
  writeFileSync(join(dir, 'llmlab.config.yaml'), CONFIG);
  writeFileSync(join(dir, 'suites/s.yaml'), SUITE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('user metrics through the CLI', () => {
  it('grades with registered metrics, their not- forms, transforms and thresholds', async () => {
    const r = await runCli(['eval', 'suites/s.yaml', '-o', 'reports/r.json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1); // the second test is not shouty enough
    const report = JSON.parse(readFileSync(join(dir, 'reports/r.json'), 'utf8'));
    const cells = report.cells as { output: string; assertions: { type: string; pass: boolean; score: number; reason?: string }[] }[];
    expect(cells[0]!.output).toBe('one two three');
    expect(cells[0]!.assertions.map((a) => [a.type, a.pass, a.score, a.reason])).toEqual([
      ['word-budget', true, 1, '3 words, budget 3'],
      ['not-word-budget', true, 1, 'passes not-: 3 words, budget 2'],
      ['shouty', true, 1, 'after transform: "THREE" — shouty returned 1'],
    ]);
    expect(cells[1]!.assertions.map((a) => [a.type, a.pass])).toEqual([['shouty', false]]);
    expect(cells[1]!.assertions[0]!.score).toBeCloseTo(1 / 14);
  });

  it('rejects a bad value with the user metric\'s own schema, and suggests user metrics for a typo', async () => {
    writeFileSync(
      join(dir, 'suites/bad.yaml'),
      'providers: [echo]\nprompts: ["x"]\ntests:\n  - assert:\n      - type: word-budget\n        value: 0\n      - type: not-word-budgit\n        value: 2\n',
    );
    const r = await runCli(['eval', 'suites/bad.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suites\/bad\.yaml:6:16: `tests\[0\]\.assert\[0\]\.value` must be an integer ≥ 1, got 0 \(assertion `word-budget`\)/);
    expect(r.stderr).toMatch(/suites\/bad\.yaml:7:15: unknown assertion type `not-word-budgit` in tests\[0\]\.assert\[1\]/);
    expect(r.stderr).toMatch(/did you mean `not-word-budget`\?/);
  });

  it('rejects a user metric named like a built-in, and a missing module, at their place in the config', async () => {
    writeFileSync(join(dir, 'llmlab.config.yaml'), `${CONFIG}  contains: ./metrics/shouty.mjs\n  gone: ./metrics/gone.ts\n`);
    try {
      const r = await runCli(['eval', 'suites/s.yaml'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/llmlab\.config\.yaml:4:3: user metric `contains` has the name of a built-in metric/);
      expect(r.stderr).toMatch(/rename it, e\.g\. `my-contains`/);
      expect(r.stderr).toMatch(/llmlab\.config\.yaml:5:9: module of user metric `gone` not found: \.\/metrics\/gone\.ts/);
    } finally {
      writeFileSync(join(dir, 'llmlab.config.yaml'), CONFIG);
    }
  });
});
