/**
 * `llmlab gateway`: serve the config's virtual models until Ctrl-C (or SIGTERM), or manage its keys (`keys create|
 * list|revoke`) and read its request log (`stats`). The config's `db` (else the project's) holds keys, spend and
 * the log, so every action of one gateway reads the same database.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadEnv } from '../config/env.js';
import { GATEWAY_FILE, loadGatewayConfig } from '../config/load-gateway.js';
import type { ResolvedGateway } from '../config/gateway-types.js';
import { suggestionHint } from '../config/did-you-mean.js';
import { LlmlabError } from '../errors.js';
import { isLoopback } from '../server/listen.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import type { CliIo } from './io.js';
import { portOf, untilStopped } from './serve-flags.js';

export interface GatewayFlags {
  config?: string;
  port?: string | number;
  host?: string;
  since?: string;
  json?: boolean;
  db?: string;
}

const ACTIONS = ['serve', 'keys', 'stats'];
const DEFAULT_PORT = 8787;

export async function gatewayCommand(action: string | undefined, args: string[], flags: GatewayFlags, io: CliIo): Promise<number> {
  const chosen = action ?? 'serve';
  if (!ACTIONS.includes(chosen)) {
    throw new LlmlabError('USAGE', `unknown gateway action \`${chosen}\``, { hint: suggestionHint(chosen, ACTIONS, 'actions') });
  }
  const configPath = resolve(io.cwd, flags.config ?? GATEWAY_FILE);
  if (chosen === 'stats' && flags.config === undefined && !existsSync(configPath)) {
    // The log is readable without the config that wrote it (the project's database).
    return (await import('./gateway-stats.js')).gatewayStatsCommand(pick(flags), io);
  }
  const config = await loadConfig(configPath, flags, io);
  const db = { ...pick(flags), db: config.db };
  if (chosen === 'keys') return (await import('./gateway-keys.js')).gatewayKeysCommand(args, db, config.keys ? Object.keys(config.keys) : undefined, io);
  if (chosen === 'stats') return (await import('./gateway-stats.js')).gatewayStatsCommand(db, io);
  if (args.length > 0) throw new LlmlabError('USAGE', `unexpected argument \`${args[0]}\``, { hint: 'llmlab gateway [--config gateway.yaml] [--port 8787] [--host 127.0.0.1]' });
  return serve(config, flags, io);
}

function pick(flags: GatewayFlags): { db?: string; since?: string; json?: boolean } {
  return { ...(flags.db !== undefined ? { db: flags.db } : {}), ...(flags.since !== undefined ? { since: flags.since } : {}), ...(flags.json ? { json: true } : {}) };
}

async function loadConfig(file: string, flags: GatewayFlags, io: CliIo): Promise<ResolvedGateway> {
  if (!existsSync(file)) {
    throw new LlmlabError('FILE_NOT_FOUND', `gateway config not found: ${relative(io.cwd, file) || file}`, {
      hint: flags.config === undefined ? `write ${GATEWAY_FILE} (docs/gateway.md has one to copy), or name yours with --config` : 'check the path given to --config',
    });
  }
  return loadGatewayConfig(file, { cwd: io.cwd, env: io.env, ...(flags.db !== undefined ? { db: flags.db } : {}) });
}

async function serve(config: ResolvedGateway, flags: GatewayFlags, io: CliIo): Promise<number> {
  const host = flags.host ?? '127.0.0.1';
  const port = portOf(flags.port, DEFAULT_PORT);
  if (!isLoopback(host) && !config.keys) {
    throw new LlmlabError('USAGE', `refusing to serve on ${host} without keys: anyone who can reach it could spend your providers' credit`, {
      hint: 'declare `keys:` in the gateway config and make a secret with `llmlab gateway keys create <id>`, or keep the default --host 127.0.0.1',
    });
  }
  const env = loadEnv(config.baseDir, io.env);
  const warn = (message: string) => io.stderr.write(`gateway: ${message}\n`);
  const gateway = await startGateway(config, { host, port, env, cwd: io.cwd, warn });
  printBanner(gateway, config, io);
  await untilStopped();
  io.stderr.write('gateway: stopping (finishing requests in flight)\n');
  await gateway.close();
  return 0;
}

function printBanner(gateway: RunningGateway, config: ResolvedGateway, io: CliIo): void {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  out(`llmlab gateway listening on ${gateway.url}  (OpenAI SDKs: base URL ${gateway.url}/v1)`);
  for (const [name, router] of gateway.runtime.routers) {
    const served = router.describe().filter((s) => s.served).map((s) => s.label);
    out(`  ${name} (${router.model.strategy}): ${served.join(' → ')}`);
    for (const standing of router.describe()) {
      const q = standing.quality;
      if (q) out(`    ${standing.label}: ${config.models[name]!.quality!.metric} ${fmt(q.rate)} [${fmt(q.lower)}, ${fmt(q.upper)}] n=${q.n}${q.qualifies ? '' : ' (below minRate: not served)'}`);
    }
    for (const warning of router.warnings) io.stderr.write(`gateway: ${name}: ${warning}\n`);
  }
  const keys = config.keys ? Object.keys(config.keys).length : 0;
  out(`  keys: ${keys === 0 ? 'none (loopback only, no key needed)' : `${keys} declared`}; log: ${config.log}; experiments: ${Object.keys(config.experiments).join(', ') || 'none'}`);
  out('Ctrl-C stops it.');
}

function fmt(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(3);
}
