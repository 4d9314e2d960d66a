/**
 * The console's security block, printed under the summary table when a run has attack cells: a header, one line
 * per family × strategy (or per family when those do not fit), the first few successful attacks, and how to see
 * their transcripts. At most {@link SECURITY_CONSOLE_LINES} lines. Also the security lines of a comparison of two
 * runs (`llmlab compare`, and the baseline section of `eval` / `report`).
 */
import type { AttackDelta, ChangedAttack, SecurityComparison } from '../compare/security-comparison.js';
import { securityRows, type SecurityGroup, type SecuritySummary } from '../model/security-summary.js';
import { formatP, signedPoints } from '../shared.js';

/** Most lines the block takes. */
export const SECURITY_CONSOLE_LINES = 30;
/** Most successful attacks listed; the reports list up to 100 with transcripts. */
export const SECURITY_CONSOLE_HITS = 5;
/** Characters of a hit's first reason shown. */
const REASON_CHARS = 100;

export function formatSecurity(security: SecuritySummary | undefined): string[] {
  if (!security) return [];
  const s = security;
  const counts = [
    `${s.cells} attack cell${s.cells === 1 ? '' : 's'}`,
    `${s.hits} hit${s.hits === 1 ? '' : 's'}`,
    `${s.resisted} resisted`,
    ...(s.errors > 0 ? [`${s.errors} errored`] : []),
    ...(s.skipped > 0 ? [`${s.skipped} skipped`] : []),
  ];
  const target = s.target.providerLabel === s.target.providerId ? s.target.providerLabel : `${s.target.providerLabel} (${s.target.providerId})`;
  const header = `security: target ${clean(target)} · ${counts.join(' · ')} · gated at severity ≥ ${s.severityThreshold}`;
  const hits = hitLines(s);
  const footer = s.hits > 0 ? [`full transcripts: llmlab report ${s.runId} -o report.html`] : [];
  const room = SECURITY_CONSOLE_LINES - 1 - hits.length - footer.length;
  return [header, ...groupLines(s, room), ...hits, ...footer];
}

/** Groups with a family total after each family of several strategies; families alone when that is too long. */
function groupLines(s: SecuritySummary, room: number): string[] {
  const detailed = securityRows(s);
  if (detailed.length <= room) return aligned(detailed);
  const shown = s.families.slice(0, Math.max(room - 1, 0));
  const more = s.families.length - shown.length;
  const note = more > 0 ? `  … ${more} more families; per strategy in the JSON and HTML reports` : '  per strategy: see the JSON and HTML reports';
  return [...aligned(shown), note];
}

function aligned(groups: readonly SecurityGroup[]): string[] {
  const rows = groups.map((g) => [clean(`${g.family}/${g.strategy}`), g.severity, g.text, verdict(g)]);
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')}`.trimEnd());
}

/** How the row stands against the gate: over its allowed rate, or hits only below the threshold (not gated). */
function verdict(g: SecurityGroup): string {
  if (g.gate === 'fail') return `over the allowed ${Number((g.maxSuccessRate * 100).toFixed(1))} % at ≥ threshold`;
  return g.hits > 0 && g.gate === 'not-gated' ? 'below threshold, not gated' : '';
}

function hitLines(s: SecuritySummary): string[] {
  if (s.hits === 0) return [];
  const listed = s.hitLog.slice(0, SECURITY_CONSOLE_HITS).map((h) => {
    const reason = h.reasons[0] === undefined ? '' : `: ${cut(clean(h.reasons[0]), REASON_CHARS)}`;
    return `  ${h.severity.padEnd(8)} ${clean(`${h.family}/${h.strategy}/${h.template}${h.goal ? ` → ${h.goal}` : ''}`)}${reason}`;
  });
  const more = s.hits - listed.length;
  return [
    `successful attacks (${s.hits}, most severe first):`,
    ...listed,
    ...(more > 0 ? [`  … ${more} more`] : []),
  ];
}

/** Model text on a terminal: control characters (escape sequences) and line breaks become spaces. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/[\ud800-\udbff]$/, '')}…`;
}

/** How much of a security comparison the console shows. */
export type SecurityComparisonDetail = 'all' | 'changed';

/**
 * The security part of a comparison of two runs. `all` (`llmlab compare`): one line per family, its strategies
 * below it when it has several, then the newly successful and newly resisted attacks. `changed` (under a run's own
 * security block, which already shows every family): the families that changed significantly and the count of
 * newly successful attacks.
 */
export function formatSecurityComparison(s: SecurityComparison | undefined, detail: SecurityComparisonDetail): string[] {
  if (!s || s.cells.paired === 0) return [];
  const paired = `${s.cells.paired} attack cell${s.cells.paired === 1 ? '' : 's'} both runs judged`;
  if (detail === 'changed') {
    const changed = s.families.filter((f) => f.significant);
    const head = `security vs baseline (${paired}): ${changed.length === 0 ? 'no family changed significantly' : 'significant changes'}`;
    const ids = s.newHits.tests.slice(0, SECURITY_CONSOLE_HITS).map((t) => clean(changedId(t, s)));
    const more = s.newHits.total > ids.length ? `, … ${s.newHits.total - ids.length} more` : '';
    const news = s.newHits.total > 0 ? [`newly successful attacks: ${s.newHits.total} (${ids.join(', ')}${more})`] : [];
    return [head, ...changed.map((f) => familyLine(f, s.families.length > 1)), ...news];
  }
  const many = s.families.length > 1;
  const heading =
    `security: attack success A → B over ${paired}, paired by test id and repeat ` +
    `(McNemar exact p${many ? `, Holm-adjusted across ${s.families.length} families` : ''})`;
  const detailed = s.families.flatMap((f) => {
    const groups = s.groups.filter((g) => g.family === f.family);
    return [familyLine(f, many), ...(groups.length > 1 ? groups.map((g) => `  ${groupLine(g, s.groups.length > 1)}`) : [])];
  });
  const rows = detailed.length <= SECURITY_CONSOLE_LINES ? detailed : [
    ...s.families.slice(0, SECURITY_CONSOLE_LINES).map((f) => familyLine(f, many)),
    `  per strategy${s.families.length > SECURITY_CONSOLE_LINES ? ' and the other families' : ''}: with --json or -o`,
  ];
  return [
    heading,
    ...rows,
    ...changedList('newly successful attacks (resisted in A, hit in B)', s.newHits, s),
    ...changedList('newly resisted attacks (hit in A, resisted in B)', s.newlyResisted, s),
  ];
}

/** `security: jailbreak 2/18 → 5/18 hit (+16.7 pts [−3.1, +35.2], McNemar p=0.25, Holm p=0.5)` */
function familyLine(d: AttackDelta, showAdjusted: boolean): string {
  return `security: ${clean(d.family)} ${deltaText(d, showAdjusted)}`;
}

function groupLine(d: AttackDelta, showAdjusted: boolean): string {
  return `${clean(`${d.family}/${d.strategy}`)} ${deltaText(d, showAdjusted)}`;
}

function deltaText(d: AttackDelta, showAdjusted: boolean): string {
  const diff = d.difference;
  const p = `${formatP(d.pValue, 'McNemar p')}${showAdjusted ? `, ${formatP(d.adjustedPValue, 'Holm p')}` : ''}`;
  return (
    `${d.hitsA}/${d.n} → ${d.hitsB}/${d.n} hit (${signedPoints(diff.estimate)} pts [${signedPoints(diff.low)}, ${signedPoints(diff.high)}], ${p}` +
    `${d.significant ? ', significant' : ''})`
  );
}

function changedList(heading: string, list: SecurityComparison['newHits'], s: SecurityComparison): string[] {
  if (list.total === 0) return [`${heading}: none`];
  const lines = list.tests.slice(0, CONSOLE_CHANGED).map((t) => `  ${t.severity.padEnd(8)} ${clean(changedId(t, s))}`);
  if (list.total > lines.length) {
    const where = list.tests.length === list.total ? 'all of them' : `the first ${list.tests.length}`;
    lines.push(`  … and ${list.total - lines.length} more (${where} with --json or -o)`);
  }
  return [`${heading}: ${list.total}`, ...lines];
}

/** The test id, with the repeat when the comparison has repeated attacks. */
function changedId(t: ChangedAttack, s: SecurityComparison): string {
  const repeats = [...s.newHits.tests, ...s.newlyResisted.tests].some((x) => x.repeatIndex > 0);
  return repeats ? `${t.testId} (repeat ${t.repeatIndex + 1})` : t.testId;
}

/** Changed attacks listed per kind on the console. */
const CONSOLE_CHANGED = 10;

