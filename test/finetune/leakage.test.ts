import { describe, expect, it } from 'vitest';
import { LeakageIndex } from '../../src/finetune/leakage.js';
import { words } from './data-fixtures.js';

const ref = (line: number) => ({ file: 'train.jsonl', line });

describe('LeakageIndex', () => {
  const evalText = words(7, 30);
  const evalWords = evalText.split(' ');

  it('finds a planted 13-word overlap, whatever the case and punctuation around it', () => {
    const index = new LeakageIndex([{ testId: 'q1', text: evalText }]);
    index.scan(ref(1), words(8, 40));
    const planted = evalWords.slice(5, 18).map((w) => w.toUpperCase()).join(', ');
    index.scan(ref(2), `${words(9, 10)} ${planted}. ${words(10, 10)}`);
    index.scan(ref(3), evalText);
    expect(index.leaks()).toEqual([{ testId: 'q1', at: ref(2) }]);
  });

  it('does not count a 12-word window as a leak', () => {
    const index = new LeakageIndex([{ testId: 'q1', text: evalText }]);
    index.scan(ref(1), `${words(9, 10)} ${evalWords.slice(5, 17).join(' ')} ${words(10, 10)}`);
    // Two 12-word windows of the input with one foreign word between are not a 13-gram either.
    index.scan(ref(2), `${evalWords.slice(0, 12).join(' ')} other ${evalWords.slice(12, 24).join(' ')}`);
    expect(index.leaks()).toEqual([]);
  });

  it('finds an input shorter than 13 words only when all of it occurs, in order', () => {
    const index = new LeakageIndex([
      { testId: 'short', text: 'What is the capital of France?' },
      { testId: 'other', text: 'Name a prime number' },
    ]);
    index.scan(ref(1), 'France: what is the capital?');
    index.scan(ref(2), 'Quiz time. what is the capital of france ... answer briefly');
    expect(index.leaks()).toEqual([{ testId: 'short', at: ref(2) }]);
  });

  it('ignores empty inputs', () => {
    const index = new LeakageIndex([{ testId: 'blank', text: ' ?! ' }]);
    expect(index.empty).toBe(true);
  });
});
