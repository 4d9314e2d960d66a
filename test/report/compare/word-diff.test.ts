import { describe, expect, it } from 'vitest';
import { afterSide, beforeSide, wordDiff } from '../../../src/report/compare/word-diff.js';

const join = (segments: Array<{ text: string }>) => segments.map((s) => s.text).join('');

describe('wordDiff', () => {
  it('marks the words only the baseline has as removed and those only this run has as added', () => {
    const segments = wordDiff('The capital of France is Paris.', 'The capital of France is Lyon.');
    expect(segments).toEqual([
      { kind: 'same', text: 'The capital of France is ' },
      { kind: 'removed', text: 'Paris' },
      { kind: 'added', text: 'Lyon' },
      { kind: 'same', text: '.' },
    ]);
  });

  it('joins changed words split only by blanks into one changed phrase', () => {
    expect(wordDiff('Refunds within 30 days.', 'Please contact us.')).toEqual([
      { kind: 'removed', text: 'Refunds within 30 days' },
      { kind: 'added', text: 'Please contact us' },
      { kind: 'same', text: '.' },
    ]);
    // A blank between unchanged words stays unchanged.
    expect(wordDiff('a b c', 'a x c')).toEqual([
      { kind: 'same', text: 'a ' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: ' c' },
    ]);
  });

  it('gives each side back exactly, whitespace and line breaks included', () => {
    const before = 'line one\n  indented  twice\nend';
    const after = 'line one\nindented once\n\nend';
    const segments = wordDiff(before, after);
    expect(join(beforeSide(segments))).toBe(before);
    expect(join(afterSide(segments))).toBe(after);
    expect(beforeSide(segments).some((s) => s.kind === 'added')).toBe(false);
    expect(afterSide(segments).some((s) => s.kind === 'removed')).toBe(false);
  });

  it('keeps markup and quotes as plain text: escaping is the renderer’s job', () => {
    const segments = wordDiff('say "hi"', 'say <script>alert("x")</script>');
    expect(join(afterSide(segments))).toBe('say <script>alert("x")</script>');
    expect(segments.find((s) => s.kind === 'added')!.text).toContain('<script>');
  });

  it('handles equal and empty outputs', () => {
    expect(wordDiff('', '')).toEqual([]);
    expect(wordDiff('same', 'same')).toEqual([{ kind: 'same', text: 'same' }]);
    expect(wordDiff('', 'new')).toEqual([{ kind: 'added', text: 'new' }]);
    expect(wordDiff('old', '')).toEqual([{ kind: 'removed', text: 'old' }]);
  });
});
