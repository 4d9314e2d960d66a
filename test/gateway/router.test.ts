import { describe, expect, it } from 'vitest';
import { createLatencyEstimates } from '../../src/gateway/latency.js';
import type { CandidateStanding, QualityTable } from '../../src/gateway/quality-table.js';
import { createRouter } from '../../src/gateway/router.js';
import type { GatewayCandidate, QualityRule } from '../../src/gateway/types.js';
import { fakeClock } from '../engine/fake-clock.js';
import { candidate, virtualModel } from './candidates.js';

const labels = (list: GatewayCandidate[]) => list.map((c) => c.label);

/** A quality table that holds fixed standings (the real one is tested against a store in quality-table.test.ts). */
function table(standings: Array<Partial<CandidateStanding> & { label: string }>, prefer: QualityRule['prefer'] = 'cheapest'): QualityTable {
  const full = standings.map((s) => ({ n: 100, rate: 0.95, lower: 0.9, upper: 0.98, qualifies: true, ...s }));
  return {
    rule: { suite: '/s.yaml', metric: 'pass', minRate: 0.9, prefer },
    runId: 'r1',
    standings: full,
    standing: (label) => full.find((s) => s.label === label),
    refresh: () => ({ changed: false, runId: 'r1' }),
  };
}

describe('router strategies', () => {
  const [a, b, c] = [candidate('a', { price: 3 }), candidate('b', { price: 1 }), candidate('c')];

  it('fallback keeps config order', () => {
    expect(labels(createRouter(virtualModel('fallback', [a, b, c])).order())).toEqual(['a', 'b', 'c']);
  });

  it('cheapest sorts by input + output price, unpriced last, and warns about the unpriced', () => {
    const warned: string[] = [];
    const d = { ...candidate('d'), price: { input: 0.5, output: 1 } };
    const router = createRouter(virtualModel('cheapest', [c, a, d, b]), { warn: (m) => warned.push(m) });
    expect(labels(router.order())).toEqual(['b', 'd', 'a', 'c']);
    expect(warned).toEqual([expect.stringContaining('c has no price')]);
    expect(router.warnings).toEqual(warned);
  });

  it('fastest measures each candidate once, then follows the moving average as latencies change', () => {
    const router = createRouter(virtualModel('fastest', [a, b, c]));
    expect(labels(router.order())).toEqual(['a', 'b', 'c']);
    router.record('a', { ok: true, latencyMs: 300 });
    expect(labels(router.order())).toEqual(['b', 'c', 'a']);
    router.record('b', { ok: true, latencyMs: 100 });
    router.record('c', { ok: true, latencyMs: 200 });
    expect(labels(router.order())).toEqual(['b', 'c', 'a']);
    for (let i = 0; i < 5; i++) router.record('b', { ok: true, latencyMs: 1000 });
    expect(labels(router.order())).toEqual(['c', 'a', 'b']);
  });

  it('fastest starts from the quality run’s median latencies when known', () => {
    const quality = table([{ label: 'a', medianLatencyMs: 900 }, { label: 'b', medianLatencyMs: 50 }, { label: 'c', medianLatencyMs: 400 }]);
    expect(labels(createRouter(virtualModel('fastest', [a, b, c]), { quality }).order())).toEqual(['b', 'c', 'a']);
  });

  it('quality serves only qualifying candidates, cheapest first', () => {
    const quality = table([{ label: 'a' }, { label: 'b', qualifies: false, lower: 0.7 }, { label: 'c' }]);
    const router = createRouter(virtualModel('quality', [a, b, c]), { quality });
    expect(labels(router.order())).toEqual(['a', 'c']);
    expect(router.describe().map((s) => [s.label, s.served])).toEqual([['a', true], ['b', false], ['c', true]]);
  });

  it('quality with prefer fastest orders the qualifying ones by latency', () => {
    const quality = table([{ label: 'a', medianLatencyMs: 500 }, { label: 'b', qualifies: false }, { label: 'c', medianLatencyMs: 20 }], 'fastest');
    const router = createRouter(virtualModel('quality', [a, b, c]), { quality });
    expect(labels(router.order())).toEqual(['c', 'a']);
    for (let i = 0; i < 10; i++) router.record('c', { ok: true, latencyMs: 2000 });
    expect(labels(router.order())).toEqual(['a', 'c']);
  });

  it('quality without its table is a bug, not a user error', () => {
    expect(() => createRouter(virtualModel('quality', [a]))).toThrow(/quality table/);
  });

  it('split draws the first pick by weight and keeps the rest in config order', () => {
    const model = virtualModel('split', [a, b, c], { weights: { a: 0.2, b: 0.8, c: 0 } });
    const first = (draw: number) => labels(createRouter(model, { random: () => draw }).order());
    expect(first(0)).toEqual(['a', 'b', 'c']);
    expect(first(0.19)).toEqual(['a', 'b', 'c']);
    expect(first(0.2)).toEqual(['b', 'a', 'c']);
    expect(first(0.999999)).toEqual(['b', 'a', 'c']);
  });

  it('split without weights gives equal shares', () => {
    let draw = 0;
    const router = createRouter(virtualModel('split', [a, b, c]), { random: () => draw });
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 300; i++) {
      draw = i / 300;
      counts[router.order()[0]!.label]!++;
    }
    expect(counts).toEqual({ a: 100, b: 100, c: 100 });
  });
});

describe('router and circuit breakers', () => {
  const [a, b, c] = [candidate('a'), candidate('b'), candidate('c')];

  it('moves a candidate with an open breaker behind the others, and back when its trial succeeds', () => {
    const clock = fakeClock();
    const router = createRouter(virtualModel('fallback', [a, b, c]), { now: clock.now });
    for (let i = 0; i < 3; i++) router.record('a', { ok: false, trigger: '5xx' });
    expect(labels(router.order())).toEqual(['b', 'c', 'a']);
    expect(router.attempt('a')).toBe(false);
    expect(router.describe()[0]).toMatchObject({ label: 'a', breaker: 'open' });
    clock.advance(30_000);
    expect(labels(router.order())).toEqual(['a', 'b', 'c']);
    expect(router.attempt('a')).toBe(true);
    // The trial is out: other requests meanwhile put `a` last.
    expect(labels(router.order())).toEqual(['b', 'c', 'a']);
    expect(router.attempt('a')).toBe(false);
    router.record('a', { ok: true, latencyMs: 10 });
    expect(labels(router.order())).toEqual(['a', 'b', 'c']);
    expect(router.describe()[0]).toMatchObject({ breaker: 'closed', latencyMs: 10 });
  });

  it('does not count a 400 (no trigger) against a candidate', () => {
    const router = createRouter(virtualModel('fallback', [a, b]));
    for (let i = 0; i < 10; i++) router.record('a', { ok: false, trigger: undefined });
    expect(labels(router.order())).toEqual(['a', 'b']);
  });

  it('keeps a split pick whose breaker is open as the last resort', () => {
    const router = createRouter(virtualModel('split', [a, b, c], { weights: { a: 0, b: 0, c: 1 } }), { random: () => 0.5 });
    for (let i = 0; i < 3; i++) router.record('c', { ok: false, trigger: 'timeout' });
    expect(labels(router.order())).toEqual(['a', 'b', 'c']);
  });
});

describe('latency estimates', () => {
  it('is a moving average seeded from the first sample, ignoring impossible values', () => {
    const l = createLatencyEstimates({ alpha: 0.5 });
    expect(l.estimate('x')).toBeUndefined();
    l.record('x', 100);
    l.record('x', 200);
    l.record('x', Number.NaN);
    l.record('x', -1);
    expect(l.estimate('x')).toBe(150);
  });
});
