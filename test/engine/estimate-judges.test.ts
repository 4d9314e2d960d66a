/** The judge calls `llmlab plan` announces: how many per grader, and their worst-case cost. */
import { describe, expect, it } from 'vitest';
import { createPlan } from '../../src/engine/plan.js';
import { estimateJudges, JUDGE_INSTRUCTION_TOKENS } from '../../src/engine/estimate-judges.js';
import { loadOk } from '../config/helpers.js';

describe('estimateJudges', () => {
  it('counts each grader\'s calls over every cell and bounds their cost at the price table', async () => {
    const { suite } = await loadOk({
      'suite.yaml': [
        'providers: [{ id: "openai:gpt-4o-mini", config: { maxTokens: 100 } }]',
        'prompts: ["{{q}}", "again {{q}}"]',
        'grader: { id: "openai:judge-model", config: { maxTokens: 50 } }',
        'prices: { "openai:judge-model": { input: 1, output: 10 } }',
        'tests:',
        '  - vars: { q: a }',
        '    assert: [{ type: llm-rubric, value: "12345678" }, { type: contains, value: a }]',
        '  - vars: { q: b }',
      ].join('\n'),
    });
    const judges = estimateJudges(createPlan(suite, {}));
    // 2 prompts × 1 test with a rubric: 2 calls, each (600 + 3 value tokens + 100 answer) in and 50 out.
    const input = 2 * (JUDGE_INSTRUCTION_TOKENS + 3 + 100);
    expect(judges).toEqual([{ id: 'openai:judge-model', calls: 2, priced: true, worstUsd: (input * 1 + 2 * 50 * 10) / 1e6 }]);
  });

  it('counts a comparison once per test and repeat across every prompt × provider, with all its outputs as input', async () => {
    const { suite } = await loadOk({
      'suite.yaml': [
        'providers: [{ id: "openai:a", config: { maxTokens: 100 } }, { id: "openai:b", config: { maxTokens: 100 } }]',
        'prompts: ["{{q}}", "again {{q}}"]',
        'grader: { id: "openai:judge-model", config: { maxTokens: 50 } }',
        'prices: { "openai:judge-model": { input: 1, output: 10 } }',
        'tests:',
        '  - vars: { q: a }',
        '    assert: [{ type: select-best, value: "12345678" }]',
      ].join('\n'),
    });
    const judges = estimateJudges(createPlan(suite, {}));
    // One call for the test's 4 outputs (2 prompts × 2 providers), all 4 answers in its input.
    const input = JUDGE_INSTRUCTION_TOKENS + 3 + 4 * 100;
    expect(judges).toEqual([{ id: 'openai:judge-model', calls: 1, priced: true, worstUsd: (input + 50 * 10) / 1e6 }]);
  });
});
