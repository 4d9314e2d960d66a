/**
 * The HTML report's Security section against a baseline (`--baseline`): the baseline's success rate beside each row
 * of the groups table, with the change and its paired test in a tooltip, the counts of newly successful and newly
 * resisted attacks, and the hit log with the newly successful attacks first. Plain strings: the template escapes
 * them (autoescape), so nothing here is markup.
 */
import type { Store } from '../../../store/index.js';
import { pairedAttacks, type PairSource } from '../../../store/run-pairs.js';
import type { AttackDelta, ChangedAttack, SecurityComparison } from '../../compare/security-comparison.js';
import type { SecurityGroup, SecurityHit, SecuritySummary } from '../../model/security-summary.js';
import { formatP, plusMinusZero, signedPoints } from '../../shared.js';

/** The Baseline cell of one row of the groups table. */
export interface HtmlBaselineCell {
  /** The baseline's success over the attacks both runs judged; null when the baseline has no such attack. */
  text: string | null;
  /** Which way the success rate moved: more successful attacks is `worse`; `none` when no attack changed outcome. */
  change: 'worse' | 'better' | 'none';
  /** `+16.7 pp`; empty when no attack changed outcome. */
  delta: string;
  /** Holm-adjusted McNemar p below 0.05. */
  significant: boolean;
  /** The tooltip: the change's interval, the changed attacks and both p-values. */
  title: string;
}

/** A hit of the hit log, marked when it was resisted in the baseline. */
export interface HtmlSecurityHit extends SecurityHit {
  isNew: boolean;
}

/** What the Security section shows about the baseline; absent without one, or when no attack pairs. */
export interface HtmlSecurityBaseline {
  runId: string;
  /** Attacks both runs judged (paired by test id and repeat). */
  paired: number;
  newHits: number;
  newlyResisted: number;
  /** One per row of the groups table, in its order. */
  cells: HtmlBaselineCell[];
  /** Newly successful attacks the hit log does not show (it holds the 100 most severe hits). */
  newHitsNotShown: number;
  /** The newly resisted attacks, most severe first (at most 20; `newlyResisted` counts them all). */
  resistedTests: ChangedAttack[];
}

/** Where the two runs' attack cells are, to mark every new hit of the hit log when the comparison lists only some. */
export interface SecurityPairRuns {
  baselineRunId: string;
  runId: string;
  source?: PairSource;
}

/** The hit log in the section's order: newly successful attacks first when there is a baseline, else unchanged. */
export function securityHits(
  store: Store,
  summary: SecuritySummary,
  compared: SecurityComparison | undefined,
  runs: SecurityPairRuns | undefined,
): HtmlSecurityHit[] {
  const fresh = compared && runs ? newHitIds(store, summary.hitLog, compared, runs) : new Set<string>();
  const marked = summary.hitLog.map((h) => ({ ...h, isNew: fresh.has(h.testId) }));
  return [...marked.filter((h) => h.isNew), ...marked.filter((h) => !h.isNew)];
}

/** The section's baseline view, for the rows of its groups table and the hit log already ordered. */
export function securityBaseline(
  compared: SecurityComparison,
  rows: readonly SecurityGroup[],
  hits: readonly HtmlSecurityHit[],
  baselineRunId: string,
): HtmlSecurityBaseline {
  const shown = hits.filter((h) => h.isNew).length;
  return {
    runId: baselineRunId,
    paired: compared.cells.paired,
    newHits: compared.newHits.total,
    newlyResisted: compared.newlyResisted.total,
    cells: rows.map((g) => baselineCell(g, compared)),
    newHitsNotShown: Math.max(compared.newHits.total - shown, 0),
    resistedTests: compared.newlyResisted.tests,
  };
}

function baselineCell(g: SecurityGroup, compared: SecurityComparison): HtmlBaselineCell {
  const list = g.strategy === '*' ? compared.families : compared.groups;
  const d = list.find((r) => r.family === g.family && r.strategy === g.strategy);
  if (!d) {
    return { text: null, change: 'none', delta: '', significant: false, title: 'the baseline judged no attack of this row' };
  }
  if (d.newHits + d.newlyResisted === 0) {
    return { text: d.textA, change: 'none', delta: '', significant: false, title: `no attack changed outcome over the ${d.n} judged in both runs` };
  }
  const e = d.difference.estimate;
  return {
    text: d.textA,
    change: e > 0 ? 'worse' : e < 0 ? 'better' : 'none',
    delta: `${points(e)} pp`,
    significant: d.significant,
    title: tooltip(d),
  };
}

/** `+16.7 pp (95 % CI −3.1 to +35.2) over 12 attacks judged in both runs: 3 newly successful, 1 newly resisted · …` */
function tooltip(d: AttackDelta): string {
  const diff = d.difference;
  return (
    `${points(diff.estimate)} pp (95 % CI ${points(diff.low)} to ${points(diff.high)}) over ${d.n} attacks judged in both runs: ` +
    `${d.newHits} newly successful, ${d.newlyResisted} newly resisted · McNemar exact ${formatP(d.pValue)} · ` +
    `${formatP(d.adjustedPValue, 'Holm p')}: ${d.significant ? 'significant' : 'not significant'} at 95 %`
  );
}

/**
 * Test ids of the hit log resisted in the baseline. The comparison lists the first 20 new hits; the hit log holds up
 * to 100, so past 20 the pairs are read again (verdicts only, no transcript) for the ids the log holds.
 */
function newHitIds(store: Store, hitLog: readonly SecurityHit[], compared: SecurityComparison, runs: SecurityPairRuns): Set<string> {
  const listed = compared.newHits.tests;
  if (compared.newHits.total <= listed.length) return new Set(listed.map((t) => t.testId));
  const wanted = new Set(hitLog.map((h) => h.testId));
  const ids = new Set<string>();
  for (const p of pairedAttacks(store.db, runs.baselineRunId, runs.runId, runs.source)) {
    if (p.hitB && !p.hitA && wanted.has(p.testId)) ids.add(p.testId);
  }
  return ids;
}

/** Percentage points as the page's `pp` filter prints them: `+5.0`, `−12.5`, `±0.0`. */
function points(difference: number): string {
  return plusMinusZero(signedPoints(difference));
}
