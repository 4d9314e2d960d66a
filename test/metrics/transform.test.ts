import { describe, expect, it } from 'vitest';
import { compileTransform, TransformStepError } from '../../src/metrics/transform.js';
import type { TransformStep } from '../../src/types.js';

const run = (steps: TransformStep[], output: string) => compileTransform(steps)(output);
const text = (steps: TransformStep[], output: string) => {
  const outcome = run(steps, output);
  if (!outcome.ok) throw new Error(`expected a match, got: ${outcome.reason}`);
  return outcome.text;
};

// lm-evaluation-harness gsm8k.yaml filters: "strict-match" and "flexible-extract".
const GSM8K_STRICT: TransformStep[] = [{ regex: '#### (\\-?[0-9\\.\\,]+)' }, 'strip-commas'];
const GSM8K_FLEXIBLE: TransformStep[] = ['last-number'];

describe('simple steps', () => {
  it.each<[TransformStep, string, string]>([
    ['trim', '  42 \n', '42'],
    ['lowercase', 'Paris IS', 'paris is'],
    ['uppercase', 'b', 'B'],
    ['strip-punctuation', '"Paris!", (yes).', 'Paris yes'],
    ['strip-commas', 'paid 1,234,567 and 12,5 and 1,2345', 'paid 1234567 and 12,5 and 1,2345'],
    ['normalize-whitespace', '  a \n\t b   c ', 'a b c'],
    ['last-number', 'first 3 then -1,234.50 dollars', '-1234.5'],
    ['last-number', 'costs $1,200 or 15%', '15'],
    ['last-number', 'pages 3-5', '5'],
    ['answer-letter', 'I think (A) is tempting, but Answer: C', 'C'],
    ['answer-letter', 'The answer is (B).', 'B'],
    ['answer-letter', 'B. 20%', 'B'],
    ['answer-letter', ' b', 'B'],
    ['answer-letter', 'ANSWER: **E**', 'E'],
  ])('%s: %j → %j', (step, input, expected) => {
    expect(text([step], input)).toBe(expected);
  });

  it('prefers an explicit `Answer:` over a later bare (X)', () => {
    expect(text(['answer-letter'], 'Answer: B, because (C) is wrong')).toBe('B');
  });

  it('fails an extracting step that finds nothing, with the reason, unless it has a fallback', () => {
    expect(run(['last-number'], 'no digits here')).toEqual({ ok: false, reason: 'no match for a number in "no digits here"' });
    expect(run(['answer-letter'], 'none of these')).toMatchObject({ ok: false, reason: expect.stringMatching(/^no match for an answer letter/) });
    expect(text([{ 'last-number': { fallback: '[invalid]' } }], 'no digits')).toBe('[invalid]');
    expect(text([{ 'answer-letter': { fallback: '[invalid]' } }], 'nothing')).toBe('[invalid]');
    // a bare lowercase letter is not a choice: "a)" in prose is too common
    expect(run(['answer-letter'], 'see a) and b)').ok).toBe(false);
    // a listing of options names no answer
    expect(run(['answer-letter'], 'Options considered: A) no, D) yes').ok).toBe(false);
  });
});

describe('regex step', () => {
  it('group: any selects the match first, then its first non-empty group (lm-eval reading Python findall)', () => {
    const flexible: TransformStep[] = [{ regex: '(-?[$0-9.,]{2,})|(-?[0-9]+)', group: 'any', select: 'last', fallback: '[invalid]' }];
    expect(text(flexible, 'paid $12, then 7')).toBe('7'); // the last match is the second alternative's
    expect(text(flexible, 'It is 65.')).toBe('65.');
    expect(text(flexible, 'none')).toBe('[invalid]');
    // one group: the group even when it did not take part (Python gives ''); no group: the whole match
    expect(text([{ regex: '(a)?b', group: 'any' }], 'xb')).toBe('');
    expect(text([{ regex: 'b+', group: 'any' }], 'abbb')).toBe('bbb');
  });

  it('keeps group 1 of the first match by default, or the whole match when there is no group', () => {
    expect(text([{ regex: 'x=(\\d+)' }], 'x=1 x=2')).toBe('1');
    expect(text([{ regex: '\\d+' }], 'a 12 b 34')).toBe('12');
  });

  it('selects the last match, another group, and honours flags', () => {
    expect(text([{ regex: 'x=(\\d+)', select: 'last' }], 'x=1 x=2 x=3')).toBe('3');
    expect(text([{ regex: '(\\w+)=(\\d+)', group: 2 }], 'k=7')).toBe('7');
    expect(text([{ regex: '(\\w+)=(\\d+)', group: 0, select: 'last' }], 'a=1 b=2')).toBe('b=2');
    expect(text([{ regex: 'answer: (\\w+)', flags: 'i' }], 'ANSWER: yes')).toBe('yes');
    expect(run([{ regex: 'answer: (\\w+)' }], 'ANSWER: yes').ok).toBe(false);
  });

  it('skips matches where the kept group did not take part (alternatives)', () => {
    expect(text([{ regex: 'A:(\\d)|B:(\\d)', group: 2 }], 'A:1 B:2')).toBe('2');
  });

  it('fails with "no match for /pattern/", or yields the fallback', () => {
    expect(run([{ regex: '#### (\\d+)' }], 'just text')).toEqual({ ok: false, reason: 'no match for /#### (\\d+)/ in "just text"' });
    expect(text([{ regex: '#### (\\d+)', fallback: '[invalid]' }, 'uppercase'], 'just text')).toBe('[INVALID]');
  });

  it('does not loop on a pattern that matches the empty string', () => {
    expect(text([{ regex: 'z*', select: 'last' }], 'abc')).toBe('');
  });

  it('rejects a bad pattern, bad flags and a missing group when compiled, naming the field', () => {
    const bad = (steps: TransformStep[]) => {
      try {
        compileTransform(steps);
      } catch (error) {
        expect(error).toBeInstanceOf(TransformStepError);
        return { path: (error as TransformStepError).path, message: (error as Error).message };
      }
      throw new Error('compiled');
    };
    expect(bad(['trim', { regex: '(unclosed' }])).toMatchObject({ path: [1, 'regex'], message: expect.stringMatching(/^invalid regex: Invalid regular expression: \/\(unclosed\/: /) });
    expect(bad([{ regex: 'a', flags: 'gx' }])).toMatchObject({ path: [0, 'flags'] });
    expect(bad([{ regex: '(a)', group: 2 }])).toEqual({ path: [0, 'group'], message: 'the regex has 1 capture group; cannot keep group 2' });
  });
});

describe('order and GSM8K', () => {
  it('applies steps in order', () => {
    expect(text(['uppercase', { regex: 'A(\\w)' }], 'a b ab')).toBe('B');
    expect(run([{ regex: 'A(\\w)' }, 'uppercase'], 'a b ab').ok).toBe(false);
    expect(text(['strip-commas', { regex: '\\d+' }], 'total 1,234 units')).toBe('1234');
    expect(text([{ regex: '\\d+' }, 'strip-commas'], 'total 1,234 units')).toBe('1');
  });

  const reasoning = 'Janet sells 16 - 3 - 4 = 9 eggs at $2 each, 9 * 2 = 18... so the answer is 1,234.\n#### 1,234';
  it('GSM8K strict reads the number after ####, thousands separators removed', () => {
    expect(text(GSM8K_STRICT, reasoning)).toBe('1234');
    expect(text(GSM8K_STRICT, 'The result:\n#### -7')).toBe('-7');
    expect(run(GSM8K_STRICT, 'so the answer is 1,234.')).toMatchObject({ ok: false, reason: expect.stringMatching(/^no match for \/#### /) });
  });

  it('GSM8K flexible reads the last number, with or without ####', () => {
    expect(text(GSM8K_FLEXIBLE, reasoning)).toBe('1234');
    expect(text(GSM8K_FLEXIBLE, 'so the answer is 1,234.')).toBe('1234');
    expect(text(GSM8K_FLEXIBLE, 'She has $18.00 left.')).toBe('18');
  });
});
