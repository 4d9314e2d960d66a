/**
 * gateway.yaml → ResolvedGateway: defaults, candidates by label or id, prices, experiments with their prompt files,
 * and every cross-reference mistake reported at its file:line:col with a hint, all at once.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../src/config/load-gateway.js';
import { flatten, tempDir, type Seen } from './helpers.js';

async function load(files: Record<string, string>) {
  const dir = await tempDir({ 'llmlab.config.yaml': 'db: my.db\n', ...files });
  return { dir, gateway: await loadGatewayConfig(join(dir, 'gateway.yaml'), { cwd: dir, env: {} }) };
}
async function problems(files: Record<string, string>): Promise<Seen[]> {
  const dir = await tempDir(files);
  try {
    await loadGatewayConfig(join(dir, 'gateway.yaml'), { cwd: dir, env: {} });
  } catch (error) {
    return flatten(error, dir);
  }
  throw new Error('expected problems');
}

describe('loadGatewayConfig', () => {
  it('resolves candidates by label or id, with defaults, prices and experiments', async () => {
    const { dir, gateway } = await load({
      'gateway.yaml':
        'providers:\n  - { id: "openai:gpt-4o-mini", label: mini, config: { baseUrl: "http://127.0.0.1:1/v1", timeoutMs: 500 } }\n' +
        'models:\n  bot:\n    candidates: [mini, "anthropic:claude-3-5-haiku-latest"]\n    cache: { mode: exact, ttlSeconds: 60 }\n    fallback: { on: [429, timeout] }\n' +
        'keys:\n  team-a: { budgetUsd: { day: 20 }, rpm: 600, models: [bot] }\n' +
        'experiments:\n  tone:\n    model: bot\n    arms: { control: { prompt: v1.md }, treatment: { candidate: mini } }\n    metric: { feedback: thumbs }\n',
      'v1.md': 'Be terse.',
    });
    const bot = gateway.models.bot!;
    expect(bot.strategy).toBe('fallback');
    expect(bot.candidates.map((c) => [c.label, c.provider.type, c.provider.model])).toEqual([
      ['mini', 'openai', 'gpt-4o-mini'],
      ['anthropic:claude-3-5-haiku-latest', 'anthropic', 'claude-3-5-haiku-latest'],
    ]);
    expect(bot.candidates[0]!.provider.limits.timeoutMs).toBe(500);
    expect(bot.candidates[0]!.price?.input).toBeGreaterThan(0);
    expect(bot.fallback).toEqual({ on: ['429', 'timeout'], cooldownMs: 30_000, failures: 3 });
    expect(bot.cache).toEqual({ mode: 'exact', ttlMs: 60_000 });
    expect(bot.timeoutMs).toBe(60_000);
    expect(gateway.keys).toEqual({ 'team-a': { id: 'team-a', budgetUsd: { day: 20 }, rpm: 600, models: ['bot'] } });
    const tone = gateway.experiments.tone!;
    expect(tone.arms).toEqual([{ name: 'control', prompt: { file: join(dir, 'v1.md'), text: 'Be terse.' } }, { name: 'treatment', candidate: 'mini' }]);
    expect(tone.split).toEqual({ kind: 'fixed', shares: { control: 0.5, treatment: 0.5 } });
    expect(tone.sticky).toEqual({ kind: 'user' });
    expect(tone.alpha).toBe(0.05);
    expect(gateway.log).toBe('metadata');
    expect(gateway.db).toBe(join(dir, 'my.db'));
  });

  it('reports every cross-reference mistake at its position, with a hint', async () => {
    const seen = await problems({
      'gateway.yaml':
        'providers:\n  - { id: "openai:gpt-4o-mini", label: mini }\n' +
        'models:\n  bot:\n    strategy: split\n    candidates: [mini]\n    weights: { mimi: 1 }\n' +
        '  ranked:\n    strategy: quality\n    candidates: [mini]\n' +
        'keys:\n  team-a: { models: [bott] }\n' +
        'experiments:\n  tone:\n    model: bot\n    arms: { a: { prompt: missing.md }, b: { candidate: nope } }\n    split: { a: 0.7, b: 0.2 }\n    metric: { feedback: thumbs }\n' +
        '  other:\n    model: nobot\n    arms: { a: { candidate: mini }, b: { candidate: mini } }\n',
    });
    const lines = seen.map((s) => `${s.at.replace('gateway.yaml:', '')} ${s.message}`);
    expect(lines).toEqual([
      expect.stringMatching(/^7:16 weight for `mimi`, which is not a candidate of `bot`/),
      expect.stringMatching(/^9:15 model `ranked` routes on quality but has no `quality:`/),
      expect.stringMatching(/^12:22 key `team-a` allows model `bott`, which is not declared/),
      expect.stringMatching(/^16:26 .*missing\.md/),
      expect.stringMatching(/^16:56 arm `b` is served by `nope`, which is not a candidate of `bot`/),
      expect.stringMatching(/^17:12 the split of `tone` must give every arm a share and sum to 1 \(sums to 0\.9\)/),
      expect.stringMatching(/^20:12 experiment `other` is on model `nobot`, which is not declared/),
    ]);
    expect(seen.find((s) => s.message.includes('bott'))!.hint).toMatch(/did you mean `bot`\?/);
  });

  it('checks the schema first: an unknown strategy, a key without limits in the right shape', async () => {
    const seen = await problems({ 'gateway.yaml': 'models:\n  bot:\n    strategy: random\n    candidates: ["openai:gpt-4o-mini"]\n' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.at).toMatch(/^gateway\.yaml:3:/);
    expect(seen[0]!.message).toMatch(/strategy/);
  });
});
