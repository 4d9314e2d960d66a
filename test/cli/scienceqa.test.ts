/**
 * ScienceQA-IMG end to end: the checked-in fixture (test/fixtures/benchmarks/scienceqa, the published layout)
 * through `llmlab eval` against the fake OpenAI server. Each request carries the problem's image as an
 * `image_url` part before the reference's CQM-A text; the fake answers by the question, so `acc` and its groups
 * are known exactly; a re-run answers from the cache.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { textOf } from '../fakes/harness.js';
import { runCli } from './run-cli.js';

const FIX = new URL('../fixtures/benchmarks/scienceqa/', import.meta.url).pathname;
let dir: string;
let server: FakeServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-sqa-cli-'));
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scienceqa through the CLI', () => {
  it('sends each image with the reference prompt and scores acc overall, by subject and by grade band', async () => {
    server.setBehaviour({
      answer: (body: any) => {
        const text = textOf(body.messages.at(-1).content);
        if (text.includes('Which color is the square?')) return 'The square is red. The answer is B.'; // gold B
        if (text.includes('How many dots')) return 'The answer is C.'; // gold B: wrong
        return 'It is the sun.'; // no "The answer is": FAILED, wrong
      },
    });
    const suite = join(dir, 'sqa.yaml');
    writeFileSync(
      suite,
      `providers:
  - id: openai:gpt-4o-mini
    config: { baseUrl: ${server.url}/v1, maxRetries: 0 }
prompts:
  - messages:
      - role: user
        content:
          - { type: image, image: "{{ image }}" }
          - { type: text, text: "{{ query }}" }
dataset: { type: scienceqa, path: ${FIX}problems.json }
gates: { minPassRate: 0 }
`,
    );
    const args = ['eval', suite, '-o', join(dir, 'r1.json'), '--db', join(dir, 'llmlab.db')];
    const r = await runCli(args, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(3); // problem 103 has no image: not in ScienceQA-IMG

    const first = server.requests.map((q) => q.body as any).find((b) => textOf(b.messages.at(-1).content).includes('square'))!;
    const png = readFileSync(join(FIX, 'images/test/101/image.png')).toString('base64');
    expect(first.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
          { type: 'text', text: 'Context: N/A\nQuestion: Which color is the square?\nOptions: (A) blue (B) red (C) green\nAnswer:' },
        ],
      },
    ]);

    const report = JSON.parse(readFileSync(join(dir, 'r1.json'), 'utf8'));
    const metrics = new Map<string, { n: number; passRate: number }>(report.summary.metrics.map((m: { metric: string }) => [m.metric, m]));
    expect(metrics.get('acc')).toMatchObject({ n: 3, passRate: 1 / 3 });
    expect(metrics.get('acc[subject=natural_science]')).toMatchObject({ n: 3 });
    expect(metrics.get('acc[grade=1-6]')).toMatchObject({ n: 2, passRate: 0.5 });
    expect(metrics.get('acc[grade=7-12]')).toMatchObject({ n: 1, passRate: 0 });

    // The cache key holds each image's hash: the same run again makes no call.
    const again = await runCli(['eval', suite, '-o', join(dir, 'r2.json'), '--db', join(dir, 'llmlab.db')], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests).toHaveLength(3);
  });
});
