/**
 * Differential test against lm-evaluation-harness. The reference verdicts in
 * test/fixtures/benchmarks/reference/lm-eval-verdicts.json were computed by lm_eval_reference.py beside them: a
 * re-implementation, in Python with Python's own `re`, of lm-eval's regex filter, exact_match, the gsm8k and
 * mmlu/generative task settings, HellaSwag's preprocessing and CPython's random.sample (cited there by file
 * and commit). Here llmlab's own path — the adapter's assertions, resolved by the suite loader and scored by
 * the grader — must give the same verdict on every one of the adversarial outputs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGrader } from '../../src/engine/grade.js';
import { PythonRandom } from '../../src/datasets/python-random.js';
import { answerLetter } from '../../src/metrics/answer-letter.js';
import type { Assertion, TestCase } from '../../src/types.js';
import { loadOk } from '../config/helpers.js';

const REF_DIR = new URL('../fixtures/benchmarks/reference/', import.meta.url).pathname;
const REF_TEXT = readFileSync(`${REF_DIR}lm-eval-verdicts.json`, 'utf8');
const REF = JSON.parse(REF_TEXT) as {
  gsm8k: Array<{ output: string; gold: string; reference: string; strict: boolean; flexible: boolean; strictText: string; flexibleText: string }>;
  letters: Array<{ output: string; gold: string; pass: boolean }>;
  hellaswag: Array<{ doc: Record<string, unknown>; query: string; choices: string[] }>;
  samples: Array<{ seed: number; n: number; k: number; draws: number[][] }>;
};

/** Answers lm-eval's generative MMLU marks wrong and llmlab reads as a letter, on purpose (docs/benchmarks.md). */
const LENIENT = new Set([
  '\nB', '\n\nB', 'B .', 'B . ', 'B. 20%', 'answer: b', 'Option B', 'B - twenty', 'B: twenty', '(B) twenty', 'B) twenty',
  '**B.** twenty', 'B -', 'The answer is B', 'The answer is (B).', 'the answer is b', 'Answer: B', 'ANSWER: B', 'Answer: **B**',
  '**Answer:** B', 'answer is B', 'The correct answer is B.', 'Option (B)', 'option b.', 'Choice B', 'The best answer is B',
  'Let me think.\nAnswer: B', 'Let me think.\nThe answer is B.', 'A good question. The answer is B', 'Answer: D', 'D. 20%',
  'Option D', 'A. B', 'Answer: B, because (C) is wrong', 'b) 20%',
]);

async function gradeWith(assertions: Assertion[]) {
  const grader = createGrader('/tmp');
  return async (output: string) => {
    const test: TestCase = { id: 't', index: 0, vars: {}, assert: assertions };
    return grader.grade({ output, test, prompt: 'p', result: { output }, providerId: 'echo' });
  };
}

describe('GSM8K: strict-match and flexible-extract as lm-eval gsm8k.yaml scores them', async () => {
  const golds = [...new Set(REF.gsm8k.map((c) => c.gold))];
  const references = new Map(REF.gsm8k.map((c) => [c.gold, c.reference]));
  const rows = golds.map((gold) => JSON.stringify({ question: `q${gold}`, answer: references.get(gold) })).join('\n');
  const { suite } = await loadOk({
    'test.jsonl': `${rows}\n`,
    'suite.yaml': 'providers: [echo]\nprompts: ["{{ fewshot }}{{ query }}"]\ndataset: { type: gsm8k, path: test.jsonl }\n',
  });
  const graders = new Map<string, Awaited<ReturnType<typeof gradeWith>>>();
  for (const [i, gold] of golds.entries()) graders.set(gold, await gradeWith(suite.tests[i]!.assert));

  it(`agrees on all ${REF.gsm8k.length} (output, answer) pairs, extracted text included`, async () => {
    const disagreements: unknown[] = [];
    for (const c of REF.gsm8k) {
      const verdict = await graders.get(c.gold)!(c.output);
      const [strict, flexible] = verdict.assertions;
      const seen = { strict: strict!.pass, flexible: flexible!.pass, strictText: strict!.extracted ?? null, flexibleText: flexible!.extracted ?? null };
      const want = { strict: c.strict, flexible: c.flexible, strictText: c.strictText, flexibleText: c.flexibleText };
      if (JSON.stringify(seen) !== JSON.stringify(want)) disagreements.push({ output: c.output, gold: c.gold, seen, want });
    }
    expect(disagreements).toEqual([]);
    // The corpus is adversarial in both directions: each filter both passes and fails many outputs.
    expect(REF.gsm8k.filter((c) => c.strict).length).toBeGreaterThan(20);
    expect(REF.gsm8k.filter((c) => !c.flexible).length).toBeGreaterThan(300);
  });

  it('keeps lm-eval strictness: "18.00" is not "18" and a unicode minus is no sign', async () => {
    const grade = graders.get('72')!;
    expect((await grade('#### 72.00')).assertions.map((a) => a.pass)).toEqual([false, false]);
    expect((await grade('#### −72')).assertions.map((a) => a.pass)).toEqual([false, true]);
  });
});

describe('letter answers against lm-eval mmlu/generative', () => {
  it('reads every answer lm-eval reads as the gold letter, and is more lenient only where documented', async () => {
    const grade = new Map<string, Awaited<ReturnType<typeof gradeWith>>>();
    for (const gold of 'ABCD') {
      grade.set(gold, await gradeWith([{ type: 'equals', negate: false, value: gold, weight: 1, metric: 'acc', transform: ['answer-letter'] }]));
    }
    const missed: unknown[] = [];
    const undocumented: unknown[] = [];
    for (const c of REF.letters) {
      const pass = (await grade.get(c.gold)!(c.output)).pass;
      if (c.pass && !pass) missed.push(c);
      if (!c.pass && pass && !LENIENT.has(c.output)) undocumented.push(c);
    }
    expect(missed).toEqual([]);
    expect(undocumented).toEqual([]);
    expect(REF.letters.length).toBeGreaterThanOrEqual(200);
  });

  it.each([' B', 'B', 'B.', 'B. 20%', '**B**', 'answer: b', '(B)', 'Option B'])('reads %j as B', (output) => {
    expect(answerLetter(output)).toBe('B');
  });

  it.each(['the answer is a bit unclear', 'A good question', 'B or C', 'BB', 'Β', 'Ｂ', '', 'None of the above'])('reads no letter in %j', (output) => {
    expect(answerLetter(output)).toBeUndefined();
  });
});

describe('HellaSwag preprocessing as lm-eval hellaswag/utils.py', () => {
  it.each(REF.hellaswag.map((c, i) => [i, c] as const))('doc %i: query and endings', async (_, c) => {
    const row = { ind: 1, label: 0, ...c.doc };
    const { suite } = await loadOk({
      'val.jsonl': `${JSON.stringify(row)}\n`,
      'suite.yaml': 'providers: [echo]\nprompts: ["{{ fewshot }}{{ query }}"]\ndataset: { type: hellaswag, path: val.jsonl, protocol: loglikelihood }\n',
    });
    const test = suite.tests[0]!;
    expect(test.vars['query']).toBe(c.query);
    expect(test.continuations).toEqual(c.choices.map((choice) => ` ${choice}`));
  });
});

describe('few-shot draws: CPython random.Random(seed).sample', () => {
  it.each(REF.samples.map((s) => [s.seed, s.n, s.k, s] as const))('seed %i, population %i, k %i', (_, n, k, s) => {
    const random = new PythonRandom(s.seed);
    const population = Array.from({ length: n }, (_, i) => i);
    expect(s.draws.map(() => random.sample(population, k))).toEqual(s.draws);
  });
});

describe('the reference file', () => {
  const python = (() => {
    try {
      execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!python)('is what lm_eval_reference.py prints (regenerate it after editing the script)', () => {
    const fresh = execFileSync('python3', ['lm_eval_reference.py'], { cwd: REF_DIR, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(fresh).toBe(REF_TEXT);
  });
});
