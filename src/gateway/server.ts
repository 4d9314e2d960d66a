/**
 * Starting and stopping a gateway: open the store, rank `quality` models on their suites' latest runs (refusing to
 * start without one), build the routers, experiments and metrics, listen. Closing stops the watchers, lets requests
 * in flight finish, writes the queued log rows and closes the database.
 */
import { createRedactor } from '../detectors/redact-secrets.js';
import { runSecrets } from '../engine/redact-run.js';
import { LlmlabError } from '../errors.js';
import { listen, type Listening } from '../server/listen.js';
import { openStore, type Store } from '../store/index.js';
import { createGatewayStore } from '../store/gateway.js';
import { createGatewayApp } from './app.js';
import { createExperimentRuntime } from './experiment-runtime.js';
import { createKeyRateLimiter } from './key-rate.js';
import { createGatewayMetrics } from './metrics.js';
import { createProviderPool } from './provider-pool.js';
import { loadQualityTable, watchQualityTable, type QualityTable } from './quality-table.js';
import { createRouter, type Router } from './router.js';
import type { GatewayRuntime } from './runtime.js';
import type { Experiment, GatewayStore, ResolvedGateway } from './types.js';

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths in messages are shown from (the hint of a missing quality run). */
  cwd?: string;
  /** How often `quality` models look for a newer run, ms. Default 5000. */
  qualityRefreshMs?: number;
  /** Told what the gateway notices while it serves (a route table change, a failed log write). */
  warn?: (message: string) => void;
  /** Wall-clock ms; tests pin it. */
  now?: () => number;
  /** A gateway store to use instead of the SQLite one over the database (a shared store, a test's). */
  gatewayStore?: GatewayStore;
}

/** A running gateway. */
export interface RunningGateway extends Listening {
  runtime: GatewayRuntime;
}

export async function startGateway(config: ResolvedGateway, options: StartGatewayOptions): Promise<RunningGateway> {
  const warn = options.warn ?? (() => {});
  const now = options.now ?? Date.now;
  const store = openStore(config.db);
  const watchers: { stop(): void }[] = [];
  let gateway: GatewayStore | undefined;
  try {
    gateway = options.gatewayStore ?? createGatewayStore(store, { onFault: (error) => warn(`writing the request log failed: ${messageOf(error)}`) });
    const routers = buildRouters(config, store, options, warn, watchers);
    const pool = createProviderPool({ baseDir: config.baseDir, env: options.env });
    const judges = {
      cache: store.cache,
      grader: (experiment: Experiment) => pool.get({ label: `judge of ${experiment.name}`, provider: experiment.metric.judge!.grader }, {}),
    };
    const secrets = runSecrets({ providers: [...Object.values(config.models).flatMap((m) => m.candidates.map((c) => c.provider)), ...judgeGraders(config)] }, options.env);
    const runtime: GatewayRuntime = {
      config,
      store,
      redact: createRedactor(secrets) ?? ((text) => text),
      gateway,
      pool,
      routers,
      rates: createKeyRateLimiter(),
      metrics: createGatewayMetrics({
        candidates: [...routers.values()].flatMap((r) => r.model.candidates.map((c) => c.label)),
        breakerStates: () => [...routers.values()].flatMap((r) => r.describe().map((s) => [s.label, s.breaker === 'open'] as const)),
      }),
      experiments: createExperimentRuntime(config.experiments, gateway, { now, judges, onError: (error) => warn(`experiment: ${messageOf(error)}`) }),
      now,
      warn,
    };
    let port = options.port;
    const app = createGatewayApp(runtime, { host: options.host, port: () => port });
    const listening = await listen(app, { host: options.host, port: options.port });
    port = listening.port;
    return {
      ...listening,
      runtime,
      async close() {
        for (const watcher of watchers) watcher.stop();
        await listening.close();
        await closeStores(gateway!, store);
      },
    };
  } catch (error) {
    for (const watcher of watchers) watcher.stop();
    if (gateway) await closeStores(gateway, store);
    else store.close();
    throw error;
  }
}

function buildRouters(config: ResolvedGateway, store: Store, options: StartGatewayOptions, warn: (message: string) => void, watchers: { stop(): void }[]): Map<string, Router> {
  const routers = new Map<string, Router>();
  for (const model of Object.values(config.models)) {
    let quality: QualityTable | undefined;
    if (model.quality) {
      quality = loadQualityTable(store, model.quality, model.candidates, { model: model.name, ...(options.cwd ? { cwd: options.cwd } : {}) });
      watchers.push(
        watchQualityTable(quality, {
          intervalMs: options.qualityRefreshMs ?? 5000,
          onChange: (table) => warn(`${model.name}: route table updated from run ${table.runId}: serving ${table.standings.filter((s) => s.qualifies).map((s) => s.label).join(', ')}`),
          onWarning: (message) => warn(`${model.name}: ${message}`),
        }),
      );
    }
    const router = createRouter(model, { ...(quality ? { quality } : {}), warn });
    routers.set(model.name, router);
  }
  return routers;
}

function judgeGraders(config: ResolvedGateway) {
  return Object.values(config.experiments).flatMap((e) => (e.metric.judge ? [e.metric.judge.grader] : []));
}

async function closeStores(gateway: GatewayStore, store: Store): Promise<void> {
  try {
    await gateway.close();
  } finally {
    store.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof LlmlabError || error instanceof Error ? error.message : String(error);
}
