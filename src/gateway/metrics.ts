/**
 * The gateway's Prometheus metrics, served at `GET /metrics`. The request path records one call per request:
 * a lookup by (model, candidate) finds every series that request touches (built the first time that pair is
 * seen), then a few additions: no label strings are built per request. Label values must come from the config
 * (virtual model names, candidate labels, key ids), never from raw client text; past a cap, new series fold into
 * one labelled `_overflow`, as a last guard on memory.
 */
import { Counter, Gauge, Histogram, Registry, type HistogramCell, type ValueCell } from './prometheus.js';

export { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';

/** One served request, as the request path knows it when the response is done. */
export interface RequestRecord {
  /** The virtual model asked for (a configured name; an unknown one is best recorded as `''`). */
  model: string;
  /** The candidate label that answered (or last failed); unset when none was called (401, 429, no route). */
  candidate?: string;
  /** The HTTP status sent to the client. */
  status: number;
  /** From the request's arrival to the response's end, ms. */
  durationMs: number;
  /** The gateway's own share of `durationMs` (what `x-llmlab-overhead-ms` says), ms. */
  overheadMs: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd: number;
  /** Answered from the cache: no upstream call. */
  cached: boolean;
}

/** What the request path and the breakers report to, and what `/metrics` renders. */
export interface GatewayMetrics {
  request(rec: RequestRecord): void;
  /** A request moved on from candidate `from` because of `reason` (a fallback trigger: `429`, `5xx`, `timeout`, …). */
  fallback(model: string, from: string, reason: string): void;
  /** A candidate's circuit breaker opened (true) or closed again (false); or see `breakerStates` of the options. */
  breaker(candidate: string, open: boolean): void;
  /** A request refused because key `keyId` is over its budget. */
  budgetRefusal(keyId: string): void;
  /** The exposition in the text format 0.0.4; serve it as {@link PROMETHEUS_CONTENT_TYPE}. */
  render(): string;
}

/** Options of {@link createGatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** Candidate labels whose breaker gauge reads 0 from the start (an alert on a missing series is awkward). */
  candidates?: Iterable<string>;
  /**
   * Read at each render: every breaker's candidate and whether it is open now. A breaker turns half-open by the
   * clock alone, with no event to push, so its gauge is best pulled. A candidate listed twice (it serves two
   * models) reads open when any of its breakers is.
   */
  breakerStates?: () => Iterable<readonly [candidate: string, open: boolean]>;
}

/** Request durations: an upstream call takes tens of ms to minutes. Seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** The gateway's own time: the target is about 1 ms, so the buckets are fine below 5 ms. Seconds. */
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1];

/** Pairs of (model, candidate) held; past it they share one `_overflow` route (see the header). */
const MAX_ROUTES = 1_000;
const OVERFLOW = '_overflow';

/** Every series one (model, candidate) pair's requests touch, held together so a request looks them up once. */
interface Route {
  model: string;
  candidate: string;
  byStatus: Map<number, ValueCell>;
  duration: HistogramCell;
  cacheHits: ValueCell;
  inputTokens: ValueCell;
  outputTokens: ValueCell;
  cost: ValueCell;
}

/** A fresh registry holding the gateway's families (one per gateway process: `/metrics` renders it). */
export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  const requests = registry.add(
    new Counter({ name: 'llmlab_gateway_requests_total', help: 'Requests served, by virtual model, candidate and HTTP status.', labels: ['model', 'candidate', 'status'] }),
  );
  const duration = registry.add(
    new Histogram({ name: 'llmlab_gateway_request_duration_seconds', help: 'Time from a request arriving to its response ending.', labels: ['model'], buckets: DURATION_BUCKETS }),
  );
  const overhead = registry.add(
    new Histogram({ name: 'llmlab_gateway_overhead_seconds', help: "The gateway's own share of a request's duration (upstream time excluded).", buckets: OVERHEAD_BUCKETS }),
  );
  const tokens = registry.add(
    new Counter({ name: 'llmlab_gateway_tokens_total', help: 'Tokens billed by upstream models, input and output.', labels: ['model', 'candidate', 'kind'] }),
  );
  const cost = registry.add(
    new Counter({ name: 'llmlab_gateway_cost_usd_total', help: 'Spend in US dollars, from token counts and prices.', labels: ['model', 'candidate'] }),
  );
  const cacheHits = registry.add(new Counter({ name: 'llmlab_gateway_cache_hits_total', help: 'Requests answered from the cache.', labels: ['model'] }));
  const fallbacks = registry.add(
    new Counter({ name: 'llmlab_gateway_fallbacks_total', help: 'Requests moved on from a candidate, by the reason.', labels: ['model', 'from', 'reason'] }),
  );
  const breakers = registry.add(new Gauge({ name: 'llmlab_gateway_breaker_open', help: "1 while a candidate's circuit breaker is open.", labels: ['candidate'] }));
  const refusals = registry.add(
    new Counter({ name: 'llmlab_gateway_budget_refusals_total', help: 'Requests refused because the key is over its budget.', labels: ['key'] }),
  );
  const rss = registry.add(new Gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.' }));
  const started = registry.add(new Gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.' }));
  started.cell([]).value = Math.round(performance.timeOrigin / 1000);
  const overheadCell = overhead.cell([]);
  for (const candidate of options.candidates ?? []) breakers.cell([candidate]);

  // Two lookups by the caller's own strings, not one by a joined key: a configured name is the same string object
  // on every request, so V8 hashes it once, while a fresh concatenation is hashed anew (measured: 60–100 ns per
  // request against 250).
  const routes = new Map<string, Map<string, Route>>();
  let routeCount = 0;
  const routeOf = (model: string, candidate: string): Route => {
    let byCandidate = routes.get(model);
    const found = byCandidate?.get(candidate);
    if (found) return found;
    if (routeCount >= MAX_ROUTES && model !== OVERFLOW) return routeOf(OVERFLOW, OVERFLOW);
    const route: Route = {
      model,
      candidate,
      byStatus: new Map(),
      duration: duration.cell([model]),
      cacheHits: cacheHits.cell([model]),
      inputTokens: tokens.cell([model, candidate, 'input']),
      outputTokens: tokens.cell([model, candidate, 'output']),
      cost: cost.cell([model, candidate]),
    };
    if (!byCandidate) routes.set(model, (byCandidate = new Map()));
    byCandidate.set(candidate, route);
    routeCount++;
    return route;
  };

  return {
    request(rec) {
      const route = routeOf(rec.model, rec.candidate ?? '');
      let served = route.byStatus.get(rec.status);
      if (!served) {
        served = requests.cell([route.model, route.candidate, String(rec.status)]);
        route.byStatus.set(rec.status, served);
      }
      served.value++;
      duration.observe(route.duration, rec.durationMs / 1000);
      overhead.observe(overheadCell, rec.overheadMs / 1000);
      if (rec.inputTokens) route.inputTokens.value += rec.inputTokens;
      if (rec.outputTokens) route.outputTokens.value += rec.outputTokens;
      if (rec.costUsd) route.cost.value += rec.costUsd;
      if (rec.cached) route.cacheHits.value++;
    },
    fallback(model, from, reason) {
      fallbacks.cell([model, from, reason]).value++;
    },
    breaker(candidate, open) {
      breakers.cell([candidate]).value = open ? 1 : 0;
    },
    budgetRefusal(keyId) {
      refusals.cell([keyId]).value++;
    },
    render() {
      rss.cell([]).value = process.memoryUsage.rss();
      if (options.breakerStates) {
        const open = new Map<string, boolean>();
        for (const [candidate, isOpen] of options.breakerStates()) open.set(candidate, isOpen || open.get(candidate) === true);
        for (const [candidate, isOpen] of open) breakers.cell([candidate]).value = isOpen ? 1 : 0;
      }
      return registry.render();
    },
  };
}
