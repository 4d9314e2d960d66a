/**
 * The console text of `llmlab compare`: both runs, warnings, one line per target, then what regressed and what was
 * fixed, then the security comparison when both runs have attack cells.
 */
import { relative } from 'node:path';
import type { ChangedTest, ComparedRun, RateWithInterval, RunComparison, RunDelta, SideUsage } from '../compare/compare-runs.js';
import { formatSecurityComparison, type SecurityComparisonDetail } from './security-lines.js';
import { usd } from './table.js';
import { formatP, signedPoints } from '../shared.js';

/** How many test ids and changed tests the console lists before "… and N more". */
export const CONSOLE_LIST_LIMIT = 10;

/** Options of {@link formatRunComparison}. */
export interface ComparisonTextOptions {
  /**
   * `all` for `llmlab compare`; `changed` (default) under a run's summary, whose own security block already shows
   * every family: only the families that changed significantly.
   */
  security?: SecurityComparisonDetail;
}

/** The whole console report; paths are shown relative to `cwd`. */
export function formatRunComparison(c: RunComparison, cwd = process.cwd(), options: ComparisonTextOptions = {}): string {
  const out = [
    `compare B against A over ${c.cells.paired} paired cells (matched by provider, prompt, test and repeat)`,
    runLine('A', c.runA, cwd),
    runLine('B', c.runB, cwd),
    ...c.warnings.map((w) => `warning: ${w}`),
    ...onlyIn('A', c.onlyInA.testIds),
    ...onlyIn('B', c.onlyInB.testIds),
    ...c.targetsOnlyInA.map((t) => `target only in A: ${t.promptId} × ${t.providerLabel}`),
    ...c.targetsOnlyInB.map((t) => `target only in B: ${t.promptId} × ${t.providerLabel}`),
    ...passRateLines(c),
    ...formatSecurityComparison(c.security, options.security ?? 'changed'),
  ];
  return out.join('\n');
}

/** Per target and overall, usage, then the changed tests; runs that share only attack cells have none of it. */
function passRateLines(c: RunComparison): string[] {
  if (c.cells.paired === 0) return ['no test cells in common: only security attacks are compared'];
  const many = c.targets.length > 1;
  return [
    `pass rates A → B, b − a (McNemar exact p${many ? `, Holm-adjusted across ${c.targets.length} targets` : ''})`,
    ...c.targets.map((t) => `  ${t.promptId} × ${t.providerLabel}: ${deltaLine(t, many)}`),
    ...(many ? [`  overall: ${deltaLine(c.overall, false)}`] : []),
    usageLine(c.overall.usage.a, c.overall.usage.b),
    ...changedList('regressed (pass → fail/error)', c, (t) => t.regressed),
    ...changedList('fixed (fail/error → pass)', c, (t) => t.fixed),
  ];
}

/** `A  20261126-233512-9f3a  suites/q.yaml  2026-11-26 23:35 UTC  git 1a2b3c4d5e  (interrupted)` */
function runLine(side: 'A' | 'B', run: ComparedRun, cwd: string): string {
  const date = `${run.createdAt.replace('T', ' ').slice(0, 16)} UTC`;
  const parts = [side, run.id, relative(cwd, run.suite.path) || run.suite.path, date];
  if (run.gitSha) parts.push(`git ${run.gitSha.slice(0, 10)}`);
  if (run.status !== 'completed') parts.push(`(${run.status})`);
  return parts.join('  ');
}

function onlyIn(side: 'A' | 'B', ids: string[]): string[] {
  if (ids.length === 0) return [];
  return [`only in ${side}: ${ids.length} test${ids.length === 1 ? '' : 's'} (${capped(ids).join(', ')})`];
}

function capped(ids: string[]): string[] {
  if (ids.length <= CONSOLE_LIST_LIMIT) return ids;
  return [...ids.slice(0, CONSOLE_LIST_LIMIT), `… ${ids.length - CONSOLE_LIST_LIMIT} more`];
}

/** `100.0% [51.0–100.0] → 50.0% [15.0–85.0]: −50.0 pts [−80.2, −3.1], p=0.5 (not significant; MDE 80 pts at n=4); 2 regressed, 0 fixed` */
export function deltaLine(d: RunDelta, showAdjusted: boolean): string {
  const diff = d.difference;
  const p = `${formatP(d.pValue)}${showAdjusted ? `, ${formatP(d.adjustedPValue, 'Holm p')}` : ''}`;
  const mde = d.mde === null ? '' : `MDE ${d.mde >= 1 ? '>100' : Math.round(d.mde * 100)} pts at `;
  const verdict = `${d.significant ? 'significant' : 'not significant'}; ${mde}n=${d.n}`;
  return (
    `${rate(d.passRateA)} → ${rate(d.passRateB)}: ${signedPoints(diff.estimate)} pts [${signedPoints(diff.low)}, ${signedPoints(diff.high)}], ` +
    `${p} (${verdict}); ${d.regressions} regressed, ${d.fixes} fixed`
  );
}

function usageLine(a: SideUsage, b: SideUsage): string {
  const ms = (x: number | null) => (x === null ? '-' : String(Math.round(x)));
  return (
    `cost ${usd(a.cost)} → ${usd(b.cost)}, tokens ${a.tokens.total} → ${b.tokens.total}, ` +
    `p50 latency ${ms(a.latencyP50Ms)} → ${ms(b.latencyP50Ms)} ms (over the paired cells)`
  );
}

function changedList(heading: string, c: RunComparison, pick: (t: RunComparison['targets'][number]) => ChangedTest[]): string[] {
  const all = c.targets.flatMap((t) => pick(t).map((test) => ({ target: `${t.promptId} × ${t.providerLabel}`, test })));
  if (all.length === 0) return [`${heading}: none`];
  const repeats = all.some(({ test }) => test.repeatIndex > 0);
  const lines = all.slice(0, CONSOLE_LIST_LIMIT).map(({ target, test }) => {
    const id = repeats ? `${test.testId} (repeat ${test.repeatIndex + 1})` : test.testId;
    const description = test.description ? ` "${test.description}"` : '';
    return `  ${target}  ${id}${description}  ${test.statusA} → ${test.statusB}`;
  });
  if (all.length > CONSOLE_LIST_LIMIT) lines.push(`  … and ${all.length - CONSOLE_LIST_LIMIT} more (all of them with --json or -o)`);
  return [`${heading}: ${all.length}`, ...lines];
}

/** `75.0% [62.1–84.6]` */
function rate(r: RateWithInterval): string {
  return `${(r.rate * 100).toFixed(1)}% [${(r.low * 100).toFixed(1)}–${(r.high * 100).toFixed(1)}]`;
}

