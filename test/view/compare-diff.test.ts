/** The Compare list's bounded word diffs: edits are diffed, rewrites and diffs past a page's budget are replacements. */
import { describe, expect, it } from 'vitest';
import type { WordDiffSegment } from '../../src/report/compare/word-diff.js';
import { pageDiffer } from '../../src/view/compare-diff.js';

const before = (s: WordDiffSegment[]) => s.filter((x) => x.kind !== 'added').map((x) => x.text).join('');
const after = (s: WordDiffSegment[]) => s.filter((x) => x.kind !== 'removed').map((x) => x.text).join('');
const words = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');

describe('pageDiffer', () => {
  it('diffs an edit word by word', () => {
    const diff = pageDiffer()('Refunds within 30 days.', 'Refunds within 14 days.');
    expect(diff.note).toBeUndefined();
    expect(diff.segments).toEqual([
      { kind: 'same', text: 'Refunds within ' },
      { kind: 'removed', text: '30' },
      { kind: 'added', text: '14' },
      { kind: 'same', text: ' days.' },
    ]);
  });

  it('diffs long texts that share most words, and replaces long texts that share few', () => {
    const differ = pageDiffer();
    const long = words('w', 300);
    const edited = pageDiffer()(long, long.replace('w150', 'changed'));
    expect(edited.note).toBeUndefined();
    expect(edited.segments.filter((s) => s.kind !== 'same')).toHaveLength(2);
    const rewrite = differ(long, words('v', 300));
    expect(rewrite.note).toBe('too different for a word diff');
    expect(rewrite.segments).toEqual([{ kind: 'removed', text: long }, { kind: 'added', text: words('v', 300) }]);
  });

  it('stops diffing once the page spent its budget, and every answer still gives both texts back', () => {
    const differ = pageDiffer(0);
    const spent = differ('a b c', 'a x c');
    expect(spent.note).toMatch(/^not diffed: this page spent its time/);
    expect([before(spent.segments), after(spent.segments)]).toEqual(['a b c', 'a x c']);
    // Equal texts cost nothing and are still one shared segment.
    expect(differ('same', 'same')).toEqual({ segments: [{ kind: 'same', text: 'same' }] });
    expect(differ('', 'new')).toMatchObject({ segments: [{ kind: 'added', text: 'new' }] });
  });
});
