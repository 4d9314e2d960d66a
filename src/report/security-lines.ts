/**
 * The console's security block, printed under the summary table when a run has attack cells: a header, one line
 * per family × strategy (or per family when those do not fit), the first few successful attacks, and how to see
 * their transcripts. At most {@link SECURITY_CONSOLE_LINES} lines.
 */
import { securityRows, type SecurityGroup, type SecuritySummary } from './security-summary.js';

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
