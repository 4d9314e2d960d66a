/**
 * Word diff of two model outputs (a baseline's and this run's), as plain-text segments: no markup, so every
 * surface escapes them its own way (the HTML report's autoescape, a terminal's colours). Shared by the HTML
 * report's regressions and, later, `llmlab show`.
 */
import { diffWordsWithSpace } from 'diff';

/** A run of text both outputs share, or that only the baseline (`removed`) or only this run (`added`) has. */
export interface WordDiffSegment {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** Bounds of one diff: outputs are cut by the caller, and a pathological pair still gives up in time. */
const DIFF_TIMEOUT_MS = 250;

/**
 * The word diff turning `before` into `after`. Whitespace is a token of its own (diffWordsWithSpace, not
 * diffWords): diffWords reports shared words with the new text's spacing, and the baseline's side must show the
 * baseline's text exactly. Concatenating the `same` and `removed` segments gives `before` back, the `same` and
 * `added` ones `after`. Removals come before additions at each change. A diff that runs out of time is one
 * removal and one addition.
 */
export function wordDiff(before: string, after: string): WordDiffSegment[] {
  if (before === after) return before === '' ? [] : [{ kind: 'same', text: before }];
  const changes = diffWordsWithSpace(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) return whole(before, after);
  const groups: Group[] = [];
  for (const c of changes) {
    if (c.value === '') continue;
    const last = groups[groups.length - 1];
    if (!c.added && !c.removed) {
      groups.push({ same: c.value });
      continue;
    }
    const change = last && 'removed' in last ? last : { removed: '', added: '' };
    if (change !== last) groups.push(change);
    if (c.added) change.added += c.value;
    else change.removed += c.value;
    // A lone space between two changed runs is shared by both sides but says nothing: one changed phrase
    // (`Refunds within` → `Please contact`) reads better than changed words split by unchanged blanks.
    const [a, gap, b] = groups.slice(-3);
    if (a && b && 'removed' in a && gap && 'same' in gap && /^\s+$/.test(gap.same) && 'removed' in b) {
      groups.splice(-3, 3, { removed: a.removed + gap.same + b.removed, added: a.added + gap.same + b.added });
    }
  }
  return groups.flatMap((g): WordDiffSegment[] =>
    'same' in g
      ? [{ kind: 'same', text: g.same }]
      : [
          ...(g.removed === '' ? [] : [{ kind: 'removed' as const, text: g.removed }]),
          ...(g.added === '' ? [] : [{ kind: 'added' as const, text: g.added }]),
        ],
  );
}

/** Unchanged text, or one changed run: what the baseline had there and what this run has instead. */
type Group = { same: string } | { removed: string; added: string };

/** The baseline's side of a diff: what it shares with this run and what this run no longer has. */
export function beforeSide(segments: readonly WordDiffSegment[]): WordDiffSegment[] {
  return segments.filter((s) => s.kind !== 'added');
}

/** This run's side of a diff: what it shares with the baseline and what it added. */
export function afterSide(segments: readonly WordDiffSegment[]): WordDiffSegment[] {
  return segments.filter((s) => s.kind !== 'removed');
}

function whole(before: string, after: string): WordDiffSegment[] {
  return [
    ...(before === '' ? [] : [{ kind: 'removed' as const, text: before }]),
    ...(after === '' ? [] : [{ kind: 'added' as const, text: after }]),
  ];
}
