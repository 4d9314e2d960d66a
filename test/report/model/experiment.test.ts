import { describe, expect, it } from 'vitest';
import { experimentReport, type ExperimentDefinition } from '../../../src/report/model/experiment.js';
import type { ArmUnits } from '../../../src/store/gateway-types.js';
import { createRng } from '../../../src/stats/rng.js';

const definition: ExperimentDefinition = {
  name: 'tone-test',
  arms: ['control', 'treatment'],
  control: 'control',
  shares: { control: 0.5, treatment: 0.5 },
  bandit: false,
  alpha: 0.05,
  metric: 'thumbs',
};

/** An arm of `n` units whose thumbs-up rate is `rate`, spread evenly (unit i is up when its share of ups is due). */
function arm(name: string, n: number, rate: number, assigned = n): ArmUnits {
  const outcomes = Array.from({ length: n }, (_, i) => (Math.floor((i + 1) * rate) > Math.floor(i * rate) ? 1 : 0));
  return { arm: name, assigned, outcomes, outcomeTimes: outcomes.map((_, i) => i), requests: assigned * 2, costUsd: assigned * 0.001 };
}

describe('experimentReport', () => {
  it('per arm: units, requests, n, Wilson interval for thumbs, cost', () => {
    const report = experimentReport(definition, [arm('control', 200, 0.3), arm('treatment', 200, 0.5)], 0);
    const [control, treatment] = report.arms;
    expect(control).toMatchObject({ arm: 'control', units: 200, requests: 400, n: 200, method: 'wilson', costUsd: 0.2 });
    expect(control!.mean!.estimate).toBeCloseTo(0.3, 12);
    // Wilson 95 % for 60/200: (p̂ + z²/2n ± z√(p̂q̂/n + z²/4n²)) / (1 + z²/n) = 0.24075–0.36680.
    expect(control!.mean!.low).toBeCloseTo(0.24075, 4);
    expect(control!.mean!.high).toBeCloseTo(0.3668, 4);
    expect(treatment!.mean!.estimate).toBeCloseTo(0.5, 12);
  });

  it('calls a clear effect "better", with the always-valid interval and p', () => {
    const report = experimentReport(definition, [arm('control', 400, 0.3), arm('treatment', 400, 0.5)], 0);
    const [comparison] = report.comparisons;
    expect(comparison!.status).toBe('better');
    expect(comparison!.result.difference).toBeCloseTo(0.2, 12);
    expect(comparison!.result.low).toBeGreaterThan(0);
    expect(report.verdict).toMatch(/^treatment better than control: \+20\.0 pp \(always-valid 95 % CI \+\d+\.\d pp to \+\d+\.\d pp, always-valid p<0\.001\)$/);
    expect(report.srm).toMatchObject({ checked: true, result: { mismatch: false } });
  });

  it('says "no difference detected yet" with the n needed, and "worse" for a worse arm', () => {
    const rng = createRng(5);
    const noisy = (name: string, n: number): ArmUnits => {
      const outcomes = Array.from({ length: n }, () => (rng.float() < 0.5 ? 1 : 0));
      return { arm: name, assigned: n, outcomes, requests: n, costUsd: 0 };
    };
    const same = experimentReport(definition, [noisy('control', 100), noisy('treatment', 100)], 0);
    expect(same.comparisons[0]!.status).toBe('no-difference-yet');
    expect(same.comparisons[0]!.unitsNeeded).toBeGreaterThan(100);
    expect(same.verdict).toMatch(/^treatment vs control: no difference detected yet \(.*\); n needed: about [\d,]+ units per arm to detect a difference of \d+\.\d pp$/);
    const worse = experimentReport(definition, [arm('control', 400, 0.6), arm('treatment', 400, 0.3)], 0);
    expect(worse.comparisons[0]!.status).toBe('worse');
    expect(worse.verdict).toMatch(/^treatment worse than control: −30\.0 pp/);
  });

  it('flags a sample-ratio mismatch first: "SRM: do not trust"', () => {
    const report = experimentReport(definition, [arm('control', 300, 0.3, 600), arm('treatment', 300, 0.5, 400)], 0);
    expect(report.srm).toMatchObject({ checked: true, result: { mismatch: true, observed: [600, 400], expected: [500, 500] } });
    expect(report.verdict.split('\n')[0]).toMatch(/^SRM: do not trust these results — units per arm 600 \/ 400 vs expected 500 \/ 500/);
  });

  it('skips the SRM check for a bandit, saying why', () => {
    const { shares: _shares, ...rest } = definition;
    const report = experimentReport({ ...rest, bandit: true }, [arm('control', 300, 0.3, 900), arm('treatment', 300, 0.5, 100)], 0);
    expect(report.srm).toEqual({ checked: false, reason: expect.stringMatching(/bandit/) });
    expect(report.verdict).not.toMatch(/SRM/);
  });

  it('waits for the burn-in, and reports an arm with no requests as empty', () => {
    const report = experimentReport(definition, [arm('control', 10, 0.5)], 0);
    expect(report.arms[1]).toMatchObject({ arm: 'treatment', units: 0, n: 0, mean: null });
    expect(report.comparisons[0]!.status).toBe('too-few-units');
    expect(report.verdict).toBe('treatment vs control: too few units with an outcome yet (0 of the 30 per arm the test starts from)');
  });

  it('uses t intervals and 0..1 numbers for scores', () => {
    const scores = (name: string, base: number): ArmUnits => ({
      arm: name,
      assigned: 40,
      outcomes: Array.from({ length: 40 }, (_, i) => base + (i % 5) * 0.05),
      requests: 40,
      costUsd: 0,
    });
    const report = experimentReport({ ...definition, metric: 'score' }, [scores('control', 0.5), scores('treatment', 0.7)], 0);
    expect(report.arms[0]!.method).toBe('t');
    expect(report.arms[0]!.mean!.estimate).toBeCloseTo(0.6, 12);
    expect(report.verdict).toMatch(/^treatment better than control: \+0\.200 /);
  });
});
