/**
 * Virtual keys at the HTTP level: 401 without a valid live key, 403 for a model the key may not call, 429 past its
 * rpm or budget, and the budget held exactly under 64 concurrent requests (each reserves its worst case first).
 */
import OpenAI, { APIError, RateLimitError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { newKeySecret } from '../../../src/gateway/key-secrets.js';
import { startFakeOpenAI, type FakeServer } from '../../fakes/index.js';
import { fakeProvider, startTestGateway, type TestGateway } from './helpers.js';

const fakes: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
const ask = (model = 'bot', extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user' as const, content: 'x' }], ...extra });

async function gatewayWithKeys(keys: string, config = 'db: .llmlab/test.db\n'): Promise<{ t: TestGateway; fake: FakeServer }> {
  const fake = await startFakeOpenAI();
  fakes.push(fake);
  const t = await startTestGateway(
    `providers:\n${fakeProvider('a', fake.url)}models:\n  bot:\n    candidates: [a]\n  other:\n    candidates: [a]\nkeys:\n${keys}`,
    { 'llmlab.config.yaml': config },
  );
  return { t, fake };
}

async function secretFor(t: TestGateway, id: string): Promise<string> {
  const { secret, record } = newKeySecret(id);
  await t.gateway.runtime.gateway.keys.create(record);
  return secret;
}

describe('virtual keys', () => {
  it('answers 401 without a key, with an unknown key and with a revoked one; serves a live key', async () => {
    const { t, fake } = await gatewayWithKeys('  team-a: {}\n');
    const secret = await secretFor(t, 'team-a');
    const none = await fetch(`${t.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask()) });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/llmlab gateway keys create/);
    const unknown = await t.client('llk_not-a-key').chat.completions.create(ask()).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(APIError);
    expect((unknown as APIError).status).toBe(401);
    const served = await t.client(secret).chat.completions.create(ask());
    expect(served.choices[0]!.message.content).toBe('echo: x');
    await t.gateway.runtime.gateway.keys.revoke('team-a', Date.now());
    expect(((await t.client(secret).chat.completions.create(ask()).catch((e: unknown) => e)) as APIError).status).toBe(401);
    expect(fake.requests).toHaveLength(1);
    // The client's key never goes upstream, and the log keeps the key id, not the secret.
    expect(JSON.stringify(fake.requests)).not.toContain(secret);
    await t.gateway.runtime.gateway.log.flush();
    const rows = await t.gateway.runtime.gateway.log.recent({});
    expect(rows.map((r) => r.status).sort()).toEqual([200, 401, 401, 401]);
    expect(rows.find((r) => r.status === 200)!.keyId).toBe('team-a');
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('answers 403 for a model the key may not call, and 429 with Retry-After past its rpm', async () => {
    const { t } = await gatewayWithKeys('  team-a: { rpm: 2, models: [bot] }\n');
    const client = t.client(await secretFor(t, 'team-a'));
    const forbidden = await client.chat.completions.create(ask('other')).catch((e: unknown) => e);
    expect((forbidden as APIError).status).toBe(403);
    // The 403 took no rpm slot: two requests pass, the third waits.
    await client.chat.completions.create(ask());
    await client.chat.completions.create(ask());
    const limited = await client.chat.completions.create(ask()).withResponse().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).message).toMatch(/2 requests per minute/);
    expect(Number((limited as RateLimitError).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('holds a daily budget exactly under 64 concurrent requests: spend never passes the limit', async () => {
    // $0.001 a token; each request may cost (17 input + 20 output) tokens = $0.037 and costs $0.021.
    const { t } = await gatewayWithKeys('  team-a: { budgetUsd: { day: 0.5 } }\n', 'db: .llmlab/test.db\nprices:\n  openai:gpt-4o-mini: { input: 1000, output: 1000 }\n');
    const fakeAnswer = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    fakes[0]!.setBehaviour({ answer: () => fakeAnswer });
    const client: OpenAI = t.client(await secretFor(t, 'team-a'));
    const results = await Promise.allSettled(Array.from({ length: 64 }, () => client.chat.completions.create(ask('bot', { max_tokens: 20 }))));
    const served = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(served.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(RateLimitError);
      expect((r.reason as Error).message).toMatch(/over its daily budget of \$0\.5/);
    }
    await t.gateway.runtime.gateway.log.flush();
    const rows = (await t.gateway.runtime.gateway.log.recent({ limit: 100 })).filter((r) => r.status === 200);
    const logged = rows.reduce((sum, r) => sum + r.costUsd, 0);
    expect(rows).toHaveLength(served.length);
    expect(logged).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(await t.gateway.runtime.gateway.spend.spent('team-a', 'day', Date.now())).toBeCloseTo(logged, 9);
    // Later requests are refused until the day ends, whatever their size.
    const again = await client.chat.completions.create(ask('bot', { max_tokens: 20 })).catch((e: unknown) => e);
    expect(served.length * 0.021).toBeCloseTo(logged, 9);
    if (logged + 0.037 > 0.5) expect(again).toBeInstanceOf(RateLimitError);
  });
});
