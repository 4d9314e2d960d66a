/**
 * GSM8K maj@5 end to end: the fixture through the real CLI against the fake OpenAI server, each repeat scripted.
 * Five tests (limit 5: 2×4, 3×7, 4×10, 5×13, 6×16 apples), answers by repeat 0..4, lm-eval's strict (`#### N`) and
 * flexible (the last number-like run, a trailing period included: "65.") extraction, `-` where strict finds nothing
 * ("[invalid]"):
 *   t0 (8)   #### 8, #### 3, #### 8, #### 5, #### 7     strict 8 8 | flexible 8      both vote 8 → pass
 *   t1 (21)  #### 21 ×3, #### 4 ×2                                                   both vote 21 → pass
 *   t2 (40)  #### 4, #### 40, #### 40, #### 4, "I think 9"   4 and 40 tie, 4 first → fail (a tie in both)
 *   t3 (65)  "It is 65." ×2, #### 65, "So 12.", "Maybe 65"   strict: - - 65 - - → "no answer" wins → fail;
 *                                                            flexible: 65. 65. 65 12. 65 → "65." and "65" tie,
 *                                                            "65." first → pass (exact_match drops the period)
 *   t4 (96)  #### 1, #### 2, #### 96, #### 3, #### 96        96 wins with 2 → pass
 * strict-match maj@5 = 3/5 = 0.6, Wilson 95 % [0.2307, 0.8824]; flexible-extract maj@5 = 4/5 = 0.8, [0.3755, 0.9638].
 * Per cell: strict passes 2+3+2+1+2 = 10/25, flexible 2+3+2+4+2 = 13/25. A cell passes when both pass; the
 * repeat summary's verdict majority (more than half the repeats pass) holds only for t1 → 0.2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';

const FIX = new URL('../fixtures/benchmarks/', import.meta.url).pathname;
const SCRIPT: Record<number, string[]> = {
  2: ['#### 8', '#### 3', '#### 8', '#### 5', '#### 7'],
  3: ['#### 21', '#### 21', '#### 21', '#### 4', '#### 4'],
  4: ['#### 4', '#### 40', '#### 40', '#### 4', 'I think 9'],
  5: ['It is 65.', 'It is 65.', '#### 65', 'So 12.', 'Maybe 65'],
  6: ['#### 1', '#### 2', '#### 96', '#### 3', '#### 96'],
};

let dir: string;
let server: FakeServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-maj-'));
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gsm8k maj@k', () => {
  it('votes over the extracted answers of the repeats, as lm-eval does, apart from the verdict majority', async () => {
    const calls = new Map<number, number>();
    server.setBehaviour({
      answer: (body) => {
        const boxes = Number(/Tom has (\d+) boxes/.exec(String(body.messages.at(-1).content))![1]);
        const nth = calls.get(boxes) ?? 0;
        calls.set(boxes, nth + 1);
        return SCRIPT[boxes]![nth]!;
      },
    });
    const file = join(dir, 'gsm8k-maj.yaml');
    // concurrency 1: a test's repeats are called in repeat order, so the nth call of a question is repeat n.
    writeFileSync(
      file,
      `providers:
  - id: openai:gpt-4o-mini
    config: { baseUrl: ${server.url}/v1, maxRetries: 0, concurrency: 1 }
prompts: ["Question: {{ question }}\\nAnswer:"]
repeat: 5
dataset: { type: gsm8k, path: ${FIX}gsm8k/test.jsonl, limit: 5 }
gates: { minPassRate: 0 }
`,
    );
    const out = join(dir, 'gsm8k-maj.json');
    const r = await runCli(['eval', file, '-o', out, '--db', join(dir, 'maj.db')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    // Every cell got the answer scripted for its repeat index.
    for (const cell of report.cells) {
      const boxes = Number(/Tom has (\d+) boxes/.exec(cell.vars.question)![1]);
      expect(cell.output).toBe(SCRIPT[boxes]![cell.repeatIndex]);
    }
    const metric = (name: string) => report.summary.metrics.find((m: { metric: string }) => m.metric === name);
    const strict = metric('strict-match');
    const flexible = metric('flexible-extract');
    expect(strict.passRate).toBeCloseTo(10 / 25, 12);
    expect(flexible.passRate).toBeCloseTo(13 / 25, 12);
    expect(strict.majorityAtK).toMatchObject({ k: 5, rate: 0.6, n: 5, ties: 1 });
    expect(strict.majorityAtK.interval.low).toBeCloseTo(0.2307, 4);
    expect(strict.majorityAtK.interval.high).toBeCloseTo(0.8824, 4);
    expect(flexible.majorityAtK).toMatchObject({ k: 5, rate: 0.8, n: 5, ties: 2 });
    expect(flexible.majorityAtK.interval.low).toBeCloseTo(0.3755, 4);
    expect(flexible.majorityAtK.interval.high).toBeCloseTo(0.9638, 4);
    expect(report.summary.repeats[0].majorityVotePassRate).toBeCloseTo(0.2, 12);
    // What each repeat's metric saw is on the cell; lm-eval's "[invalid]" where strict extraction found no "####".
    const t3 = report.cells.filter((c: any) => c.testId === 'gsm8k-3').sort((a: any, b: any) => a.repeatIndex - b.repeatIndex);
    expect(t3.map((c: any) => c.assertions[0].extracted ?? null)).toEqual(['[invalid]', '[invalid]', '65', '[invalid]', '[invalid]']);
    expect(t3.map((c: any) => c.assertions[1].extracted)).toEqual(['65.', '65.', '65', '12.', '65']);
    expect(r.stdout).toMatch(/strict-match .*maj@5 60\.0% \[23\.1–88\.2\]/);
    expect(r.stdout).toMatch(/flexible-extract .*maj@5 80\.0% \[37\.6–96\.4\]/);
    expect(r.stdout).toMatch(/majority vote 20\.0%/);
  });
});
