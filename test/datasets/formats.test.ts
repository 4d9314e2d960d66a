/**
 * The prompts the adapters build, exactly: lm-eval's formats per task and protocol, few-shot examples per item,
 * an item never among its own shots, and the shipped suites saying what they are.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { loadErrors, loadOk, project } from '../config/helpers.js';

const SUITES = fileURLToPath(new URL('../../suites/benchmarks/', import.meta.url));
const arcRow = (id: string, question: string, answerKey = 'A') =>
  JSON.stringify({ id, question, choices: { text: ['yes', 'no'], label: ['A', 'B'] }, answerKey });

describe('ARC: the format follows the protocol', () => {
  const files = {
    'test.jsonl': `${arcRow('q1', 'Is ice cold?')}\n`,
    'train.jsonl': `${arcRow('s1', 'Is fire hot?')}\n`,
  };
  it('loglikelihood is lm-eval arc_easy: "Question: …\\nAnswer:" and the choice texts, shots answered with the text', async () => {
    const { suite } = await loadOk({ ...files, 'suite.yaml': 'providers: [echo]\nprompts: ["{{ fewshot }}{{ query }}"]\ndataset: { type: arc, path: test.jsonl, protocol: loglikelihood, fewshot: { k: 1, path: train.jsonl } }\n' });
    const test = suite.tests[0]!;
    expect(`${String(test.vars['fewshot'])}${String(test.vars['query'])}`).toBe('Question: Is fire hot?\nAnswer: yes\n\nQuestion: Is ice cold?\nAnswer:');
    expect(test.continuations).toEqual([' yes', ' no']);
    expect(test.assert.map((a) => a.metric)).toEqual(['acc', 'acc_norm']);
  });

  it('generate lists the choices and answers shots with the letter', async () => {
    const { suite } = await loadOk({ ...files, 'suite.yaml': 'providers: [echo]\nprompts: ["{{ fewshot }}{{ query }}"]\ndataset: { type: arc, path: test.jsonl, fewshot: { k: 1, path: train.jsonl } }\n' });
    const test = suite.tests[0]!;
    expect(`${String(test.vars['fewshot'])}${String(test.vars['query'])}`).toBe(
      'Question: Is fire hot?\nA. yes\nB. no\nAnswer: A\n\nQuestion: Is ice cold?\nA. yes\nB. no\nAnswer:',
    );
    expect(test.continuations).toBeUndefined();
  });
});

describe('few-shot examples per item', () => {
  it('draws each item its own shots and never the item itself when shots come from the split under test', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => arcRow(`q${i}`, `Question number ${i}?`)).join('\n');
    const { suite } = await loadOk({ 'all.jsonl': `${rows}\n`, 'suite.yaml': 'providers: [echo]\nprompts: ["{{ fewshot }}{{ query }}"]\ndataset: { type: arc, path: all.jsonl, fewshot: { k: 5, path: all.jsonl } }\n' });
    for (const test of suite.tests) {
      const shots = String(test.vars['fewshot']);
      expect(shots.match(/Answer: A\n\n/g)).toHaveLength(5);
      expect(shots).not.toContain(String(test.vars['question']));
    }
    expect(new Set(suite.tests.map((t) => t.vars['fewshot'])).size).toBeGreaterThan(1);
  });

  it('says so, at the suite\'s few-shot entry, when the pool is too small for k', async () => {
    const errors = await loadErrors({ 'all.jsonl': `${arcRow('q1', 'One?')}\n${arcRow('q2', 'Two?')}\n`, 'suite.yaml': 'providers: [echo]\nprompts: ["{{ query }}"]\ndataset: { type: arc, path: all.jsonl, fewshot: { k: 2, path: all.jsonl } }\n' });
    expect(errors).toEqual([
      {
        code: 'DATASET_INVALID',
        at: 'suite.yaml:3:49',
        message: 'the few-shot file has 2 rows; k = 2 needs at least 3',
        hint: 'lower `fewshot.k`, or point `fewshot.path` at a larger split (usually the train split)',
      },
    ]);
  });
});

describe('MMLU', () => {
  it('trims the question in the item as in the shots, and reports no acc_norm under loglikelihood', async () => {
    const row = (q: string, answer: number) => JSON.stringify({ question: q, subject: 'anatomy', choices: ['w', 'x', 'y', 'z'], answer });
    const { suite } = await loadOk({
      'test.jsonl': `${row('  Padded question?  ', 2)}\n`,
      'dev.jsonl': `${row(' Shot? ', 0)}\n`,
      'suite.yaml': 'providers: [echo]\nprompts: ["{{ description }}{{ fewshot }}{{ query }}"]\ndataset: { type: mmlu, path: test.jsonl, protocol: loglikelihood, fewshot: { k: 1, path: dev.jsonl } }\n',
    });
    const test = suite.tests[0]!;
    expect(`${String(test.vars['description'])}${String(test.vars['fewshot'])}${String(test.vars['query'])}`).toBe(
      'The following are multiple choice questions (with answers) about anatomy.\n\nShot?\nA. w\nB. x\nC. y\nD. z\nAnswer: A\n\nPadded question?\nA. w\nB. x\nC. y\nD. z\nAnswer:',
    );
    expect(test.continuations).toEqual([' A', ' B', ' C', ' D']);
    expect(new Set(test.assert.map((a) => a.metric.replace(/\[.*/, '')))).toEqual(new Set(['acc']));
  });
});

describe('the shipped benchmark suites say what they are', () => {
  const load = (name: string) => loadSuite(join(SUITES, name), project);

  it('gsm8k.yaml is lm-eval gsm8k: 5 shots "Question: …\\nAnswer: <answer>" then "Question: …\\nAnswer:"', async () => {
    const suite = await load('gsm8k.yaml');
    const test = suite.tests[0]!;
    expect(String(test.vars['fewshot']).match(/^Question: .*\nAnswer: [\s\S]*?#### .*\n\n/gm)).toHaveLength(5);
    expect(test.vars['query']).toBe(`Question: ${String(test.vars['question'])}\nAnswer:`);
    expect(test.assert.map((a) => [a.metric, a.type])).toEqual([['strict-match', 'exact-match'], ['flexible-extract', 'exact-match']]);
  });

  it('hellaswag.yaml, titled 10-shot, gives each item 10 shots', async () => {
    const suite = await load('hellaswag.yaml');
    expect(suite.description).toMatch(/10-shot/);
    for (const test of suite.tests) expect(String(test.vars['fewshot']).split('\n\n').filter(Boolean)).toHaveLength(10);
  });

  it('arc.yaml (25-shot) and mmlu.yaml (5-shot) give each item that many shots', async () => {
    for (const [name, k] of [['arc.yaml', 25], ['mmlu.yaml', 5]] as const) {
      const suite = await load(name);
      for (const test of suite.tests) expect(String(test.vars['fewshot']).match(/Answer: [A-J]\n\n/g)).toHaveLength(k);
    }
  });
});
