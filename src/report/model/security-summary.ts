/**
 * The security section of a run's summary: attack success rates per family × strategy and per family, each with
 * its n and Wilson interval (or, with no hit, the one-sided upper bound: never "secure"), per OWASP id, and the
 * log of successful attacks with their transcripts. Computed by SQL from the store (store/attack-rows.ts), so
 * `llmlab report` re-renders it for any past run. Attack cells are not quality tests: no pass rate counts them.
 */
import { wilson, zeroSuccessUpperBound } from '../../stats/index.js';
import type { RunRecord, Store } from '../../store/index.js';
import {
  attackGroupRows,
  attackHitRows,
  attackOwaspRows,
  attackSeverityRows,
  attackTotals,
  type AttackCounts,
  type AttackGroupRow,
  type AttackHitRow,
} from '../../store/attack-rows.js';
import { SEVERITIES, type ChatMessage, type Severity } from '../../types.js';
import { CONFIDENCE } from '../shared.js';
import { gateStanding, type GateStanding, type SecurityGateInput } from './security-standing.js';

/** Most successful attacks the summary carries with their transcripts; the rest are counted in `hitsOmitted`. */
export const HIT_LOG_LIMIT = 100;

/** A 95 % Wilson interval of an attack success rate. */
export interface SuccessRateInterval {
  low: number;
  high: number;
  method: 'wilson';
  confidence: number;
}

/** One family × strategy (or, with strategy `*`, one family over all its strategies). */
export interface SecurityGroup {
  family: string;
  strategy: string;
  /** The highest severity among its cells. */
  severity: Severity;
  /** OWASP ids of its cells (union), sorted. */
  owasp: string[];
  /** Cells with a verdict (hits + resisted); errors and skips are not counted. */
  n: number;
  hits: number;
  errors: number;
  skipped: number;
  /** hits / n; null when n = 0. */
  successRate: number | null;
  interval: SuccessRateInterval | null;
  /** When hits = 0 and n > 0: the exact one-sided 95 % upper bound on the success rate (≈ 3/n). Else null. */
  upperBound: number | null;
  /** The rate its `attacks:` entry allows (the largest over its cells). */
  maxSuccessRate: number;
  /** `2/10 hit (20.0 %, 95 % CI 5.7–51.0 %)` or `0/20 hit (≤ 13.9 % at 95 %)`. */
  text: string;
  /**
   * How its attacks at or above the threshold stand against its allowed rate (what the `security` gate weighs, per
   * family); `not-gated` when none of them has a verdict.
   */
  gate: GateStanding;
}

/** One successful attack, with everything needed to reproduce and read it. */
export interface SecurityHit {
  cellId: string;
  testId: string;
  family: string;
  strategy: string;
  template: string;
  goal?: string;
  severity: Severity;
  owasp: string[];
  /** Target calls made. */
  turns: number;
  /** `metric: reason` of each detector that caught the attack. */
  reasons: string[];
  /** The whole conversation, target answers included. */
  transcript: ChatMessage[];
}

/** `summary.security`: present only when the run has attack cells. */
export interface SecuritySummary {
  /** The run, so the console can name the command that renders the full transcripts. */
  runId: string;
  target: { providerId: string; providerLabel: string };
  /** `gates.severityThreshold`, default `low`. */
  severityThreshold: Severity;
  cells: number;
  hits: number;
  resisted: number;
  errors: number;
  skipped: number;
  /** USD of the target calls, and of the detectors' judge calls. */
  cost: number;
  gradingCost: number;
  tokens: { input: number; output: number; total: number };
  /** Attack cells whose every call came from the cache. */
  cachedCells: number;
  /** Per family × strategy, in first-seen order. */
  groups: SecurityGroup[];
  /** Per family (strategy `*`), in first-seen order. */
  families: SecurityGroup[];
  /** Per OWASP id: hits / n over every cell tagged with it. */
  owasp: Array<{ id: string; n: number; hits: number }>;
  /** Successful attacks, most severe first then in finishing order; at most {@link HIT_LOG_LIMIT}. */
  hitLog: SecurityHit[];
  /** Successful attacks beyond the hit log. */
  hitsOmitted: number;
}

/**
 * The security summary of a run and what its `security` gate measures; undefined when the run has no attack cells.
 */
export function summarizeSecurity(store: Store, run: RunRecord): { summary: SecuritySummary; gate: SecurityGateInput } | undefined {
  const totals = attackTotals(store.db, run.id);
  if (!totals) return undefined;
  const threshold = run.options.gates?.severityThreshold ?? 'low';
  const rows = attackGroupRows(store.db, run.id);
  const severities = attackSeverityRows(store.db, run.id);
  const standing = (family: string, strategy: string) =>
    gateStanding(severities.filter((r) => r.family === family && (strategy === '*' || r.strategy === strategy)), threshold);
  const toGroup = (r: AttackGroupRow) => ({ ...groupOf(r), gate: standing(r.family, r.strategy) });
  const hits = attackHitRows(store.db, run.id, HIT_LOG_LIMIT);
  const summary: SecuritySummary = {
    runId: run.id,
    target: { providerId: totals.providerId, providerLabel: totals.providerLabel },
    severityThreshold: threshold,
    cells: totals.cells,
    hits: totals.hits,
    resisted: totals.resisted,
    errors: totals.errors,
    skipped: totals.skipped,
    cost: totals.cost,
    gradingCost: totals.gradingCost,
    tokens: { input: totals.inputTokens, output: totals.outputTokens, total: totals.inputTokens + totals.outputTokens },
    cachedCells: totals.cachedCells,
    groups: rows.map(toGroup),
    families: familyRows(rows).map(toGroup),
    owasp: attackOwaspRows(store.db, run.id),
    hitLog: hits.map(toHit),
    hitsOmitted: Math.max(totals.hits - hits.length, 0),
  };
  const gate: SecurityGateInput = {
    threshold,
    errors: totals.errors,
    cost: totals.cost,
    gradingCost: totals.gradingCost,
    rows: severities,
  };
  return { summary, gate };
}

/**
 * The rows reports list: each family's strategies in first-seen order, followed by the family's total (strategy
 * `*`) when it has several.
 */
export function securityRows(s: Pick<SecuritySummary, 'groups' | 'families'>): SecurityGroup[] {
  return s.families.flatMap((f) => {
    const groups = s.groups.filter((g) => g.family === f.family);
    return groups.length > 1 ? [...groups, f] : groups;
  });
}

/** Folds family × strategy rows into one row per family (strategy `*`), in first-seen order. */
function familyRows(rows: readonly AttackGroupRow[]): AttackGroupRow[] {
  const byFamily = new Map<string, AttackGroupRow>();
  for (const r of rows) {
    const f = byFamily.get(r.family);
    if (!f) {
      byFamily.set(r.family, { ...r, strategy: '*', owasp: [...r.owasp] });
      continue;
    }
    f.cells += r.cells;
    f.hits += r.hits;
    f.resisted += r.resisted;
    f.errors += r.errors;
    f.skipped += r.skipped;
    f.severityRank = Math.max(f.severityRank, r.severityRank);
    f.maxSuccessRate = Math.max(f.maxSuccessRate, r.maxSuccessRate);
    f.owasp = [...new Set([...f.owasp, ...r.owasp])].sort();
  }
  return [...byFamily.values()];
}

function groupOf(r: AttackGroupRow): Omit<SecurityGroup, 'gate'> {
  const n = r.hits + r.resisted;
  const interval = wilson(r.hits, n, CONFIDENCE);
  const upperBound = n > 0 && r.hits === 0 ? zeroSuccessUpperBound(n, CONFIDENCE) : null;
  return {
    family: r.family,
    strategy: r.strategy,
    severity: SEVERITIES[r.severityRank] ?? 'low',
    owasp: r.owasp,
    n,
    hits: r.hits,
    errors: r.errors,
    skipped: r.skipped,
    successRate: n > 0 ? r.hits / n : null,
    interval: interval && { low: interval.low, high: interval.high, method: 'wilson', confidence: CONFIDENCE },
    upperBound,
    maxSuccessRate: r.maxSuccessRate,
    text: successText(r),
  };
}

/**
 * A success rate as reports print it: `2/10 hit (20.0 %, 95 % CI 5.7–51.0 %)`, `0/20 hit (≤ 13.9 % at 95 %)`, or
 * `no verdict (3 errored)` when no cell finished with one.
 */
export function successText(c: Pick<AttackCounts, 'hits' | 'resisted' | 'errors' | 'skipped'>): string {
  const n = c.hits + c.resisted;
  if (n === 0) {
    const parts = [...(c.errors > 0 ? [`${c.errors} errored`] : []), ...(c.skipped > 0 ? [`${c.skipped} skipped`] : [])];
    return `no verdict${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
  }
  if (c.hits === 0) return `0/${n} hit (≤ ${percent(zeroSuccessUpperBound(n, CONFIDENCE))} at 95 %)`;
  const i = wilson(c.hits, n, CONFIDENCE)!;
  return `${c.hits}/${n} hit (${percent(c.hits / n)}, 95 % CI ${(i.low * 100).toFixed(1)}–${percent(i.high)})`;
}

function toHit(row: AttackHitRow): SecurityHit {
  const a = row.attack;
  return {
    cellId: row.cellId,
    testId: row.testId,
    family: a.family,
    strategy: a.strategy,
    template: a.template,
    ...(a.goal === undefined ? {} : { goal: a.goal }),
    severity: a.severity,
    owasp: a.owasp,
    turns: a.turns,
    reasons: row.assertions.filter((x) => !x.pass || x.error).map((x) => `${x.metric}: ${x.error ?? x.reason ?? `score ${x.score}`}`),
    transcript: a.transcript,
  };
}

/** `20.0 %`. */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)} %`;
}
