/** The RAG metrics: context-faithfulness, context-recall, context-relevance, with scripted judges. */
import { describe, expect, it } from 'vitest';
import { loadMetricPlugin } from '../../src/metrics/index.js';
import { sentencesOf } from '../../src/metrics/rag-context.js';
import type { JudgeRequest } from '../../src/types.js';
import { scriptedJudge, userText } from './judge-helpers.js';
import { scoreMetric } from './test-metric.js';

const [faithfulness, recall, relevance] = await Promise.all([
  loadMetricPlugin('context-faithfulness'),
  loadMetricPlugin('context-recall'),
  loadMetricPlugin('context-relevance'),
]);
const byTool = (answers: Record<string, string>) => scriptedJudge((r: JudgeRequest) => answers[r.structured!.name]!);
const CONTEXT = 'Paris is the capital of France.';

describe('context-faithfulness', () => {
  it('lists the claims, checks each against the context; score = supported / claims, with no pass mark of its own', async () => {
    const judge = byTool({
      submit_claims: JSON.stringify({ claims: ['Paris is the capital of France.', 'Paris has 2.2 million residents.'] }),
      submit_verdicts: JSON.stringify({ verdicts: [{ supported: true, reason: 'stated' }, { supported: false, reason: 'not in it' }] }),
    });
    const result = await scoreMetric(faithfulness, undefined, 'Paris, with 2.2 million residents, is the capital.', {
      judge,
      vars: { query: 'What is the capital?', context: [CONTEXT, 'France is in Europe.'] },
    });
    expect(result).toEqual({
      pass: true,
      score: 0.5,
      reason: '1 of 2 claims supported by the context (0.500); not supported: "Paris has 2.2 million residents."',
      judgeVerdicts: [true],
    });
    expect(userText(judge.requests[0]!)).toBe('[Question]\nWhat is the capital?\n\n[Answer]\nParis, with 2.2 million residents, is the capital.');
    expect(userText(judge.requests[1]!)).toBe(
      `[Context]\n(chunk 1) ${CONTEXT}\n\n(chunk 2) France is in Europe.\n\n[Claims]\n1. Paris is the capital of France.\n2. Paris has 2.2 million residents.`,
    );
  });

  it('an output with no claim scores 1 without a second call; verdicts that do not match the claims are an error', async () => {
    const none = byTool({ submit_claims: '{"claims": []}' });
    expect(await scoreMetric(faithfulness, { context: CONTEXT }, 'Hello!', { judge: none })).toMatchObject({ score: 1 });
    expect(none.requests).toHaveLength(1);
    const short = byTool({ submit_claims: '{"claims": ["a", "b"]}', submit_verdicts: '{"verdicts": [{"supported": true, "reason": "x"}]}' });
    const error = await scoreMetric(faithfulness, { context: CONTEXT }, 'a b', { judge: short }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'METRIC_ERROR', message: 'the grader gave 1 verdicts for 2 claims' });
  });

  it('without a context var or value is an error naming what to set', async () => {
    const error = await scoreMetric(faithfulness, undefined, 'x', { judge: byTool({}) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'METRIC_ERROR', message: 'context-faithfulness needs the retrieved context, and the test has no `context` var' });
  });
});

describe('context-recall', () => {
  it('scores the reference statements the context supports; the context may be given in value', async () => {
    const judge = byTool({
      submit_statements: JSON.stringify({
        statements: [{ statement: 'Python was released in 1991.', attributed: true }, { statement: 'Guido created Python.', attributed: false }],
      }),
    });
    const result = await scoreMetric(recall, { reference: 'Guido created Python in 1991.', context: 'Python was released in 1991.' }, 'x', { judge });
    expect(result).toMatchObject({ pass: true, score: 0.5, reason: '1 of 2 reference statements found in the context (0.500); not in the context: "Guido created Python."' });
    expect(userText(judge.requests[0]!)).toBe('[Context]\nPython was released in 1991.\n\n[Reference answer]\nGuido created Python in 1991.');
  });
});

describe('context-relevance', () => {
  it('numbers the context sentences itself; score = needed sentences / sentences', async () => {
    const judge = byTool({ submit_needed_sentences: '{"needed": [1, 1], "reason": "the first says it"}' });
    const context = 'Paris is the capital. France has great wine.\nThe Eiffel Tower is in Paris.';
    const result = await scoreMetric(relevance, undefined, 'x', { judge, vars: { query: 'What is the capital of France?', context } });
    expect(result).toMatchObject({ pass: true, score: 1 / 3, reason: '1 of 3 context sentences needed (0.333): the first says it' });
    expect(userText(judge.requests[0]!)).toBe(
      '[Question]\nWhat is the capital of France?\n\n[Context sentences]\n1. Paris is the capital.\n2. France has great wine.\n3. The Eiffel Tower is in Paris.',
    );
  });

  it('a sentence number outside the list is an error', async () => {
    const judge = byTool({ submit_needed_sentences: '{"needed": [4], "reason": "x"}' });
    const error = await scoreMetric(relevance, { context: 'One. Two.' }, 'x', { judge }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'METRIC_ERROR', message: 'the grader picked sentence 4, and the context has 2' });
  });

  it('cuts sentences after . ! ? and at line breaks, never inside a number', () => {
    expect(sentencesOf(['Pi is 3.14! Really?  Yes.\n\nNew line', ' '])).toEqual(['Pi is 3.14!', 'Really?', 'Yes.', 'New line']);
  });
});
