/** The History page's SVG charts: well-formed, every text escaped, markers where the model put them. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { HistoryRun, HistorySeries } from '../../src/report/model/history.js';
import { escapeXml, formatP, formatShift, historyChart } from '../../src/view/history-svg.js';

const EVIL = `<script>alert("x")</script>&'`;
const runs: HistoryRun[] = Array.from({ length: 14 }, (_, i) => ({
  id: `run-${i}${i === 3 ? EVIL : ''}`,
  createdAt: Date.UTC(2026, 10, 1 + i, 9),
  status: 'completed',
  promptVersions: {},
}));
const v1 = { hash: 'a'.repeat(64), label: 'aaaaaaaa', saved: false };
const v2 = { hash: 'b'.repeat(64), label: `v2 ${EVIL}`, saved: true };
const series: HistorySeries = {
  promptId: EVIL,
  providerLabel: 'bot',
  points: runs.map((r, i) => ({ runIndex: i, runId: r.id, value: i < 7 ? 0.7 : 0.9, low: i < 7 ? 0.6 : 0.8, high: i < 7 ? 0.8 : 0.95, n: 100, version: i < 7 ? v1 : v2 })),
  changePoints: [{ index: 7, runIndex: 7, runId: 'run-7', before: 0.7, after: 0.9, shift: 0.2, pValue: 0.0004 }],
  versions: [],
};

function chart(overrides: Partial<Parameters<typeof historyChart>[0]> = {}): string {
  return historyChart({ title: `${EVIL} × bot: pass rate`, runs, series, versionChanges: [{ runIndex: 7, promptId: EVIL, from: v1, to: v2 }], percent: true, ...overrides });
}

describe('historyChart', () => {
  it('is well-formed SVG whose texts hold the markup as text', () => {
    const svg = chart();
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('<script>');
    const doc = new XMLParser({ ignoreAttributes: false, htmlEntities: true }).parse(svg) as {
      svg: { title: string; circle: Array<{ title: string }>; g: Array<{ title: string; '@_class': string }> };
    };
    expect(doc.svg.title).toBe(`${EVIL} × bot: pass rate`);
    expect(doc.svg.circle).toHaveLength(14);
    expect(doc.svg.circle[3]!.title).toBe(`run run-3${EVIL} · 2026-11-04 09:00 UTC · 70.0% [60.0%–80.0%] · n=100 · prompt aaaaaaaa`);
    const version = doc.svg.g.find((g) => g['@_class'] === 'version-change')!;
    expect(version.title).toBe(`prompt ${EVIL}: aaaaaaaa → v2 ${EVIL}`);
    const change = doc.svg.g.find((g) => g['@_class'] === 'change-point')!;
    expect(change.title).toBe('change point before run run-7: 70.0% → 90.0% (+20.0 pp · p < 0.001)');
  });

  it('labels at most 8 dates plus the last, never two on top of each other', () => {
    const labels = [...chart().matchAll(/<text class="axis" x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['2026-11-01', '2026-11-03', '2026-11-05', '2026-11-07', '2026-11-09', '2026-11-11', '2026-11-14']);
  });

  it('says so when the target has no values, and draws no marker without a change point', () => {
    const empty = chart({ series: { ...series, points: [], changePoints: [] }, versionChanges: [] });
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(empty).toContain('no values for this target');
    expect(empty).not.toContain('change-point');
    expect(empty).not.toContain('<polyline');
  });

  it('scales a metric outside [0, 1] to its values', () => {
    const wide = chart({ percent: false, series: { ...series, changePoints: [], points: series.points.map((p) => ({ ...p, value: p.value * 10, low: null, high: null })) } });
    expect(wide).toContain(' · 7.000 · n=100');
    expect(wide).not.toContain('class="interval"');
  });
});

describe('formatting', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  });
  it('writes shifts in points and p-values with a floor', () => {
    expect(formatShift(-0.2, true)).toBe('−20.0 pp');
    expect(formatShift(0.05, false)).toBe('+0.050');
    expect(formatP(0.0004)).toBe('p < 0.001');
    expect(formatP(0.0123)).toBe('p = 0.012');
  });
});
