import { describe, expect, it } from 'vitest';
import { formatExperimentReport } from '../../../src/report/console/experiment-lines.js';
import { experimentReport, type ExperimentDefinition } from '../../../src/report/model/experiment.js';
import { experimentHtml } from '../../../src/report/writers/experiment-html.js';
import { experimentJson } from '../../../src/report/writers/experiment-json.js';
import { experimentMarkdown } from '../../../src/report/writers/experiment-markdown.js';
import type { ArmUnits } from '../../../src/store/gateway-types.js';

const HOSTILE = '<img src=x onerror=alert(1)>|arm';
const definition: ExperimentDefinition = {
  name: 'tone-test',
  arms: ['control', HOSTILE],
  control: 'control',
  shares: { control: 0.5, [HOSTILE]: 0.5 },
  bandit: false,
  alpha: 0.05,
  metric: 'thumbs',
};
const units = (arm: string, ups: number, n: number): ArmUnits => ({
  arm,
  assigned: n,
  outcomes: Array.from({ length: n }, (_, i) => (i < ups ? 1 : 0)),
  requests: n,
  costUsd: 0.5,
});
const report = experimentReport(definition, [units('control', 60, 200), units(HOSTILE, 100, 200)], Date.UTC(2026, 11, 7));

describe('experiment report writers', () => {
  it('console: headline, aligned arms table, SRM line, verdicts', () => {
    const lines = formatExperimentReport(report);
    expect(lines[0]).toBe(`experiment tone-test: thumbs-up rate per unit, split control 50%, ${HOSTILE} 50%, alpha 0.05`);
    expect(lines[2]).toMatch(/^arm +units +requests +n +mean +95% interval +cost$/);
    expect(lines[3]).toMatch(/^control \(control\) +200 +200 +200 +30\.0% +24\.\d%–36\.\d% \(Wilson\) +\$0\.50$/);
    expect(lines).toContain('SRM check: ok, 200 / 200 units vs 200 / 200 expected, p=1');
    expect(lines.at(-1)).toMatch(/^verdict: .* better than control: \+20\.0 pp/);
  });

  it('Markdown escapes table pipes and HTML in arm names', () => {
    const md = experimentMarkdown(report, 'llmlab test');
    expect(md).toContain('| arm | units | requests | n | mean | 95% interval | cost |');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;\\|arm');
    expect(md).not.toContain('<img');
  });

  it('HTML escapes everything and runs no script', () => {
    const html = experimentHtml(report, 'llmlab test');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;|arm');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('2026-12-07T00:00:00.000Z');
  });

  it('JSON has the schema version and writes unbounded intervals as null', () => {
    const early = experimentReport(definition, [units('control', 1, 3), units(HOSTILE, 1, 3)], 0);
    const json = JSON.parse(experimentJson(early, 'llmlab test'));
    expect(json).toMatchObject({ schemaVersion: 1, generator: 'llmlab test', experiment: { name: 'tone-test' } });
    expect(json.comparisons[0].result.low).toBeNull();
    expect(json.comparisons[0].status).toBe('too-few-units');
  });
});
