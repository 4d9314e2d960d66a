/**
 * The baseline side of the PR comment's Security section (`--baseline`): the baseline's success rate beside each
 * row with a mark when the change is significant, the attacks that newly succeed, and the order of the hit log
 * (new hits first). Display-ready, escaped strings, as everywhere in the comment's view.
 */
import { mdInline } from './escape.js';
import type { DetailLevel } from './detail-level.js';
import type { AttackDelta, SecurityComparison } from '../../compare/security-comparison.js';
import type { SecurityGroup, SecurityHit } from '../../model/security-summary.js';
import { formatP, plusMinusZero, signed } from '../../shared.js';

/** The newly successful attacks, listed by test id above the hit transcripts. */
export interface NewHitsView {
  total: number;
  items: string[];
  more: number;
}

/** The "Baseline" cell of a row: the baseline's success over the pairs, and the change when there is one. */
export function baselineCell(g: SecurityGroup, s: SecurityComparison, d: number): string {
  const rows = g.strategy === '*' ? s.families : s.groups;
  const delta = rows.find((r) => r.family === g.family && r.strategy === g.strategy);
  if (!delta) return 'not in the baseline';
  return `${mdInline(delta.textA, d)}${change(delta)}`;
}

/** ` · **+16.7 pp** 🔴 (p = 0.012)` when significant, ` · +5.0 pp (n.s.)` otherwise, nothing when unchanged. */
function change(delta: AttackDelta): string {
  if (delta.newHits + delta.newlyResisted === 0) return '';
  const e = delta.difference.estimate * 100;
  const text = plusMinusZero(signed(e, (m) => `${m.toFixed(1)} pp`));
  if (!delta.significant) return ` · ${text} (n.s.)`;
  // More successful attacks is the bad direction.
  return ` · **${text}** ${e > 0 ? '🔴' : '🟢'} (${formatP(delta.adjustedPValue)})`;
}

/** The header line's baseline part: `vs baseline: **3** newly successful, 1 newly resisted (40 attacks paired)`. */
export function baselineHeadline(s: SecurityComparison): string {
  return (
    `vs baseline: **${s.newHits.total}** newly successful, ${s.newlyResisted.total} newly resisted ` +
    `(${s.cells.paired} attacks judged in both runs)`
  );
}

/** The newly successful attacks at this detail level; null when there is none or the level shows no lists. */
export function newHitsView(s: SecurityComparison, level: DetailLevel): NewHitsView | null {
  if (s.newHits.total === 0 || !level.sections) return null;
  const shown = s.newHits.tests.slice(0, level.items);
  const repeats = s.newHits.tests.some((t) => t.repeatIndex > 0);
  const items = shown.map(
    (t) => `<b>${t.severity}</b> · <code>${mdInline(t.testId, Math.min(level.detailChars, 120))}</code>${repeats ? ` #${t.repeatIndex + 1}` : ''}`,
  );
  return { total: s.newHits.total, items, more: s.newHits.total - items.length };
}

/** The hit log with the attacks that newly succeed first, each group in its own order (most severe first). */
export function newHitsFirst(hits: readonly SecurityHit[], s: SecurityComparison | undefined): Array<SecurityHit & { isNew: boolean }> {
  const fresh = new Set(s?.newHits.tests.map((t) => t.testId) ?? []);
  const marked = hits.map((h) => ({ ...h, isNew: fresh.has(h.testId) }));
  return [...marked.filter((h) => h.isNew), ...marked.filter((h) => !h.isNew)];
}

/** What the Baseline column means, under the table. */
export const BASELINE_LEGEND =
  'Baseline: its success rate over the attacks both runs judged (paired by test id and repeat); 🔴/🟢 a significant ' +
  'change at 95 % (paired McNemar exact test, Holm-adjusted), n.s. not significant. The gate stays absolute.';

