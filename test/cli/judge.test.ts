/**
 * Model-graded assertions from the command line: judge calls keep API keys out of the database, the report and
 * the log; `llmlab plan` counts judge calls; the example suite runs its graders offline.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from './run-cli.js';

const KEY = 'sk-test-JUDGE-SECRET-83c1e0';
const WRONG = 'sk-test-WRONG-SECRET-1d4b77';
let dir: string;
let openai: FakeServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-judge-cli-'));
  openai = await startFakeOpenAI({ apiKey: KEY, answer: () => '{"pass": true, "score": 1, "reason": "fine"}' });
  writeFileSync(join(dir, '.env'), `WRONG_KEY=${WRONG}\n`);
  writeFileSync(join(dir, 'llmlab.config.yaml'), `grader:\n  id: openai:gpt-4o-mini\n  config: { baseUrl: "${openai.url}/v1", maxRetries: 0 }\n`);
  writeFileSync(
    join(dir, 'suite.yaml'),
    `embedder: { id: openai:text-embedding-3-small, config: { baseUrl: "${openai.url}/v1" } }\n` +
      'providers: [{ id: "mock:bot", config: { default: "Paris" } }]\nprompts: ["{{ q }}"]\n' +
      'tests:\n  - vars: { q: Capital of France? }\n    assert:\n' +
      '      - { type: llm-rubric, value: Names Paris, graderRepeat: 2 }\n      - { type: similar, value: Paris }\n' +
      `      - type: llm-rubric\n        value: Is short\n        grader: { id: openai:gpt-4o-mini, config: { baseUrl: "${openai.url}/v1", apiKeyEnv: WRONG_KEY, maxRetries: 0 } }\n`,
  );
});
afterAll(async () => {
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('judge calls from the CLI', () => {
  it('count in `llmlab plan`', async () => {
    const r = await runCli(['plan', 'suite.yaml'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('nodes: 1 generate, 3 grade, 4 judge (grader and embedder calls, after the generation they grade)');
    expect(openai.requests).toHaveLength(0);
  });

  it('never put an API key into the database, the report or the log, and a re-run calls no judge', async () => {
    const r = await runCli(['eval', 'suite.yaml', '-o', 'report.json'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(r.code).toBe(1); // the judge with the wrong key fails its assertion: an error cell
    // The keys were really sent: the fake rejects any other key, and echoes a wrong one in its 401.
    expect(openai.requests.map((q) => q.headers.authorization).sort()).toEqual([...Array(3).fill(`Bearer ${KEY}`), `Bearer ${WRONG}`]);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const [rubric, similar, wrong] = report.cells[0].assertions;
    expect(rubric).toMatchObject({ pass: true, judgeVerdicts: [true, true] });
    expect(rubric.cost).toBeGreaterThan(0);
    expect(similar).toMatchObject({ pass: true });
    expect(wrong.error).toMatch(/HTTP 401.*Incorrect API key provided: \*\*\*/);
    expect(report.summary.gradingCost).toBeGreaterThan(0);

    const dbFiles = readdirSync(join(dir, '.llmlab')).map((f) => join(dir, '.llmlab', f)).filter(existsSync);
    const places = { report: JSON.stringify(report), stdout: r.stdout, stderr: r.stderr, ...Object.fromEntries(dbFiles.map((f) => [f, readFileSync(f, 'latin1')])) };
    for (const [where, text] of Object.entries(places)) {
      for (const secret of [KEY, WRONG]) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }

    const before = openai.requests.length;
    const again = await runCli(['eval', 'suite.yaml'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(again.code).toBe(1);
    // Only the failed judge call is made again: failures are never cached.
    expect(openai.requests.slice(before).map((q) => q.headers.authorization)).toEqual([`Bearer ${WRONG}`]);
  });
});

describe('suites/examples/metrics.yaml', () => {
  it('runs the model-graded metrics offline on mock graders, shows judge agreement, and still passes its gate', async () => {
    const examples = mkdtempSync(join(tmpdir(), 'llmlab-judge-examples-'));
    try {
      cpSync(new URL('../../suites', import.meta.url).pathname, join(examples, 'suites'), { recursive: true });
      const r = await runCli(['eval', 'suites/examples/metrics.yaml', '-o', 'report.json'], { cwd: examples });
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/plain × expert +llm-rubric +score 0\.883 .* n=2 +judges α=0\.000 agree 66\.7% \(2 × 3\)/);
      const report = JSON.parse(readFileSync(join(examples, 'report.json'), 'utf8'));
      const metrics = new Set(report.summary.metrics.map((m: { metric: string }) => m.metric));
      for (const metric of ['llm-rubric', 'factuality', 'similar', 'answer-relevance']) expect(metrics).toContain(metric);
      const errored = report.cells.flatMap((c: { assertions: { error?: string }[] }) => c.assertions.filter((a) => a.error));
      expect(errored).toEqual([]);
    } finally {
      rmSync(examples, { recursive: true, force: true });
    }
  });
});
