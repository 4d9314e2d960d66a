import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOnlineJudge, inJudgeSample, type OnlineJudgeOptions } from '../../src/gateway/experiment-judge.js';
import { createGatewayStore } from '../../src/store/gateway.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { GenerateRequest, Provider } from '../../src/types.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-online-judge-'));
  store = openStore(join(dir, 'llmlab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A grader that answers every structured request with `answer`, recording what it was asked. */
function grader(answer: unknown, hold?: Promise<void>, usage = { input: 100, output: 20, total: 120 }) {
  const asked: GenerateRequest[] = [];
  const provider: Provider = {
    id: 'mock:grader',
    type: 'mock',
    model: 'grader',
    identity: { model: 'grader' },
    async generate(request) {
      asked.push(request);
      await hold;
      return { output: JSON.stringify(answer), usage };
    },
  };
  return { provider, asked };
}

function judgeWith(provider: Provider, patch: Partial<OnlineJudgeOptions> = {}) {
  const gateway = createGatewayStore(store, { flushMs: 60_000 });
  const judge = createOnlineJudge({
    experiment: 'tone-test',
    rubric: 'Answers politely',
    sample: 1,
    grader: provider,
    price: { input: 1, output: 2 },
    cache: store.cache,
    outcomes: gateway.outcomes,
    now: () => 1234,
    ...patch,
  });
  return { judge, gateway };
}

const answer = (requestId: string, output = 'Happy to help!') => ({
  requestId,
  messages: [{ role: 'user' as const, content: 'Where is my order?' }],
  output,
});

describe('inJudgeSample', () => {
  it('is reproducible per request id and takes about the sampled fraction', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `req_${i}`);
    const taken = ids.filter((id) => inJudgeSample(id, 0.1));
    expect(taken.length).toBeGreaterThan(900);
    expect(taken.length).toBeLessThan(1100);
    expect(ids.filter((id) => inJudgeSample(id, 0.1))).toEqual(taken);
    expect(inJudgeSample('req_1', 0)).toBe(false);
    expect(inJudgeSample('req_1', 1)).toBe(true);
  });
});

describe('createOnlineJudge', () => {
  it('scores a sampled answer with the llm-rubric prompt and stores a judge outcome', async () => {
    const { provider, asked } = grader({ pass: true, score: 0.8, reason: 'polite' });
    const { judge } = judgeWith(provider);
    const outcome = await judge.judge(answer('req_a'));
    // Cost from the price: 100 input tokens at $1/M and 20 output at $2/M.
    expect(outcome).toMatchObject({ judged: true, score: 0.8, cached: false });
    expect(outcome.judged && outcome.costUsd).toBeCloseTo(140e-6, 12);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.structured).toBeDefined();
    const user = asked[0]!.messages.at(-1)!.content;
    expect(user).toContain('[Rubric]\nAnswers politely');
    expect(user).toContain('user: Where is my order?');
    expect(user).toContain('[Output to grade]\nHappy to help!');
    const rows = store.db.prepare('SELECT request_id, source, score, at FROM gateway_outcomes').all();
    expect(rows).toEqual([{ request_id: 'req_a', source: 'judge', score: 0.8, at: 1234 }]);
  });

  it('answers the same answer again from the response cache: no grader call, no cost', async () => {
    const { provider, asked } = grader({ pass: true, score: 0.8, reason: 'polite' });
    const { judge } = judgeWith(provider);
    await judge.judge(answer('req_a'));
    const again = await judge.judge(answer('req_b'));
    expect(again).toEqual({ judged: true, score: 0.8, costUsd: 0, cached: true });
    expect(asked).toHaveLength(1);
  });

  it('skips requests outside the sample without calling the grader', async () => {
    const { provider, asked } = grader({ pass: true, score: 1, reason: '' });
    const { judge } = judgeWith(provider, { sample: 0.1 });
    const ids = Array.from({ length: 50 }, (_, i) => `req_${i}`);
    const results = await Promise.all(ids.map((id) => judge.judge(answer(id, `answer ${id}`))));
    const judged = results.filter((r) => r.judged).length;
    expect(judged).toBe(ids.filter((id) => inJudgeSample(id, 0.1)).length);
    expect(asked).toHaveLength(judged);
  });

  it('rejects an off-schema answer as a METRIC_ERROR and stores nothing', async () => {
    const { provider } = grader({ verdict: 'yes' });
    const { judge } = judgeWith(provider);
    await expect(judge.judge(answer('req_a'))).rejects.toMatchObject({ code: 'METRIC_ERROR' });
    expect(store.db.prepare('SELECT count(*) AS n FROM gateway_outcomes').get()).toEqual({ n: 0 });
  });

  it('reserves each uncached call against a budget and skips the judgement once it is spent', async () => {
    const { provider, asked } = grader({ pass: true, score: 1, reason: '' }, undefined, { input: 100, output: 400, total: 500 });
    const gateway = createGatewayStore(store, { flushMs: 60_000 });
    // A call costs $0.0009 (100 in at $1/M, 400 out at $2/M) and reserves its worst case, $0.002 for 1,000 output
    // tokens plus its counted input (the rubric prompt, about 120 tokens: $0.00012). The first two fit
    // in $0.0035 (0 + ~0.0023, then 0.0009 + ~0.0023); the third does not (0.0018 + ≥ 0.002).
    const limits = { id: 'judge:tone-test', budgetUsd: { day: 0.0035 } };
    const now = Date.UTC(2026, 11, 7);
    const { judge } = judgeWith(provider, { budget: { spend: gateway.spend, limits, outputTokens: 1000 }, now: () => now });
    const results = [];
    for (const id of ['a', 'b', 'c']) results.push(await judge.judge(answer(`req_${id}`, `answer ${id}`)));
    expect(results.map((r) => (r.judged ? 'judged' : r.reason))).toEqual(['judged', 'judged', 'over-budget']);
    expect(asked).toHaveLength(2);
    // Settled at the real cost, not the reservation.
    expect(await gateway.spend.spent('judge:tone-test', 'day', now)).toBeCloseTo(0.0018, 12);
  });

  it('holds at most `concurrency` calls in flight and drops beyond the queue bound', async () => {
    let open!: () => void;
    const hold = new Promise<void>((resolve) => (open = resolve));
    const { provider, asked } = grader({ pass: true, score: 1, reason: '' }, hold);
    const { judge } = judgeWith(provider, { concurrency: 2, maxQueued: 1 });
    const pending = ['a', 'b', 'c'].map((id) => judge.judge(answer(`req_${id}`, `answer ${id}`)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toHaveLength(2);
    expect(await judge.judge(answer('req_d', 'answer d'))).toEqual({ judged: false, reason: 'dropped' });
    expect(judge.dropped()).toBe(1);
    open();
    expect((await Promise.all(pending)).every((r) => r.judged)).toBe(true);
    expect(asked).toHaveLength(3);
  });
});
