/**
 * What the PR-comment template prints: every string here is display-ready, escaped Markdown/HTML, cut to the
 * sizes of one detail level. The template only lays it out, so it can never print a raw model output.
 */
import { basename } from 'node:path';
import type { RunRecord } from '../../../store/index.js';
import { changedTests } from '../../compare/changed-tests.js';
import type { RunComparison, RunDelta, TargetDelta } from '../../compare/compare-runs.js';
import { cellKey, type CollectedCells, type ListedCell } from '../../model/listed-cells.js';
import { mdInline, preText } from './escape.js';
import { buildSecurityView, type SecurityView } from './security.js';
import { finetuneLines } from '../../model/finetune-text.js';
import type { DetailLevel } from './detail-level.js';
import type { BaselineComparison } from '../../compare/baseline.js';
import type { RunSummary, Totals } from '../../summary.js';
import { formatP, plusMinusZero, signed, usdDigits } from '../../shared.js';


export interface TableRow {
  provider: string;
  prompt: string;
  passRate: string;
  interval: string;
  delta: string;
  changed: string;
  cost: string;
  costDelta: string;
}

export interface ListItem {
  heading: string;
  details: string[];
  output: string;
}

export interface Section {
  title: string;
  total: number;
  /** One line per item, no details (fixed tests). */
  compact: boolean;
  items: ListItem[];
  more: number;
}

export interface MarkdownView {
  passed: boolean;
  title: string;
  reasons: string[];
  moreReasons: number;
  headline: string;
  warnings: string[];
  baseline: boolean;
  /** False for an attacks-only run: it has no test to tabulate. */
  table: boolean;
  rows: TableRow[];
  overall: TableRow | null;
  moreRows: number;
  legend: string;
  sections: Section[];
  /** The fine-tune block as the console prints it, escaped for a `<pre>`; '' for a run without recipes. */
  finetune: string;
  security: SecurityView | null;
  trimmed: string;
  footer: string;
}

/**
 * The baseline side: this run compared against it (baseline = A, this run = B), or why there is no comparison.
 * The same shape as the gates' baseline input, so `llmlab eval --baseline` hands over the comparison it made.
 */

export interface ViewInput {
  run: RunRecord;
  summary: RunSummary;
  baseline?: BaselineComparison;
  cells: CollectedCells;
  generator: string;
}

export function buildView(input: ViewInput, level: DetailLevel, levelIndex: number): MarkdownView {
  const { run, summary } = input;
  const comparison = input.baseline && 'comparison' in input.baseline ? input.baseline.comparison : undefined;
  const d = level.detailChars;
  const reasons = summary.gate.reasons.slice(0, 20);
  const warnings: string[] = [];
  // First: a green subset must not read as a green suite.
  if (summary.subset) warnings.push(mdInline(`${summary.subset.line}; the gate judged these cells only`, 300));
  if (input.baseline && 'unavailable' in input.baseline) warnings.push(mdInline(input.baseline.unavailable, 300));
  for (const w of comparison?.warnings ?? []) warnings.push(mdInline(w, 300));
  if (comparison && comparison.onlyInB.tests > 0) warnings.push(`${comparison.onlyInB.tests} tests are new (not in the baseline)`);
  if (comparison && comparison.onlyInA.tests > 0) warnings.push(`${comparison.onlyInA.tests} baseline tests are not in this run`);
  for (const t of comparison?.targetsOnlyInA ?? []) {
    warnings.push(`${mdInline(t.promptId, d)} × ${mdInline(t.providerLabel, d)} ran in the baseline only`);
  }

  const rows = pickRows(summary, comparison, level.rows, d);
  return {
    passed: summary.gate.passed,
    title: mdInline(run.description ?? basename(run.suitePath), 200),
    reasons: reasons.map((r) => mdInline(r, 300)),
    moreReasons: summary.gate.reasons.length - reasons.length,
    headline: headline(run, summary, input.baseline),
    warnings: warnings.slice(0, 10),
    baseline: comparison !== undefined,
    table: summary.targets.length > 0 || !summary.security,
    rows,
    overall: summary.targets.length > 1 || rows.length === 0 ? row('', '**all**', summary, comparison?.overall, false) : null,
    moreRows: summary.targets.length - rows.length,
    legend: comparison && comparison.cells.paired > 0
      ? `Δ: change in pass rate over the ${comparison.cells.paired} cells both runs have; 🔴/🟢 significant at 95 % ` +
        '(paired McNemar exact test, Holm-adjusted across prompt × provider), n.s. not significant.'
      : '',
    sections: level.sections ? sections(input, comparison, level) : [],
    finetune: summary.finetunes ? preText(finetuneLines(summary.finetunes).join('\n'), 8000) : '',
    security: buildSecurityView(summary.security, level, comparison?.security),
    trimmed:
      levelIndex === 0
        ? ''
        : `Trimmed to fit a GitHub comment: outputs cut to ${level.outputChars} characters, lists to ${level.items} items` +
          `${summary.targets.length > level.rows ? `, the table to ${level.rows} rows` : ''}. ` +
          'The HTML and JSON reports (workflow artifact) have everything.',
    footer: mdInline(input.generator, 100),
  };
}

function headline(run: RunRecord, summary: RunSummary, baseline: BaselineComparison | undefined): string {
  const rate = summary.passRate === null ? 'no verdicts' : `**${pct(summary.passRate)}** passed`;
  const ci = summary.passRateInterval ? ` (95 % CI ${interval(summary)})` : '';
  const attacksOnly = summary.cells === 0 && summary.security !== undefined;
  const parts = [
    ...(attacksOnly
      ? ['no test cells (security attacks only)']
      : [`${rate}${ci} of ${summary.cells} cells`, `${summary.failed} failed`, `${summary.errors} errored`]),
    ...(summary.skipped > 0 ? [`${summary.skipped} skipped`] : []),
    ...(attacksOnly ? [] : [`cost ${money(summary.cost)} USD`]),
    ...(summary.gradingCost ? [`grading ${money(summary.gradingCost)} USD`] : []),
    `run ${code(run.id)}${run.status === 'completed' ? '' : ` (${run.status})`}`,
  ];
  if (baseline && 'comparison' in baseline) {
    const id = baseline.comparison.runA.id;
    const ref = baseline.ref !== undefined && baseline.ref !== id ? ` (${mdInline(baseline.ref, 80)})` : '';
    parts.push(`baseline ${code(id)}${ref}`);
  }
  return parts.join(' · ');
}

/** The rows that fit: all of them in suite order, or the worst ones (regressions first) when they do not fit. */
function pickRows(summary: RunSummary, comparison: RunComparison | undefined, max: number, d: number): TableRow[] {
  const deltas = new Map((comparison?.targets ?? []).map((t) => [`${t.promptId}\0${t.providerLabel}`, t]));
  const entries = summary.targets.map((t, i) => ({ t, i, delta: deltas.get(`${t.promptId}\0${t.providerLabel}`) }));
  let kept = entries;
  if (entries.length > max) {
    const badness = (e: (typeof entries)[number]) =>
      (e.delta?.significant && e.delta.difference.estimate < 0 ? -10 : 0) + (e.delta?.difference.estimate ?? 0) + (e.t.passRate ?? 0);
    kept = [...entries].sort((a, b) => badness(a) - badness(b) || a.i - b.i).slice(0, max).sort((a, b) => a.i - b.i);
  }
  return kept.map((e) => row(mdInline(e.t.providerLabel, d), mdInline(e.t.promptId, d), e.t, e.delta, comparison !== undefined));
}

function row(provider: string, prompt: string, t: Totals, delta: RunDelta | TargetDelta | undefined, compared: boolean): TableRow {
  const counted = t.cells - t.skipped;
  return {
    provider,
    prompt,
    passRate: t.passRate === null ? '–' : `${pct(t.passRate)} (${t.passed}/${counted})`,
    interval: t.passRateInterval ? interval(t) : '–',
    delta: delta ? deltaText(delta) : compared ? 'new' : '',
    changed: delta ? `${delta.regressions} ↓ · ${delta.fixes} ↑` : '',
    cost: money(t.cost),
    costDelta: delta ? signedChange(delta.usage.b.cost - delta.usage.a.cost, money) : '',
  };
}

function deltaText(delta: RunDelta): string {
  const text = signedChange(delta.difference.estimate * 100, (x) => `${x.toFixed(1)} pp`);
  if (delta.regressions + delta.fixes === 0) return text;
  const p = formatP(delta.adjustedPValue);
  if (!delta.significant) return `${text} (n.s., ${p})`;
  return `**${text}** ${delta.difference.estimate < 0 ? '🔴' : '🟢'} (${p})`;
}

function sections(input: ViewInput, comparison: RunComparison | undefined, level: DetailLevel): Section[] {
  const { summary, cells } = input;
  const out: Section[] = [];
  if (comparison) {
    const regressed = changedTests(comparison, 'regressed');
    out.push({
      title: 'Regressed: passed in the baseline, fail now',
      total: regressed.length,
      compact: false,
      items: regressed.slice(0, level.items).map((c) => {
        const cell = cells.regressed.get(cellKey(c));
        return cell ? item(cell, level, input.run) : { heading: heading(c, c.statusB, input.run, level), details: [], output: '' };
      }),
      more: Math.max(regressed.length - level.items, 0),
    });
    const fixed = changedTests(comparison, 'fixed');
    out.push({
      title: 'Fixed: failed in the baseline, pass now',
      total: fixed.length,
      compact: true,
      items: fixed.slice(0, level.items).map((c) => ({ heading: heading(c, 'pass', input.run, level), details: [], output: '' })),
      more: Math.max(fixed.length - level.items, 0),
    });
  } else {
    out.push(listSection('Failed', summary.failed, cells.failed, level, input.run));
  }
  out.push(listSection('Errored', summary.errors, cells.errored, level, input.run));
  return out.filter((s) => s.total > 0);
}

function listSection(title: string, total: number, cells: ListedCell[], level: DetailLevel, run: RunRecord): Section {
  const items = cells.slice(0, level.items).map((c) => item(c, level, run));
  return { title, total, compact: false, items, more: Math.max(total - items.length, 0) };
}

function item(cell: ListedCell, level: DetailLevel, run: RunRecord): ListItem {
  const d = level.detailChars;
  const details = [
    ...(cell.error === undefined ? [] : [`error: ${mdInline(cell.error, d)}`]),
    ...cell.reasons.slice(0, 5).map((r) => mdInline(r, d)),
    ...(cell.reasons.length > 5 ? [`… and ${cell.reasons.length - 5} more failing assertions`] : []),
    ...(cell.vars === '{}' ? [] : [`vars: <code>${mdInline(cell.vars, d)}</code>`]),
  ];
  const output = level.outputChars > 0 && cell.output !== '' ? preText(cell.output, level.outputChars, cell.outputLength) : '';
  return { heading: heading(cell, cell.status, run, level), details, output };
}

type Named = { description?: string | null; testId: string; repeatIndex: number; providerLabel: string; promptId: string };

function heading(c: Named, status: string, run: RunRecord, level: DetailLevel): string {
  const icon = status === 'pass' ? '✅' : status === 'error' ? '⚠️' : '❌';
  const name = mdInline(c.description ?? c.testId, Math.min(level.detailChars, 120));
  const repeat = run.options.repeat > 1 ? ` #${c.repeatIndex + 1}` : '';
  const id = c.description ? ` <code>${mdInline(c.testId, 60)}</code>` : '';
  return `${icon} ${name}${repeat}${id} · ${mdInline(c.promptId, 60)} × ${mdInline(c.providerLabel, 60)} · ${status}`;
}

function interval(t: Totals): string {
  const i = t.passRateInterval!;
  return `${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)} %`;
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)} %`;
}

/** USD without a `$`: GitHub reads two dollar signs on a line as LaTeX math. */
const money = usdDigits;

/** `+0.0023`, `−33.3 pp`; a change that prints as zero reads `±0.0 pp`, never `−0.0000`. */
function signedChange(x: number, format: (magnitude: number) => string): string {
  return plusMinusZero(signed(x, format));
}

function code(id: string): string {
  return /^[\w.-]+$/.test(id) ? `\`${id}\`` : mdInline(id, 80);
}
