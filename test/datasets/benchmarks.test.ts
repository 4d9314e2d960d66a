/**
 * Benchmark adapters end to end: each fixture (official format) through the real CLI against the fake OpenAI
 * server, with scripted answers so every score is known exactly.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { runCli } from '../cli/run-cli.js';
import { PythonRandom } from '../../src/datasets/python-random.js';

const FIX = new URL('../fixtures/benchmarks/', import.meta.url).pathname;
let dir: string;
let server: FakeServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-bench-'));
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => server.setBehaviour({ answer: undefined, tokenLogprob: undefined }));

interface MetricRow {
  metric: string;
  n: number;
  passRate: number;
  passRateInterval: { low: number; high: number } | null;
}

async function evalSuite(name: string, yaml: string, args: string[] = []) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const out = join(dir, `${name}.json`);
  const r = await runCli(['eval', file, '-o', out, '--db', join(dir, `${name}.db`), ...args], { cwd: dir });
  const report = r.code === 2 ? undefined : JSON.parse(readFileSync(out, 'utf8'));
  const metrics = new Map<string, MetricRow>((report?.summary.metrics ?? []).map((m: MetricRow) => [m.metric, m]));
  return { ...r, report, metrics };
}

const provider = (extra = '') => `providers:
  - id: openai:gpt-4o-mini
    config: { baseUrl: ${server.url}/v1, maxRetries: 0${extra} }
`;
const lastUser = (body: any): string => String(body.messages.at(-1).content);

describe('gsm8k', () => {
  it('scores strict-match and flexible-extract separately, with Wilson intervals', async () => {
    server.setBehaviour({
      answer: (body) => {
        const question = lastUser(body).split('Question: ').pop()!;
        const m = /Tom has (\d+) boxes with (\d+)/.exec(question);
        if (!m) return 'They have 1200 + 34 = 1234.\n#### 1,234.'; // strict after dropping the comma and period
        const [a, b] = [Number(m[1]), Number(m[2])];
        if (a <= 7) return `${a} * ${b} = ${a * b}\n#### ${a * b}`;
        if (a <= 9) return `So the answer is ${a * b} apples.`; // no "####": only flexible extraction finds it
        return '#### 3';
      },
    });
    const r = await evalSuite(
      'gsm8k',
      `${provider()}prompts:
  - "{{ fewshot }}Question: {{ question }}\\nAnswer:"
dataset:
  type: gsm8k
  path: ${FIX}gsm8k/test.jsonl
  fewshot: { k: 2, path: ${FIX}gsm8k/train.jsonl, seed: 7 }
gates: { minPassRate: 0 }
`,
    );
    expect(r.code, r.stderr).toBe(0);
    const strict = r.metrics.get('strict-match')!;
    expect(strict.n).toBe(10);
    expect(strict.passRate).toBeCloseTo(0.7, 10);
    // Wilson 95 % for 7/10.
    expect(strict.passRateInterval!.low).toBeCloseTo(0.3968, 3);
    expect(strict.passRateInterval!.high).toBeCloseTo(0.8922, 3);
    expect(r.metrics.get('flexible-extract')!.passRate).toBeCloseTo(0.9, 10);
    expect(r.stdout).toMatch(/strict-match .*pass 70\.0%/);
    // Two shots per item from the train file, drawn in file order from one random.Random(7) as lm-eval does.
    const prompts = server.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => lastUser(q.body));
    const train = readFileSync(`${FIX}gsm8k/train.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { question: string; answer: string });
    const questions = readFileSync(`${FIX}gsm8k/test.jsonl`, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { question: string }).question);
    const random = new PythonRandom(7);
    for (const question of questions) {
      const shots = random.sample(train, 2).map((shot) => `Question: ${shot.question}\nAnswer: ${shot.answer}\n\n`).join('');
      expect(prompts).toContain(`${shots}Question: ${question}\nAnswer:`);
    }
    expect(new Set(prompts.map((p) => p.slice(0, p.lastIndexOf('Question: ')))).size).toBeGreaterThan(1);
  });

  it('with repeat, shows the majority vote in the repeat summary', async () => {
    let calls = 0;
    server.setBehaviour({ answer: () => (calls++ % 3 === 0 ? '#### 0' : '#### 8') });
    const r = await evalSuite(
      'gsm8k-maj',
      `${provider()}prompts: ["Question: {{ question }}"]
repeat: 3
dataset: { type: gsm8k, path: ${FIX}gsm8k/test.jsonl, limit: 1 }
gates: { minPassRate: 0 }
`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.summary.repeats[0].majorityVotePassRate).toBe(1);
    expect(r.stdout).toMatch(/majority/i);
  });
});

describe('mmlu', () => {
  it('reports acc overall (micro-averaged), per category and per subject, with dev-split few-shot', async () => {
    const right: Record<string, string> = {
      'order of the group': 'D',
      'is a field': 'C',
      'identity of (Z, +)': 'B', // wrong (gold A)
      'a group?': 'B',
      'largest ocean': 'A', // wrong (gold D)
      'north and south': 'A',
    };
    server.setBehaviour({
      answer: (body) => {
        const last = lastUser(body).split('\n\n').pop()!;
        const key = Object.keys(right).find((k) => last.includes(k));
        return `Answer: ${key ? right[key] : 'A'}`;
      },
    });
    const r = await evalSuite(
      'mmlu',
      `${provider()}prompts:
  - "The following are multiple choice questions (with answers) about {{ subject_text }}.\\n\\n{{ fewshot }}{{ question }}\\n{{ choices_text }}\\nAnswer:"
dataset:
  type: mmlu
  path: ${FIX}mmlu/test/*_test.csv
  fewshot: { k: 1, path: ${FIX}mmlu/dev/*_dev.csv }
gates: { minPassRate: 0 }
`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.metrics.get('acc')!.passRate).toBeCloseTo(4 / 6, 10);
    expect(r.metrics.get('acc[subject=abstract_algebra]')!.passRate).toBeCloseTo(0.75, 10);
    expect(r.metrics.get('acc[subject=high_school_geography]')!.passRate).toBeCloseTo(0.5, 10);
    expect(r.metrics.get('acc[category=stem]')!.n).toBe(4);
    expect(r.metrics.get('acc[category=social_sciences]')!.passRate).toBeCloseTo(0.5, 10);
    expect(r.stdout).toMatch(/acc\[subject=abstract_algebra\]/);
    const algebra = server.requests.map((q) => (q.body?.messages ? lastUser(q.body) : '')).find((p) => p.includes('order of the group'))!;
    expect(algebra).toContain('about abstract algebra.\n\nHow many elements has Z_3?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer: C\n\n');
    expect(r.report.cells.find((c: any) => c.testId === 'abstract_algebra-3').vars.question).toBe('Is Z_2, with "x" as the operation, a group?');
  });
});

describe('arc', () => {
  it('relabels numeric choice labels and scores the generated letter', async () => {
    const answers: Record<string, string> = { renewable: 'Answer: B', plants: 'The answer is (A)', mass: 'Answer: B', freezes: 'Answer: D' };
    server.setBehaviour({
      answer: (body) => answers[Object.keys(answers).find((k) => lastUser(body).includes(k))!]!,
    });
    const r = await evalSuite(
      'arc',
      `${provider()}prompts: ["Question: {{ question }}\\n{{ choices_text }}\\nAnswer:"]
dataset: { type: arc, path: ${FIX}arc/ARC-Easy-Test.jsonl }
gates: { minPassRate: 0 }
`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.metrics.get('acc')!.passRate).toBeCloseTo(0.75, 10);
    expect(r.report.cells.map((c: any) => c.testId).sort()).toEqual(['ARCEZ_1', 'ARCEZ_4', 'Mercury_7175875', 'NYSEDREGENTS_2015_4_8']);
  });

  it('sample and limit pick a seeded subset', async () => {
    server.setBehaviour({ answer: () => 'Answer: A' });
    const yaml = (extra: string) => `${provider()}prompts: ["{{ question }}"]
dataset: { type: arc, path: ${FIX}arc/ARC-Easy-Test.jsonl, ${extra} }
gates: { minPassRate: 0 }
`;
    const a = await evalSuite('arc-sample-a', yaml('sample: { n: 3, seed: 5 }'));
    const b = await evalSuite('arc-sample-b', yaml('sample: { n: 3, seed: 5 }, limit: 2'));
    const ids = (r: typeof a) => r.report.cells.map((c: any) => c.testId);
    expect(ids(a)).toHaveLength(3);
    expect(ids(b)).toEqual(ids(a).slice(0, 2));
  });
});

describe('hellaswag loglikelihood', () => {
  it('acc and acc_norm differ where length normalisation changes the pick', async () => {
    // Total log-probability of each ending; anything not listed gets -10.
    const totals: Record<string, number> = {
      ' starts pulling up roofing on a roof.': -2, // gold of item 1: best either way
      ' pulls the barbell forward.': -4, // 27 bytes: best total, worse per byte
      ' pulls a rope attached to the barbell.': -4.5, // gold of item 2, 38 bytes: best per byte
      ' paddle down the river.': -1, // gold of item 3
    };
    server.setBehaviour({
      tokenLogprob: (_token, offset, text) => {
        const ending = Object.keys(totals).find((e) => text.endsWith(e));
        const total = ending ? totals[ending]! : -10;
        const start = text.length - (ending ?? '').length;
        if (!ending || offset < start) return ending ? -1 : -10 / 5;
        return total / ending.trim().split(/\s+/).length;
      },
    });
    const r = await evalSuite(
      'hellaswag',
      `${provider(', api: completions')}prompts: ["{{ ctx }}"]
dataset: { type: hellaswag, path: ${FIX}hellaswag/hellaswag_val.jsonl, protocol: loglikelihood }
gates: { minPassRate: 0 }
`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.metrics.get('acc')!.passRate).toBeCloseTo(2 / 3, 10);
    expect(r.metrics.get('acc_norm')!.passRate).toBe(1);
    const request = server.requests.find((q) => q.path === '/v1/completions')!;
    expect(request.body).toMatchObject({ echo: true, logprobs: 1 });
    expect(request.body.prompt).toHaveLength(4);
  });

  it('a provider without logprobs is a clear config error before any call', async () => {
    const before = server.requests.length;
    const r = await evalSuite(
      'hellaswag-chat',
      `${provider()}prompts: ["{{ ctx }}"]
dataset: { type: hellaswag, path: ${FIX}hellaswag/hellaswag_val.jsonl, protocol: loglikelihood }
`,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/loglikelihood protocol needs log-probabilities.*openai:gpt-4o-mini/);
    expect(r.stderr).toMatch(/api: completions/);
    expect(server.requests.length).toBe(before);
  });

  it('humaneval has no loglikelihood protocol, and a missing data file names the path', async () => {
    const r = await evalSuite('bad-dataset', `${provider()}prompts: ["x"]
dataset: { type: humaneval, path: nowhere.jsonl, protocol: loglikelihood }
`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/humaneval has no `loglikelihood` protocol/);
    const missing = await evalSuite('missing', `${provider()}prompts: ["x"]
dataset: { type: gsm8k, path: nowhere.jsonl }
`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere\.jsonl/);
  });
});

describe('llmlab benchmarks', () => {
  it('lists every adapter with its data file and where it is published', async () => {
    const r = await runCli(['benchmarks'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const id of ['gsm8k', 'mmlu', 'arc', 'hellaswag', 'humaneval']) expect(r.stdout).toMatch(new RegExp(`^${id} — `, 'm'));
    expect(r.stdout).toContain('github.com/openai/human-eval');
    expect(r.stdout).toContain('hendrycks');
  });
});

describe('suites/examples/benchmarks-offline.yaml', () => {
  it('runs offline on the mock model and gives its known score', async () => {
    const suite = new URL('../../suites/examples/benchmarks-offline.yaml', import.meta.url).pathname;
    const r = await runCli(['eval', suite, '--db', join(dir, 'offline.db')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/flexible-extract .*pass 90\.0% \[59\.6–98\.2\]/);
    expect(r.stdout).toMatch(/strict-match .*pass 80\.0% \[49\.0–94\.3\]/);
  });
});
