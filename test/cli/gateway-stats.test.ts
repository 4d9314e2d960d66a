/**
 * `llmlab gateway stats` over a request log seeded through the gateway store: per route (requests, errors, cache
 * hits, latency and overhead percentiles, tokens, cost), per key (spend today and this month), per experiment arm,
 * `--since`, `--json`, and an empty log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatewayStatsCommand, type GatewayStatsFlags } from '../../src/cli/gateway-stats.js';
import type { CliIo } from '../../src/cli/io.js';
import { finishRun } from '../../src/cli/run-finish.js';
import { createGatewayStore } from '../../src/store/gateway.js';
import type { GatewayRequestRow } from '../../src/store/gateway-types.js';
import { openStore } from '../../src/store/index.js';
import { thrownAsyncLlmlabError } from '../thrown.js';

let dir: string;
const NOW = Date.UTC(2026, 11, 7, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-gateway-stats-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function stats(flags: GatewayStatsFlags = {}) {
  let out = '';
  const io: CliIo = { stdout: { write: (t) => void (out += t) }, stderr: { write: () => {} }, env: {}, cwd: dir };
  try {
    return { code: await gatewayStatsCommand({ now: NOW, ...flags }, io), out };
  } finally {
    finishRun(io);
  }
}

let seq = 0;
async function seed(rows: Partial<GatewayRequestRow>[]): Promise<void> {
  const store = openStore(join(dir, '.llmlab', 'llmlab.db'));
  const gateway = createGatewayStore(store);
  for (const patch of rows) {
    gateway.log.append({
      id: `req_${++seq}`, at: NOW - HOUR, model: 'support-bot', candidate: 'openai:gpt-4o-mini', status: 200, stream: false,
      cached: false, inputTokens: 10, outputTokens: 5, costUsd: 0.01, latencyMs: 100, overheadMs: 0.5, ...patch,
    });
  }
  await gateway.close();
  store.close();
}

describe('llmlab gateway stats', () => {
  it('explains an empty log in one line', async () => {
    expect(await stats()).toEqual({ code: 0, out: 'no gateway requests since 24h (`--since 30d` looks further back)\n' });
    await seed([{ at: NOW - 10 * DAY }]);
    expect((await stats({ since: '7d' })).out).toBe('no gateway requests since 7d (`--since 30d` looks further back)\n');
    expect((await stats({ since: '30d' })).out).toContain('support-bot');
  });

  it('tabulates routes, key spend and experiment arms', async () => {
    await seed([
      ...[10, 20, 30, 40, 200].map((latencyMs, i) => ({ latencyMs, overheadMs: i === 4 ? 3 : 0.4, keyId: 'team-a', experiment: 'tone-test', arm: i % 2 ? 'control' : 'treatment', unit: `u${i % 3}` })),
      { status: 502, error: 'upstream 502', costUsd: 0, inputTokens: undefined, outputTokens: undefined, keyId: 'team-a' },
      { cached: true, costUsd: 0, candidate: 'anthropic:claude-3-5-haiku-latest', keyId: 'team-b', latencyMs: 2, overheadMs: 2 },
      { at: NOW - 3 * DAY, keyId: 'team-a', costUsd: 1 }, // earlier this month
      { at: Date.UTC(2026, 10, 30), keyId: 'team-a', costUsd: 5 }, // last month
    ]);
    const { code, out } = await stats({ since: '7d' });
    expect(code).toBe(0);
    expect(out).toBe(
      [
        'gateway requests since 7d (ms; overhead is the time the gateway added to the upstream call)',
        'model        candidate                          requests  errors  cached  p50  p95  overhead p50  overhead p95  tokens in  tokens out   cost',
        '───────────  ─────────────────────────────────  ────────  ──────  ──────  ───  ───  ────────────  ────────────  ─────────  ──────────  ─────',
        'support-bot  anthropic:claude-3-5-haiku-latest         1       0       1  2.0  2.0           2.0           2.0         10           5     $0',
        'support-bot  openai:gpt-4o-mini                        7       1       0   40  170           0.4           2.2         60          30  $1.05',
        '',
        'spend by key (UTC day and month)',
        'key     requests  today  this month',
        '──────  ────────  ─────  ──────────',
        'team-a         7  $0.05       $1.05',
        'team-b         1     $0          $0',
        '',
        'experiment arms (`llmlab experiment report <name>` compares them)',
        'experiment  arm        requests  units',
        '──────────  ─────────  ────────  ─────',
        'tone-test   control           2      2',
        'tone-test   treatment         3      3',
        '',
      ].join('\n'),
    );
  });

  it('prints the rows as JSON with --json', async () => {
    await seed([{ keyId: 'team-a' }, { keyId: 'team-a', latencyMs: 300, status: 429 }]);
    const { out } = await stats({ json: true }); // the default window, 24h, holds both
    const body = JSON.parse(out) as { routes: unknown[]; keys: unknown[]; arms: unknown[] };
    expect(body.routes).toEqual([
      {
        model: 'support-bot', candidate: 'openai:gpt-4o-mini', requests: 2, errors: 1, cacheHits: 0, inputTokens: 20, outputTokens: 10,
        costUsd: 0.02, latencyP50: 200, latencyP95: 290, overheadP50: 0.5, overheadP95: 0.5,
      },
    ]);
    expect(body.keys).toEqual([{ keyId: 'team-a', requests: 2, todayUsd: 0.02, monthUsd: 0.02 }]);
    expect(body.arms).toEqual([]);
  });

  it('refuses a --since it cannot read', async () => {
    const error = await thrownAsyncLlmlabError(() => stats({ since: 'last week' }));
    expect(error).toMatchObject({ code: 'USAGE' });
    expect(error.message).toContain('--since takes a duration');
  });
});
