/** Console blocks for per-metric figures, repeat statistics and score comparisons, printed under the table. */
import type { DerivedMetricValue } from '../model/derived-metrics.js';
import type { MetricSummary } from '../model/metric-summary.js';
import type { RepeatSummary } from '../model/repeat-summary.js';
import type { ScoreComparison } from '../model/score-comparisons.js';
import { formatP, pct } from '../shared.js';

/** Most flaky tests listed per target on the console; the JSON report lists them all. */
export const FLAKY_CONSOLE_LIMIT = 20;

/** Most target × metric lines on the console; the JSON report has them all. */
export const METRIC_CONSOLE_LIMIT = 30;

/**
 * One aligned line per target × metric, for the targets where the table's pass rate does not say it all: more
 * than one metric, or a metric with scores between 0 and 1, judge agreement or maj@k (a `maj@5 80.0% [..]` column,
 * only when a shown line has one). A metric graded on a single cell is left out: its
 * interval says nothing the table does not. At most {@link METRIC_CONSOLE_LIMIT} lines. Nothing when no target
 * qualifies.
 */
export function formatMetrics(metrics: readonly MetricSummary[]): string[] {
  const byTarget = new Map<string, MetricSummary[]>();
  for (const m of metrics) {
    if (m.n < 2) continue;
    const key = `${m.promptId} × ${m.providerLabel}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), m]);
  }
  const shown = [...byTarget].filter(([, list]) => list.length > 1 || list.some((m) => !m.binary || m.judgeAgreement || m.majorityAtK));
  if (shown.length === 0) return [];
  const all = shown.flatMap(([target, list]) =>
    list.map((m) => [
      target,
      m.metric,
      meanWithInterval(m),
      rateWithInterval(m),
      majority(m),
      `n=${m.n}`,
      [m.errors ? `${m.errors} errored` : '', agreement(m)].filter(Boolean).join(', '),
    ]),
  );
  const shownRows = all.slice(0, METRIC_CONSOLE_LIMIT);
  const voted = shownRows.some((r) => r[4] !== '');
  // The maj@k column only when some line has one: an empty column would still widen the gap before n=.
  const rows = voted ? shownRows : shownRows.map((r) => r.filter((_, i) => i !== 4));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`;
  const more = all.length - rows.length;
  const judged = rows.some((r) => r.at(-1)!.includes('judges α='));
  const maj = voted ? ', maj@k: tests whose plurality answer over k repeats passes [Wilson 95 %]' : '';
  return [
    `metrics graded on 2+ cells (mean score [95 % CI], pass rate [Wilson 95 %]${maj}${judged ? ", judge rounds' Krippendorff α and agreement, outputs × rounds" : ''})`,
    ...rows.map(line),
    ...(more > 0 ? [`  … ${more} more in the JSON report (llmlab report latest -o report.json)`] : []),
  ];
}

/**
 * `derived metrics` and one aligned line per target × derived metric: `p1 × gpt  f1  0.800  = 2 * tp / (…)`. A value
 * the expression does not define (a division by zero) prints as `undefined`, never as 0.
 */
export function formatDerivedMetrics(values: readonly DerivedMetricValue[] | undefined): string[] {
  if (!values || values.length === 0) return [];
  const rows = values.slice(0, METRIC_CONSOLE_LIMIT).map((d) => [
    `${d.promptId} × ${d.providerLabel}`,
    d.name,
    d.value === null ? 'undefined' : fixed(d.value),
    `= ${d.expression}`,
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const more = values.length - rows.length;
  return [
    'derived metrics (sums of named metric scores per target)',
    ...rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`),
    ...(more > 0 ? [`  … ${more} more in the JSON report (llmlab report latest -o report.json)`] : []),
  ];
}

/** `0.412 [0.301–0.523]`, clustered intervals marked with the number of clusters. */
function meanWithInterval(m: MetricSummary): string {
  const i = m.meanScoreInterval;
  const mean = fixed(m.meanScore);
  if (!i) return `score ${mean}`;
  const clusters = i.method === 'clustered' ? ` by ${i.clusters} tests` : '';
  return `score ${mean} [${fixed(i.low)}–${fixed(i.high)}]${clusters}`;
}

/** `judges α=0.600 agree 77.8% (3 × 3)`: how well repeated judge rounds agree, outputs × rounds; '' without. */
function agreement(m: MetricSummary): string {
  const a = m.judgeAgreement;
  if (!a) return '';
  const alpha = a.alpha === null ? '-' : fixed(a.alpha);
  const percent = a.percent === null ? '-' : pct(a.percent);
  return `judges α=${alpha} agree ${percent} (${a.units} × ${a.raters})`;
}

/** `maj@5 80.0% [49.0–94.3]` (lm-eval's maj@k over extracted answers); '' without. */
function majority(m: MetricSummary): string {
  const v = m.majorityAtK;
  if (!v) return '';
  const i = v.interval;
  return `maj@${v.k} ${pct(v.rate)}${i ? ` [${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)}]` : ''}`;
}

function rateWithInterval(m: MetricSummary): string {
  const i = m.passRateInterval;
  return `pass ${pct(m.passRate)}${i ? ` [${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)}]` : ''}`;
}

/** A heading, a line per target, and its flaky tests (at most {@link FLAKY_CONSOLE_LIMIT}); nothing without repeats. */
export function formatRepeats(repeats: readonly RepeatSummary[]): string[] {
  if (repeats.length === 0) return [];
  const out = [`repeats (${repeats[0]!.repeat} per test; consistency = share of repeat pairs with the same verdict)`];
  for (const r of repeats) {
    const atK = r.passAtK.map((p) => `pass@${p.k} ${p.value === null ? '-' : pct(p.value)}`).join(', ');
    const ties = r.majorityTies > 0 ? ` (${r.majorityTies} tied, counted as not passing)` : '';
    const consistency = r.consistency === null ? '-' : r.consistency.toFixed(3);
    out.push(
      `  ${r.promptId} × ${r.providerLabel}: consistency ${consistency}, ${atK}, majority vote ${pct(r.majorityVotePassRate)}${ties}, ` +
        `${r.flaky.length} flaky of ${r.tests} tests`,
    );
    const listed = r.flaky.slice(0, FLAKY_CONSOLE_LIMIT).map((f) => `${f.testId} ${f.passes}/${f.n}`);
    if (listed.length > 0) {
      const more = r.flaky.length - listed.length;
      out.push(`    flaky (passed/repeats): ${listed.join(', ')}${more > 0 ? `, … ${more} more in the JSON report` : ''}`);
    }
  }
  return out;
}

/** A heading and one line per score comparison; nothing when there are none. */
export function formatScoreComparisons(comparisons: readonly ScoreComparison[]): string[] {
  if (comparisons.length === 0) return [];
  const many = comparisons.length > 1;
  const heading = `score comparisons (b − a mean score over the same tests, paired t${many ? `, Holm-adjusted across ${comparisons.length}` : ''})`;
  return [
    heading,
    ...comparisons.map((c) => {
      const d = c.difference;
      const p = `${formatP(c.pValue)}${many ? `, ${formatP(c.adjustedPValue, 'Holm p')}` : ''}`;
      const mde = c.mde === null ? '' : `MDE ${fixed(c.mde)} at `;
      const verdict = `${c.significant ? 'significant' : 'not significant'}; ${mde}n=${c.n}`;
      return `  ${c.a} vs ${c.b} on ${c.on}: ${signed(d.estimate)} [${signed(d.low)}, ${signed(d.high)}], ${p} (${verdict})`;
    }),
  ];
}

function fixed(x: number): string {
  return x.toFixed(3);
}

/** Three decimals with an explicit sign (a typographic minus); zero has no sign. */
function signed(x: number): string {
  const magnitude = Math.abs(x).toFixed(3);
  if (Number(magnitude) === 0) return magnitude;
  return `${x > 0 ? '+' : '−'}${magnitude}`;
}
