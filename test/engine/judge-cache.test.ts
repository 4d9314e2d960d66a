/**
 * Judge calls share the generation path's cache and accounting: a re-run makes no judge call, a changed rubric
 * makes new ones; graderRepeat makes distinct calls whose verdicts are folded by majority; grading cost is kept
 * per assertion, per cell and in the summary, apart from the generation cost.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonReport } from '../../src/report/writers/json.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { textOf } from '../fakes/harness.js';
import { reportValidator } from '../report/helpers.js';
import { fakeGrader, judged, judgedSuite, judgeHarness, type JudgeHarness } from './judge-harness.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

let server: FakeServer;
let h: JudgeHarness;
const PASS = '{"pass": true, "score": 1, "reason": "good"}';
const FAIL = '{"pass": false, "score": 0.4, "reason": "weak"}';

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(() => server.close());
beforeEach(() => {
  h = judgeHarness();
  server.setBehaviour({ failures: [], answer: () => PASS });
  server.requests.length = 0;
});
afterEach(() => h.dispose());

const grader = () => fakeGrader('openai:gpt-4o-mini', { baseUrl: `${server.url}/v1` });
const judgeRequests = () => server.requests.filter((r) => r.path === '/v1/chat/completions').length;

describe('judge calls and the response cache', () => {
  it('a second run makes zero judge calls; a changed rubric makes new ones', async () => {
    const questions = { 'What is 2 + 2?': 'four', 'What is 3 + 3?': 'six' };
    const first = await h.run(judgedSuite(questions, [judged('llm-rubric', 'Answers with the right number')], { g: grader() }));
    expect(judgeRequests()).toBe(2);
    expect(first.outcome.stats).toMatchObject({ judgeCalls: 2, judgeCacheHits: 0 });

    const second = await h.run(judgedSuite(questions, [judged('llm-rubric', 'Answers with the right number')], { g: grader() }));
    expect(judgeRequests()).toBe(2);
    expect(second.outcome.stats).toMatchObject({ judgeCalls: 0, judgeCacheHits: 2 });
    expect(second.cells.map((c) => c.status)).toEqual(['pass', 'pass']);
    // A cached verdict costs what it cost when it was recorded.
    expect(second.cells.map((c) => c.gradingCost)).toEqual(first.cells.map((c) => c.gradingCost));

    await h.run(judgedSuite(questions, [judged('llm-rubric', 'Answers in words, not digits')], { g: grader() }));
    expect(judgeRequests()).toBe(4);
    await h.run(judgedSuite(questions, [judged('llm-rubric', 'Answers in words, not digits')], { g: grader() }), { cache: false });
    expect(judgeRequests()).toBe(6);
  });

  it('caches embeddings too', async () => {
    const e = fakeGrader('openai:text-embedding-3-small', { baseUrl: `${server.url}/v1` });
    const suite = judgedSuite({ q: 'the cat sat' }, [judged('similar', 'the cat sat', { calls: 1 })], { e });
    const first = await h.run(suite);
    const second = await h.run(suite);
    expect(server.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(1);
    expect(second.cells[0]!.assertions[0]).toEqual(first.cells[0]!.assertions[0]);
    expect(second.cells[0]!.assertions[0]!.score).toBeCloseTo(1, 6);
  });
});

describe('graderRepeat', () => {
  it('asks 3 times, takes the majority verdict and the mean score, and lists each round', async () => {
    let n = 0;
    server.setBehaviour({ answer: () => [PASS, FAIL, PASS][n++ % 3]! });
    const { cells, summary, outcome } = await h.run(
      judgedSuite({ 'What is 2 + 2?': 'four' }, [judged('llm-rubric', 'Answers correctly', { repeat: 3, calls: 3 })], { g: grader() }),
    );
    expect(judgeRequests()).toBe(3);
    expect(outcome.stats.judgeCalls).toBe(3);
    const [a] = cells[0]!.assertions;
    expect(cells[0]!.status).toBe('pass');
    expect(a!.score).toBeCloseTo((1 + 0.4 + 1) / 3, 12);
    expect([...a!.judgeVerdicts!].sort()).toEqual([false, true, true]);
    expect(a!.reason).toMatch(/^2 of 3 judge rounds passed \(.*fail 0\.40: weak.*\)$/);
    // One output judged 3 times, 2 pass 1 fail: percent agreement 1/3; alpha 1 − (2/3)/(2/3) = 0 (by hand).
    expect(summary.metrics[0]!.judgeAgreement).toEqual({ alpha: 0, percent: 1 / 3, units: 1, raters: 3 });
  });

  it('gives each round its own cache entry, so a re-run replays all three', async () => {
    let n = 0;
    server.setBehaviour({ answer: () => [PASS, FAIL, FAIL][n++ % 3]! });
    const suite = judgedSuite({ 'What is 2 + 2?': 'four' }, [judged('llm-rubric', 'Answers correctly', { repeat: 3, calls: 3 })], { g: grader() });
    const first = await h.run(suite);
    const second = await h.run(suite);
    expect(judgeRequests()).toBe(3);
    expect(second.outcome.stats.judgeCacheHits).toBe(3);
    expect([...second.cells[0]!.assertions[0]!.judgeVerdicts!].sort()).toEqual([false, false, true]);
    expect(second.cells[0]!.status).toBe('fail');
    expect(first.cells[0]!.status).toBe('fail');
  });

  it('fails a tie (graderRepeat 2, one pass and one fail)', async () => {
    let n = 0;
    server.setBehaviour({ answer: () => [PASS, FAIL][n++ % 2]! });
    const { cells } = await h.run(
      judgedSuite({ 'What is 2 + 2?': 'four' }, [judged('llm-rubric', 'Answers correctly', { repeat: 2, calls: 2 })], { g: grader() }),
    );
    expect(cells[0]!.assertions[0]).toMatchObject({ pass: false, score: 0.7 });
    expect(cells[0]!.assertions[0]!.reason).toMatch(/a tie, which fails/);
  });

  it('reports agreement over cells × rounds against hand-computed values', async () => {
    // Verdicts by graded output: four → T F T, five → T T T, six → F F F (rounds in any order).
    const script: Record<string, string[]> = { four: [PASS, FAIL, PASS], five: [PASS, PASS, PASS], six: [FAIL, FAIL, FAIL] };
    const counts: Record<string, number> = {};
    server.setBehaviour({
      answer: (body) => {
        const output = /\[Output to grade\]\n(\w+)$/.exec(textOf(body.messages.at(-1).content))![1]!;
        return script[output]![(counts[output] = (counts[output] ?? -1) + 1) % 3]!;
      },
    });
    const questions = { 'q four': 'four', 'q five': 'five', 'q six': 'six' };
    const { summary } = await h.run(judgedSuite(questions, [judged('llm-rubric', 'Is a number', { repeat: 3, calls: 3 })], { g: grader() }));
    // n = 9 values, 5 T and 4 F. D_o = (1/9)·[(9 − 5)/2 + 0 + 0] = 2/9; D_e = (81 − 25 − 16)/(9·8) = 5/9;
    // α = 1 − (2/9)/(5/9) = 0.6. Percent agreement: mean of 1/3, 1, 1 = 7/9.
    const agreement = summary.metrics[0]!.judgeAgreement!;
    expect(agreement.alpha).toBeCloseTo(0.6, 12);
    expect(agreement.percent).toBeCloseTo(7 / 9, 12);
    expect(agreement).toMatchObject({ units: 3, raters: 3 });
  });
});

describe('grading cost', () => {
  it('is kept per assertion, per cell and in the summary, never in the generation cost', async () => {
    const e = fakeGrader('openai:text-embedding-3-small', { baseUrl: `${server.url}/v1` });
    const suite = judgedSuite(
      { 'What is 2 + 2?': 'four' },
      [judged('llm-rubric', 'Answers correctly'), judged('similar', 'four', { calls: 1 }), judged('equals', 'four', undefined, { judge: undefined })],
      { g: grader(), e },
    );
    const { cells, summary, outcome } = await h.run(suite);
    const [rubric, similar, equals] = cells[0]!.assertions;
    // gpt-4o-mini: $0.15 / $0.60 per million input / output tokens; text-embedding-3-small: $0.02 per million.
    const request = server.requests.find((r) => r.path === '/v1/chat/completions')!.body;
    const inputTokens = request.messages.reduce((n: number, m: { content: string }) => n + m.content.trim().split(/\s+/).length, 0);
    const outputTokens = PASS.split(/\s+/).length;
    expect(rubric!.cost).toBeCloseTo((inputTokens * 0.15 + outputTokens * 0.6) / 1e6, 15);
    expect(similar!.cost).toBeCloseTo((1 + 1) * 0.02 / 1e6, 15);
    expect(equals!.cost).toBeUndefined();
    expect(cells[0]!.gradingCost).toBeCloseTo(rubric!.cost! + similar!.cost!, 15);
    expect(cells[0]!.cost).toBe(0); // the mock target costs nothing
    expect(summary.gradingCost).toBeCloseTo(cells[0]!.gradingCost!, 15);
    expect(summary.targets[0]!.gradingCost).toBeCloseTo(cells[0]!.gradingCost!, 15);
    expect(summary.cost).toBe(0);

    const path = join(tmpdir(), `llmlab-judge-report-${process.pid}.json`);
    writeJsonReport(path, h.store, outcome.run, summary, 'test');
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.cells[0].gradingCost).toBeCloseTo(cells[0]!.gradingCost!, 15);
  });
});
