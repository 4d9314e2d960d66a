/**
 * Every model-graded metric through the engine and the real providers against the fake OpenAI, Anthropic and
 * Ollama servers (tool call / tool_use / format, /v1/embeddings, /api/embed); garbage verdicts and failing
 * judges are errors, never passes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedProvider } from '../../src/config/types.js';
import { startFakeAnthropic, startFakeOllama, startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { textOf } from '../fakes/harness.js';
import { fakeGrader, judged, judgedSuite, judgeHarness, type JudgeHarness } from './judge-harness.js';

let openai: FakeServer;
let anthropic: FakeServer;
let ollama: FakeServer;
let h: JudgeHarness;

/** The fake judge: passes what names Paris, for whichever metric's tool the request names. */
function judgeAnswer(body: any): string {
  const all = JSON.stringify(body);
  const user = textOf(body.messages.at(-1)?.content);
  const paris = /\]\s*Paris\s*$/.test(user);
  const promptfooJudge = promptfooJudgeAnswer(all, user, paris);
  if (promptfooJudge !== undefined) return promptfooJudge;
  if (all.includes('submit_verdict')) return JSON.stringify({ pass: paris, score: paris ? 0.9 : 0.1, reason: paris ? 'names Paris' : 'wrong city' });
  if (all.includes('submit_choice')) return JSON.stringify({ choice: paris ? 'A' : 'D', reason: paris ? 'subset' : 'disagrees' });
  if (all.includes('submit_questions')) {
    const questions = paris ? ['What is the capital of France?', 'Which city is the capital of France?'] : ['What city is Lyon?'];
    return JSON.stringify({ questions });
  }
  return 'not a judge request';
}

/** The judges promptfoo suites name (g-eval, closedqa, the RAG metrics): passes what names Paris, by tool. */
function promptfooJudgeAnswer(all: string, user: string, paris: boolean): string | undefined {
  if (all.includes('submit_steps')) return JSON.stringify({ steps: ['Check which city is named'] });
  if (all.includes('submit_score')) return JSON.stringify({ reason: paris ? 'right city' : 'wrong city', score: paris ? 9 : 1 });
  if (all.includes('submit_verdict') && all.includes('"Y"')) return JSON.stringify({ reason: 'checked', verdict: paris ? 'Y' : 'N' });
  if (all.includes('submit_claims')) return JSON.stringify({ claims: [paris ? 'Paris is the capital.' : 'Lyon is the capital.'] });
  if (all.includes('submit_verdicts')) return JSON.stringify({ verdicts: [{ supported: /1\. Paris/.test(user), reason: 'checked' }] });
  if (all.includes('submit_statements')) return JSON.stringify({ statements: [{ statement: 'Paris is the capital of France.', attributed: true }] });
  if (all.includes('submit_needed_sentences')) return JSON.stringify({ needed: [1], reason: 'the first sentence says it' });
  return undefined;
}

beforeAll(async () => {
  [openai, anthropic, ollama] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeOllama()]);
});
afterAll(() => Promise.all([openai.close(), anthropic.close(), ollama.close()]));
beforeEach(() => {
  h = judgeHarness();
  for (const server of [openai, anthropic, ollama]) {
    server.setBehaviour({ failures: [], answer: judgeAnswer });
    server.requests.length = 0;
  }
});
afterEach(() => h.dispose());

const QUESTIONS = { 'What is the capital of France?': 'Paris', 'What is the capital of Germany?': 'Lyon' };
const all = [
  judged('llm-rubric', 'Names the right capital city'),
  judged('factuality', 'Paris is the capital of France.'),
  judged('answer-relevance', undefined, { calls: 2 }),
];

const apis: Array<[string, () => ResolvedProvider, () => ResolvedProvider]> = [
  ['OpenAI', () => fakeGrader('openai:gpt-4o-mini', { baseUrl: `${openai.url}/v1` }), () => fakeGrader('openai:text-embedding-3-small', { baseUrl: `${openai.url}/v1` })],
  ['Anthropic', () => fakeGrader('anthropic:claude-3-5-haiku-latest', { baseUrl: anthropic.url }), () => fakeGrader('openai:text-embedding-3-small', { baseUrl: `${openai.url}/v1` })],
  ['Ollama', () => fakeGrader('ollama:llama3.2', { host: ollama.url }), () => fakeGrader('ollama:nomic-embed-text', { host: ollama.url })],
];

describe.each(apis)('model-graded metrics judged by the fake %s server', (api, grader, embedder) => {
  it('pass what the judge passes and fail what it fails, with reasons', async () => {
    const { cells } = await h.run(judgedSuite(QUESTIONS, [...all, judged('similar', ['It is Paris', 'Paris'])], { g: grader(), e: embedder() }));
    const [paris, lyon] = cells;
    expect(paris!.status).toBe('pass');
    expect(lyon!.status).toBe('fail');
    const byType = (cell: typeof paris) => Object.fromEntries(cell!.assertions.map((a) => [a.type, a]));
    expect(byType(paris)).toMatchObject({
      'llm-rubric': { pass: true, score: 0.9, reason: 'names Paris', judgeVerdicts: [true] },
      factuality: { pass: true, score: 0.4, reason: '(A) subset' },
      'answer-relevance': { pass: true },
      similar: { pass: true, score: expect.closeTo(1, 6) },
    });
    expect(byType(paris)['answer-relevance']!.score).toBeGreaterThan(0.7);
    expect(byType(lyon)).toMatchObject({
      'llm-rubric': { pass: false, score: 0.1 },
      factuality: { pass: false, score: 0, reason: '(D) disagrees' },
      'answer-relevance': { pass: false },
      similar: { pass: false },
    });
    for (const cell of cells) for (const a of cell.assertions) expect(a.error, `${api} ${a.type}`).toBeUndefined();
  });

  it("grades promptfoo's judges (g-eval, closedqa, context-*) through the real adapter", async () => {
    const context = 'Paris is the capital of France. France is in Europe.';
    const promptfoo = [
      judged('g-eval', 'Names the right capital city', { calls: 2 }),
      judged('model-graded-closedqa', 'Names the right capital city'),
      judged('context-faithfulness', { context }, { calls: 2 }, { threshold: 0.9 }),
      judged('context-recall', { reference: 'Paris is the capital of France.', context }, {}, { threshold: 1 }),
      judged('context-relevance', { context }, {}, { threshold: 0.5 }),
    ];
    const { cells } = await h.run(judgedSuite(QUESTIONS, promptfoo, { g: grader() }));
    const byType = (i: number) => Object.fromEntries(cells[i]!.assertions.map((a) => [a.type, [a.pass, a.score, a.error]]));
    expect(byType(0)).toEqual({
      'g-eval': [true, 0.9, undefined],
      'model-graded-closedqa': [true, 1, undefined],
      'context-faithfulness': [true, 1, undefined],
      'context-recall': [true, 1, undefined],
      'context-relevance': [true, 0.5, undefined],
    });
    expect(byType(1)).toEqual({
      'g-eval': [false, 0.1, undefined],
      'model-graded-closedqa': [false, 0, undefined],
      'context-faithfulness': [false, 0, undefined],
      // Recall and relevance judge the retrieval, not the output.
      'context-recall': [true, 1, undefined],
      'context-relevance': [true, 0.5, undefined],
    });
  });

  it('shows the judge the rubric, the task and the output', async () => {
    await h.run(judgedSuite({ 'What is the capital of France?': 'Paris' }, [judged('llm-rubric', 'Names the right capital city')], { g: grader() }));
    const server = api === 'OpenAI' ? openai : api === 'Anthropic' ? anthropic : ollama;
    const request = server.requests.find((r) => JSON.stringify(r.body).includes('submit_verdict'));
    const prompt = JSON.stringify(request!.body);
    for (const part of ['Names the right capital city', 'Q: What is the capital of France?', 'question: What is the capital of France?', '[Output to grade]\\nParis']) {
      expect(prompt).toContain(part);
    }
  });

  for (const [garbage, answer, message] of [
    ['not JSON', 'The output passes.', /the grader's answer is not JSON/],
    ['a missing `pass`', '{"score": 1, "reason": "fine"}', /must have required property 'pass'/],
    ['a score of 7', '{"pass": true, "score": 7, "reason": "great"}', /\/score must be <= 1/],
    ['a wrong type', '{"pass": "yes", "score": 1, "reason": "fine"}', /\/pass must be boolean/],
  ] as const) {
    it(`makes an llm-rubric answer with ${garbage} an error, never a pass`, async () => {
      const server = api === 'OpenAI' ? openai : api === 'Anthropic' ? anthropic : ollama;
      server.setBehaviour({ answer: () => answer });
      const { cells } = await h.run(judgedSuite({ 'What is the capital of France?': 'Paris' }, [judged('llm-rubric', 'Names Paris')], { g: grader() }));
      expect(cells[0]).toMatchObject({ status: 'error', assertions: [{ pass: false, score: 0 }] });
      // The Anthropic fake answers non-JSON with a text block (the real API only sends objects as tool input).
      expect(cells[0]!.assertions[0]!.error).toMatch(message);
    });
  }

  it('makes an unknown factuality choice an error', async () => {
    const server = api === 'OpenAI' ? openai : api === 'Anthropic' ? anthropic : ollama;
    server.setBehaviour({ answer: () => '{"choice": "F", "reason": "none fits"}' });
    const { cells } = await h.run(judgedSuite({ 'What is the capital of France?': 'Paris' }, [judged('factuality', 'Paris')], { g: grader() }));
    expect(cells[0]!.status).toBe('error');
    expect(cells[0]!.assertions[0]!.error).toMatch(/\/choice must be equal to one of the allowed values/);
  });

  it('retries a judge HTTP 500, then makes the assertion an error naming the grader', async () => {
    const server = api === 'OpenAI' ? openai : api === 'Anthropic' ? anthropic : ollama;
    server.setBehaviour({ failures: [{ status: 500 }, { status: 500 }] });
    const { cells, seen } = await h.run(judgedSuite({ 'What is the capital of France?': 'Paris' }, [judged('llm-rubric', 'Names Paris')], { g: grader() }));
    expect(server.requests).toHaveLength(2);
    expect(cells[0]!.status).toBe('error');
    expect(cells[0]!.error).toMatch(/assertion llm-rubric failed: grader .+ failed: .*HTTP 500.*\(after 2 attempts\)/);
    expect(seen.filter((e) => e.type === 'retry')).toEqual([expect.objectContaining({ cellId: cells[0]!.cellId, attempt: 1 })]);
  });
});

describe('the judge through the engine', () => {
  it('recovers from one judge 500 with a retry', async () => {
    openai.setBehaviour({ failures: [{ status: 500 }] });
    const g = fakeGrader('openai:gpt-4o-mini', { baseUrl: `${openai.url}/v1` });
    const { cells } = await h.run(judgedSuite({ 'What is the capital of France?': 'Paris' }, [judged('llm-rubric', 'Names Paris')], { g }));
    expect(cells[0]!.status).toBe('pass');
    expect(openai.requests).toHaveLength(2);
  });

  it('fails before any call when the embedder has no embeddings API', async () => {
    const suite = judgedSuite({ q: 'a' }, [judged('similar', 'a')], { g: fakeGrader('echo', {}), e: fakeGrader('echo', {}) });
    await expect(h.run(suite)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: 'embedder `echo` has no embeddings API' });
  });

  it('makes a model-graded assertion without a judge an error, not a pass', async () => {
    const suite = judgedSuite({ q: 'a' }, [judged('llm-rubric', 'anything', { grader: undefined })], {});
    const { cells } = await h.run(suite);
    expect(cells[0]).toMatchObject({ status: 'error' });
    expect(cells[0]!.assertions[0]!.error).toBe('llm-rubric needs a grader, and none was given');
  });
});
