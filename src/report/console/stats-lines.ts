/** The lines under the summary table that put its numbers in proportion: zero-failure bounds and comparisons. */
import type { Comparison } from '../model/comparisons.js';
import type { TargetSummary } from '../summary.js';
import { formatP, signedPoints } from '../shared.js';

/** One line per target at 100 %: how often it may still fail, so a perfect score is never shown bare. */
export function formatZeroFailureBounds(targets: readonly TargetSummary[]): string[] {
  return targets.flatMap((t) => {
    if (t.failureRateUpperBound === null) return [];
    const confidence = percent(t.passRateInterval?.confidence ?? 0.95);
    return [
      `${t.promptId} × ${t.providerLabel}: 0 failures in ${t.cells - t.skipped} — ` +
        `failure rate ≤ ${(t.failureRateUpperBound * 100).toFixed(1)} % (${confidence} %)`,
    ];
  });
}

/** A heading and one line per comparison; nothing when there is nothing to compare. */
export function formatComparisons(comparisons: readonly Comparison[]): string[] {
  if (comparisons.length === 0) return [];
  const many = comparisons.length > 1;
  const heading = `comparisons (b − a over the same tests, McNemar exact p${many ? `, Holm-adjusted across ${comparisons.length}` : ''})`;
  return [heading, ...comparisons.map((c) => `  ${formatComparison(c, many)}`)];
}

/** `one-sentence vs with-context on careful-bot: +12.5 pts [−8.1, +31.0], p=0.48 (not significant; MDE 18 pts at n=8)` */
export function formatComparison(c: Comparison, showAdjusted: boolean): string {
  const d = c.difference;
  const p = `${formatP(c.pValue)}${showAdjusted ? `, ${formatP(c.adjustedPValue, 'Holm p')}` : ''}`;
  const mde = c.mde === null ? '' : `MDE ${c.mde >= 1 ? '>100' : Math.round(c.mde * 100)} pts at `;
  const verdict = `${c.significant ? 'significant' : 'not significant'}; ${mde}n=${c.n}`;
  return `${c.a} vs ${c.b} on ${c.on}: ${signedPoints(d.estimate)} pts [${signedPoints(d.low)}, ${signedPoints(d.high)}], ${p} (${verdict})`;
}



function percent(fraction: number): string {
  return String(Number((fraction * 100).toPrecision(3)));
}
