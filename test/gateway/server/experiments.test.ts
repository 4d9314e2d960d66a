/**
 * Experiments at the HTTP level: sticky assignment by the request's `user` (each unit keeps its arm), the arm's
 * system prompt in place of the client's, feedback posted by request id, the online judge on a sample, and
 * `llmlab experiment report` reading it all back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run-cli.js';
import { startFakeOpenAI, type FakeServer } from '../../fakes/index.js';
import { fakeProvider, startTestGateway } from './helpers.js';

const fakes: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
async function fake(options: Parameters<typeof startFakeOpenAI>[0] = {}): Promise<FakeServer> {
  const server = await startFakeOpenAI(options);
  fakes.push(server);
  return server;
}

const files = { 'prompts/v1.md': 'You are terse.', 'prompts/v2.md': 'You are warm and friendly.' };

function config(upstream: string, judge?: string): string {
  const metric = judge
    ? `{ feedback: thumbs, judge: { grader: { id: openai:gpt-4o-mini, config: { baseUrl: "${judge}/v1" } }, rubric: "Is friendly", sample: 1 } }`
    : '{ feedback: thumbs }';
  return (
    `providers:\n${fakeProvider('a', upstream)}models:\n  bot:\n    candidates: [a]\n` +
    `experiments:\n  tone:\n    model: bot\n    arms:\n      control: { prompt: prompts/v1.md }\n      treatment: { prompt: prompts/v2.md }\n` +
    `    split: { control: 0.5, treatment: 0.5 }\n    metric: ${metric}\n`
  );
}

describe('experiments', () => {
  it('keeps each user in one arm and sends that arm\'s system prompt instead of the client\'s', async () => {
    const upstream = await fake();
    const t = await startTestGateway(config(upstream.url), files);
    const client = t.client();
    const armOf = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 12; u++) {
        const { response } = await client.chat.completions
          .create({ model: 'bot', user: `user-${u}`, messages: [{ role: 'system', content: 'client system' }, { role: 'user', content: 'hi' }] })
          .withResponse();
        const arm = response.headers.get('x-llmlab-arm')!;
        armOf.set(`user-${u}`, (armOf.get(`user-${u}`) ?? new Set()).add(arm));
        const sent = upstream.requests.at(-1)!.body.messages as { role: string; content: string }[];
        expect(sent).toEqual([{ role: 'system', content: files[arm === 'control' ? 'prompts/v1.md' : 'prompts/v2.md'] }, { role: 'user', content: 'hi' }]);
      }
    }
    expect([...armOf.values()].every((arms) => arms.size === 1)).toBe(true);
    const arms = [...armOf.values()].map((a) => [...a][0]);
    expect(new Set(arms)).toEqual(new Set(['control', 'treatment']));
    // Without a unit the request is served outside the experiment, as the client wrote it.
    const { response } = await client.chat.completions.create({ model: 'bot', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-llmlab-arm')).toBeNull();
    await t.gateway.runtime.gateway.log.flush();
    const logged = await t.gateway.runtime.gateway.log.recent({ limit: 100 });
    // The log keeps a digest of the unit, never the user id itself.
    expect(JSON.stringify(logged)).not.toContain('user-3');
  });

  it('takes feedback by request id, checks the score, and reports the arms with the SRM check', async () => {
    const upstream = await fake();
    const t = await startTestGateway(config(upstream.url), files);
    const post = (body: unknown) => fetch(`${t.gateway.url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (let u = 0; u < 20; u++) {
      const { response } = await t.client().chat.completions.create({ model: 'bot', user: `u${u}`, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      const thumbs = response.headers.get('x-llmlab-arm') === 'treatment' ? 1 : u % 2;
      expect((await post({ request_id: response.headers.get('x-llmlab-request-id'), score: thumbs })).status).toBe(200);
    }
    expect((await post({ request_id: 'req_nope', score: 1 })).status).toBe(404);
    const [row] = await t.gateway.runtime.gateway.log.recent({ limit: 1 });
    const half = await post({ request_id: row!.id, score: 0.5 });
    expect(half.status).toBe(400);
    expect(((await half.json()) as { error: { message: string } }).error.message).toMatch(/0 or 1/);
    await t.gateway.runtime.gateway.log.flush();
    const report = await runCli(['experiment', 'report', 'tone', '--json'], { cwd: t.dir });
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
    const json = JSON.parse(report.stdout) as { arms: { arm: string; units: number }[]; srm: unknown };
    expect(json.arms.map((a) => a.arm)).toEqual(['control', 'treatment']);
    expect(json.arms.reduce((n, a) => n + a.units, 0)).toBe(20);
    expect(json.srm).toBeDefined();
  });

  it('has the online judge score a sampled answer with the rubric, stored as a judge outcome', async () => {
    const upstream = await fake();
    const judge = await fake({ answer: () => JSON.stringify({ pass: true, score: 0.75, reason: 'friendly' }) });
    const t = await startTestGateway(config(upstream.url, judge.url), files);
    await t.client().chat.completions.create({ model: 'bot', user: 'u1', messages: [{ role: 'user', content: 'hi' }] });
    await expect.poll(() => judge.requests.length).toBe(1);
    expect(JSON.stringify(judge.requests[0]!.body)).toContain('Is friendly');
    await expect
      .poll(async () => (await t.gateway.runtime.gateway.outcomes.byArm('tone', { source: 'judge' })).flatMap((a) => a.outcomes))
      .toEqual([0.75]);
  });
});
