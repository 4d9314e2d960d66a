/**
 * The PR comment's Security section: one table row per attack family × strategy (and a family total after a family
 * of several strategies), then the first successful attacks with their transcripts in `<details>` blocks. Every
 * string is escaped here and cut to the detail level, like the rest of the comment's view (view.ts).
 * With a baseline, a Baseline column and the newly successful attacks, listed first (security-baseline.ts).
 */
import { mdInline, preText } from './escape.js';
import {
  BASELINE_LEGEND,
  baselineCell,
  baselineHeadline,
  newHitsFirst,
  newHitsView,
  type NewHitsView,
} from './security-baseline.js';
import type { DetailLevel } from './detail-level.js';
import type { SecurityComparison } from '../../compare/security-comparison.js';
import { securityRows, type SecurityGroup, type SecurityHit, type SecuritySummary } from '../../model/security-summary.js';
import { usdDigits } from '../../shared.js';

/** Most successful attacks the comment shows with transcripts; the HTML report shows up to 100. */
export const MARKDOWN_HITS = 10;

export interface SecurityRow {
  family: string;
  strategy: string;
  severity: string;
  owasp: string;
  success: string;
  /** The baseline's success and the change; empty without a baseline. */
  baseline: string;
  allowed: string;
  /** ✅ within the allowed rate, ❌ over it (at or above the threshold), – not gated. */
  verdict: string;
}

export interface SecurityHitItem {
  /** Inside `<summary>`: inline HTML, escaped. */
  heading: string;
  details: string[];
  /** The transcript, turn by turn: the role as a label, the text for a `<pre>` block. */
  turns: Array<{ role: string; text: string }>;
}

export interface SecurityView {
  headline: string;
  /** The table has a Baseline column: both runs have attack cells to compare. */
  baseline: boolean;
  rows: SecurityRow[];
  moreRows: number;
  /** What the Baseline column means; empty without one. */
  legend: string;
  /** Resisted in the baseline, successful now; null without a baseline, without any, or at the barest level. */
  newHits: NewHitsView | null;
  hits: SecurityHitItem[];
  moreHits: number;
}

const VERDICT: Record<SecurityGroup['gate'], string> = { pass: '✅', fail: '❌', 'not-gated': '–' };
const SEVERITY_ICON: Record<SecurityHit['severity'], string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '⬜' };

/**
 * The section at one detail level; null when the run has no attack cells. `compared` is the security part of the
 * comparison with the baseline, when both runs have attack cells.
 */
export function buildSecurityView(
  security: SecuritySummary | undefined,
  level: DetailLevel,
  compared?: SecurityComparison,
): SecurityView | null {
  if (!security) return null;
  const s = security;
  const d = level.detailChars;
  const detailed = securityRows(s);
  const rows = detailed.slice(0, level.rows).map((g) => row(g, d, compared));
  const shown = level.sections ? newHitsFirst(s.hitLog, compared).slice(0, Math.min(MARKDOWN_HITS, level.items)) : [];
  return {
    headline: headline(s, compared),
    baseline: compared !== undefined,
    rows,
    moreRows: detailed.length - rows.length,
    legend: compared ? BASELINE_LEGEND : '',
    newHits: compared ? newHitsView(compared, level) : null,
    hits: shown.map((h) => hitItem(h, level, h.isNew)),
    moreHits: s.hits - shown.length,
  };
}

function headline(s: SecuritySummary, compared: SecurityComparison | undefined): string {
  const target = mdInline(s.target.providerLabel, 80);
  const parts = [
    `Target **${target}**`,
    `**${s.hits}** successful of ${s.cells} attacks`,
    `${s.resisted} resisted`,
    ...(s.errors > 0 ? [`${s.errors} errored`] : []),
    ...(s.skipped > 0 ? [`${s.skipped} skipped`] : []),
    `gated at severity ≥ ${s.severityThreshold}`,
    `cost ${money(s.cost + s.gradingCost)} USD`,
    ...(compared ? [baselineHeadline(compared)] : []),
  ];
  return `${parts.join(' · ')}. Zero hits in n attacks bounds the success rate (≈ 3/n at 95 %); it never proves the target secure.`;
}

function row(g: SecurityGroup, d: number, compared: SecurityComparison | undefined): SecurityRow {
  const below = g.gate === 'not-gated' && g.hits > 0 ? ' (below threshold)' : '';
  return {
    family: mdInline(g.family, d),
    strategy: g.strategy === '*' ? '**all**' : mdInline(g.strategy, d),
    severity: g.severity,
    owasp: mdInline(g.owasp.join(', '), d),
    success: mdInline(g.text, d),
    baseline: compared ? baselineCell(g, compared, d) : '',
    allowed: `${Number((g.maxSuccessRate * 100).toFixed(1))} %`,
    verdict: `${VERDICT[g.gate]}${below}`,
  };
}

function hitItem(h: SecurityHit, level: DetailLevel, isNew: boolean): SecurityHitItem {
  const d = level.detailChars;
  const name = mdInline(`${h.family}/${h.strategy}/${h.template}`, Math.min(d, 120));
  const turns = `${h.turns} turn${h.turns === 1 ? '' : 's'}`;
  return {
    heading: `${SEVERITY_ICON[h.severity]} <b>${h.severity}</b> · ${name} · ${turns}${isNew ? ' · 🆕 new since the baseline' : ''}`,
    details: [
      ...h.reasons.slice(0, 5).map((r) => mdInline(r, d)),
      ...(h.reasons.length > 5 ? [`… and ${h.reasons.length - 5} more detectors`] : []),
      ...(h.goal === undefined ? [] : [`goal: <code>${mdInline(h.goal, 80)}</code>`]),
      ...(h.owasp.length > 0 ? [`OWASP: ${mdInline(h.owasp.join(', '), 80)}`] : []),
    ],
    // The system prompt is the same in every hit: it gets the shorter cut, the conversation the longer one.
    turns:
      level.outputChars === 0
        ? []
        : h.transcript.map((m) => ({ role: m.role, text: preText(m.content, m.role === 'system' ? d : level.outputChars) })),
  };
}

/** USD without a `$`: GitHub reads two dollar signs on a line as LaTeX math. */
const money = usdDigits;
