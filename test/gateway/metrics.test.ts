import { describe, expect, it } from 'vitest';
import { createGatewayMetrics, type RequestRecord } from '../../src/gateway/metrics.js';
import { Counter, Histogram, Registry } from '../../src/gateway/prometheus.js';
import { parseExposition, type ParsedFamily } from './exposition.js';

const FAMILIES: [string, string][] = [
  ['llmlab_gateway_requests_total', 'counter'],
  ['llmlab_gateway_request_duration_seconds', 'histogram'],
  ['llmlab_gateway_overhead_seconds', 'histogram'],
  ['llmlab_gateway_tokens_total', 'counter'],
  ['llmlab_gateway_cost_usd_total', 'counter'],
  ['llmlab_gateway_cache_hits_total', 'counter'],
  ['llmlab_gateway_fallbacks_total', 'counter'],
  ['llmlab_gateway_breaker_open', 'gauge'],
  ['llmlab_gateway_budget_refusals_total', 'counter'],
  ['process_resident_memory_bytes', 'gauge'],
  ['process_start_time_seconds', 'gauge'],
];

const served = (over: Partial<RequestRecord> = {}): RequestRecord => ({
  model: 'support-bot',
  candidate: 'openai:gpt-4o-mini',
  status: 200,
  durationMs: 120,
  overheadMs: 0.4,
  inputTokens: 10,
  outputTokens: 5,
  costUsd: 0.001,
  cached: false,
  ...over,
});

/** The value of the one sample named `name` whose labels include `labels`. */
function valueOf(family: ParsedFamily | undefined, name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = family?.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) ?? [];
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]?.value;
}

describe('createGatewayMetrics', () => {
  it('renders every family, typed, before any request, in a form the grammar accepts', () => {
    const families = parseExposition(createGatewayMetrics({ candidates: ['openai:a'] }).render());
    expect([...families.values()].map((f) => [f.name, f.type])).toEqual(FAMILIES);
    for (const family of families.values()) expect(family.help).toBeTruthy();
    const overhead = families.get('llmlab_gateway_overhead_seconds');
    expect(valueOf(overhead, 'llmlab_gateway_overhead_seconds_count')).toBe(0);
    expect(valueOf(overhead, 'llmlab_gateway_overhead_seconds_bucket', { le: '+Inf' })).toBe(0);
    expect(valueOf(families.get('llmlab_gateway_breaker_open'), 'llmlab_gateway_breaker_open', { candidate: 'openai:a' })).toBe(0);
    expect(valueOf(families.get('process_resident_memory_bytes'), 'process_resident_memory_bytes')).toBeGreaterThan(0);
    const start = valueOf(families.get('process_start_time_seconds'), 'process_start_time_seconds')!;
    expect(Number.isInteger(start) && start > 1.6e9 && start <= Date.now() / 1000 + 1).toBe(true);
  });

  it('counts requests by status, tokens by kind, cost and cache hits', () => {
    const metrics = createGatewayMetrics();
    metrics.request(served());
    metrics.request(served({ inputTokens: 7, outputTokens: 3, costUsd: 0.0005 }));
    metrics.request(served({ status: 502, inputTokens: undefined, outputTokens: undefined, costUsd: 0 }));
    metrics.request(served({ cached: true, costUsd: 0 }));
    metrics.request(served({ model: 'other', candidate: undefined, status: 401, inputTokens: 0, outputTokens: 0, costUsd: 0 }));
    const families = parseExposition(metrics.render());
    const requests = families.get('llmlab_gateway_requests_total');
    const route = { model: 'support-bot', candidate: 'openai:gpt-4o-mini' };
    expect(valueOf(requests, 'llmlab_gateway_requests_total', { ...route, status: '200' })).toBe(3);
    expect(valueOf(requests, 'llmlab_gateway_requests_total', { ...route, status: '502' })).toBe(1);
    expect(valueOf(requests, 'llmlab_gateway_requests_total', { model: 'other', candidate: '', status: '401' })).toBe(1);
    const tokens = families.get('llmlab_gateway_tokens_total');
    expect(valueOf(tokens, 'llmlab_gateway_tokens_total', { ...route, kind: 'input' })).toBe(27);
    expect(valueOf(tokens, 'llmlab_gateway_tokens_total', { ...route, kind: 'output' })).toBe(13);
    expect(valueOf(families.get('llmlab_gateway_cost_usd_total'), 'llmlab_gateway_cost_usd_total', route)).toBeCloseTo(0.0015, 12);
    const hits = families.get('llmlab_gateway_cache_hits_total');
    expect(valueOf(hits, 'llmlab_gateway_cache_hits_total', { model: 'support-bot' })).toBe(1);
    expect(valueOf(hits, 'llmlab_gateway_cache_hits_total', { model: 'other' })).toBe(0);
  });

  it('puts durations and overheads in cumulative buckets, a value on a bound in that bound', () => {
    const metrics = createGatewayMetrics();
    for (const [durationMs, overheadMs] of [[3, 0.05], [700, 0.4], [1000, 1], [200_000, 20]] as const) {
      metrics.request(served({ durationMs, overheadMs }));
    }
    const families = parseExposition(metrics.render());
    const duration = families.get('llmlab_gateway_request_duration_seconds');
    const bucket = (le: string) => valueOf(duration, 'llmlab_gateway_request_duration_seconds_bucket', { model: 'support-bot', le });
    expect([bucket('0.001'), bucket('0.005'), bucket('0.5'), bucket('1'), bucket('120'), bucket('+Inf')]).toEqual([undefined, 1, 1, 3, 3, 4]);
    expect(valueOf(duration, 'llmlab_gateway_request_duration_seconds_sum', { model: 'support-bot' })).toBeCloseTo(201.703, 9);
    expect(valueOf(duration, 'llmlab_gateway_request_duration_seconds_count', { model: 'support-bot' })).toBe(4);
    const overhead = families.get('llmlab_gateway_overhead_seconds');
    const fine = (le: string) => valueOf(overhead, 'llmlab_gateway_overhead_seconds_bucket', { le });
    expect([fine('0.0001'), fine('0.00025'), fine('0.0005'), fine('0.001'), fine('0.005'), fine('0.01'), fine('0.025'), fine('+Inf')]).toEqual([1, 1, 2, 3, 3, 3, 4, 4]);
  });

  it('records fallbacks, breakers and budget refusals', () => {
    const metrics = createGatewayMetrics();
    metrics.fallback('support-bot', 'openai:a', '429');
    metrics.fallback('support-bot', 'openai:a', '429');
    metrics.fallback('support-bot', 'openai:a', 'timeout');
    metrics.breaker('openai:a', true);
    metrics.breaker('openai:b', true);
    metrics.breaker('openai:b', false);
    metrics.budgetRefusal('team-a');
    const families = parseExposition(metrics.render());
    const fallbacks = families.get('llmlab_gateway_fallbacks_total');
    expect(valueOf(fallbacks, 'llmlab_gateway_fallbacks_total', { from: 'openai:a', reason: '429' })).toBe(2);
    expect(valueOf(fallbacks, 'llmlab_gateway_fallbacks_total', { from: 'openai:a', reason: 'timeout' })).toBe(1);
    const breakers = families.get('llmlab_gateway_breaker_open');
    expect(valueOf(breakers, 'llmlab_gateway_breaker_open', { candidate: 'openai:a' })).toBe(1);
    expect(valueOf(breakers, 'llmlab_gateway_breaker_open', { candidate: 'openai:b' })).toBe(0);
    expect(valueOf(families.get('llmlab_gateway_budget_refusals_total'), 'llmlab_gateway_budget_refusals_total', { key: 'team-a' })).toBe(1);
  });

  it('pulls breaker states at each render, a candidate open when any of its breakers is', () => {
    let states: [string, boolean][] = [['openai:a', false], ['openai:b', true], ['openai:b', false]];
    const metrics = createGatewayMetrics({ breakerStates: () => states });
    const gauge = (candidate: string) =>
      valueOf(parseExposition(metrics.render()).get('llmlab_gateway_breaker_open'), 'llmlab_gateway_breaker_open', { candidate });
    expect([gauge('openai:a'), gauge('openai:b')]).toEqual([0, 1]);
    states = [['openai:a', true], ['openai:b', false], ['openai:b', false]];
    expect([gauge('openai:a'), gauge('openai:b')]).toEqual([1, 0]);
  });

  it('escapes backslash, double quote and line feed in label values, and they parse back', () => {
    const metrics = createGatewayMetrics();
    const model = 'a\\b"c\nd';
    metrics.request(served({ model, candidate: 'x"y' }));
    const text = metrics.render();
    expect(text).toContain('llmlab_gateway_requests_total{model="a\\\\b\\"c\\nd",candidate="x\\"y",status="200"} 1\n');
    const requests = parseExposition(text).get('llmlab_gateway_requests_total');
    expect(valueOf(requests, 'llmlab_gateway_requests_total', { model, candidate: 'x"y' })).toBe(1);
  });

  it('folds (model, candidate) pairs past its cap into one _overflow series instead of growing', () => {
    const metrics = createGatewayMetrics();
    for (let i = 0; i < 1_010; i++) metrics.request(served({ model: `m${i}` }));
    const requests = parseExposition(metrics.render()).get('llmlab_gateway_requests_total')!;
    expect(requests.samples).toHaveLength(1_001);
    expect(valueOf(requests, 'llmlab_gateway_requests_total', { model: '_overflow', candidate: '_overflow' })).toBe(10);
  });
});

describe('the Prometheus registry', () => {
  it('escapes HELP text (backslash and line feed, not quotes) and renders an unlabelled counter at zero', () => {
    const registry = new Registry();
    registry.add(new Counter({ name: 'x_total', help: 'a "quoted"\\path\nsecond line' }));
    const text = registry.render();
    expect(text).toBe('# HELP x_total a "quoted"\\\\path\\nsecond line\n# TYPE x_total counter\nx_total 0\n');
    expect(parseExposition(text).get('x_total')!.help).toBe('a "quoted"\\path\nsecond line');
  });

  it('sorts bucket bounds and keeps a labelled histogram cumulative per series', () => {
    const registry = new Registry();
    const histogram = registry.add(new Histogram({ name: 'h', help: 'h', labels: ['k'], buckets: [5, 1, 2] }));
    for (const v of [0.5, 1.5, 1.5, 9]) histogram.observe(histogram.cell(['a']), v);
    histogram.observe(histogram.cell(['b']), 2);
    const text = registry.render();
    expect(text).toContain('h_bucket{k="a",le="1"} 1\nh_bucket{k="a",le="2"} 3\nh_bucket{k="a",le="5"} 3\nh_bucket{k="a",le="+Inf"} 4\nh_sum{k="a"} 12.5\nh_count{k="a"} 4\n');
    expect(text).toContain('h_bucket{k="b",le="1"} 0\nh_bucket{k="b",le="2"} 1\n');
    parseExposition(text);
  });
});

describe('the exposition parser (the check itself)', () => {
  const rejects = (text: string, why: RegExp) => expect(() => parseExposition(text)).toThrow(why);

  it('rejects what a scraper would', () => {
    rejects('x 1', /end with a line feed/);
    rejects('x{a="b"c"} 1\n', /expected , or \}/);
    rejects('x{a="\\t"} 1\n', /bad escape/);
    rejects('x{a="b"} one\n', /expected a value|bad value/);
    rejects('# TYPE x counter\nx 1\n# TYPE x counter\n', /TYPE/);
    rejects('x{a="1"} 1\ny 1\nx{a="2"} 1\n', /not contiguous/);
    rejects('x 1\nx 2\n', /repeated series/);
    rejects('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', /not cumulative/);
    rejects('# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', /\+Inf/);
    rejects('# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n', /is not _count/);
  });
});
