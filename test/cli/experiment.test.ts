/**
 * `llmlab experiment report` over a seeded gateway store in a temp project: the console summary, `-o` files in
 * every format, `--json`, the SRM warning, and the mistakes a user makes (unknown experiment, action or format)
 * exiting 2 with a hint.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unitDigest } from '../../src/gateway/experiment-assign.js';
import { createGatewayStore } from '../../src/store/gateway.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from './run-cli.js';

let dir: string;

const CONFIG = `db: llmlab.db
models:
  support-bot: { candidates: [echo] }
  sales-bot: { candidates: [echo] }
experiments:
  tone-test:
    model: support-bot
    arms: { control: { prompt: prompts/v1.md }, treatment: { prompt: prompts/v2.md } }
    split: { control: 0.5, treatment: 0.5 }
    metric: { feedback: thumbs }
  broken-split:
    model: sales-bot
    arms: { control: { prompt: prompts/v1.md }, treatment: { prompt: prompts/v2.md } }
    metric: { feedback: thumbs }
`;

/**
 * Logs `units` per arm, one request each, and a thumbs outcome on each, a `rate` of them up (spread evenly). The
 * outcomes table is joined to the log only when read, so the rows are written once, at close.
 */
async function seed(experiment: string, arms: Record<string, { units: number; rate: number }>): Promise<void> {
  const store = openStore(join(dir, 'llmlab.db'));
  const gateway = createGatewayStore(store, { flushMs: 60_000 });
  let at = Date.UTC(2026, 11, 1);
  for (const [arm, { units, rate }] of Object.entries(arms)) {
    for (let i = 0; i < units; i++) {
      const id = `req_${experiment}_${arm}_${i}`;
      gateway.log.append({
        id, at: at++, model: 'support-bot', candidate: 'echo', status: 200, stream: false, cached: false,
        costUsd: 0.001, latencyMs: 5, overheadMs: 0.2, experiment, arm, unit: unitDigest(experiment, `${arm}-${i}`),
      });
      const up = Math.floor((i + 1) * rate) > Math.floor(i * rate);
      await gateway.outcomes.add({ requestId: id, source: 'feedback', score: up ? 1 : 0, at: at++ });
    }
  }
  await gateway.close();
  store.close();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-experiment-'));
  mkdirSync(join(dir, 'prompts'));
  writeFileSync(join(dir, 'prompts', 'v1.md'), 'Be brief.');
  writeFileSync(join(dir, 'prompts', 'v2.md'), 'Be warm and brief.');
  writeFileSync(join(dir, 'gateway.yaml'), CONFIG);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('llmlab experiment report', () => {
  it('prints per-arm n, means with intervals, SRM and the verdict; writes .md, .html and .json', async () => {
    await seed('tone-test', { control: { units: 300, rate: 0.3 }, treatment: { units: 300, rate: 0.5 } });
    const result = await runCli(['experiment', 'report', 'tone-test', '-o', 'out/r.md', '-o', 'out/r.html', '-o', 'out/r.json'], { cwd: dir });
    expect(result.stderr).toBe('wrote out/r.md\nwrote out/r.html\nwrote out/r.json\n');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('experiment tone-test: thumbs-up rate per unit, split control 50%, treatment 50%, alpha 0.05');
    expect(lines[3]).toMatch(/^control \(control\) +300 +300 +300 +30\.0% +25\.\d%–35\.\d% \(Wilson\) +\$0\.30$/);
    expect(lines[4]).toMatch(/^treatment +300 +300 +300 +50\.0% +44\.\d%–55\.\d% \(Wilson\) +\$0\.30$/);
    expect(result.stdout).toContain('SRM check: ok, 300 / 300 units vs 300 / 300 expected, p=1');
    expect(result.stdout).toMatch(/verdict: treatment better than control: \+20\.0 pp \(always-valid 95 % CI \+\d/);
    expect(readFileSync(join(dir, 'out/r.md'), 'utf8')).toContain('| treatment | 300 | 300 | 300 | 50.0% |');
    expect(readFileSync(join(dir, 'out/r.html'), 'utf8')).toContain('<h1>Experiment tone-test</h1>');
    const json = JSON.parse(readFileSync(join(dir, 'out/r.json'), 'utf8'));
    expect(json.comparisons[0]).toMatchObject({ treatment: 'treatment', control: 'control', status: 'better' });
  });

  it('prints JSON with --json', async () => {
    await seed('tone-test', { control: { units: 40, rate: 0.5 }, treatment: { units: 40, rate: 0.5 } });
    const result = await runCli(['experiment', 'report', 'tone-test', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.arms.map((a: { n: number }) => a.n)).toEqual([40, 40]);
    expect(json.comparisons[0].status).toBe('no-difference-yet');
  });

  it('flags a sample-ratio mismatch: "SRM: do not trust"', async () => {
    await seed('broken-split', { control: { units: 600, rate: 0.4 }, treatment: { units: 400, rate: 0.4 } });
    const result = await runCli(['experiment', 'report', 'broken-split'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/SRM check: MISMATCH, 600 \/ 400 units vs 500 \/ 500 expected, χ²=40\.0, p=2\.5e-10 < 0\.001/);
    expect(result.stdout).toContain('verdict: SRM: do not trust these results');
  });

  it('reports an experiment with no data yet without creating a database', async () => {
    const result = await runCli(['experiment', 'report', 'tone-test'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('too few units with an outcome yet (0 of the 30 per arm the test starts from)');
  });

  it('exits 2 with a hint for an unknown experiment, action or format', async () => {
    const typo = await runCli(['experiment', 'report', 'tone-tset'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('no experiment `tone-tset` in gateway.yaml');
    expect(typo.stderr).toContain('did you mean `tone-test`?');
    expect(typo.stderr).not.toMatch(/\n\s+at /);
    const action = await runCli(['experiment', 'reprot', 'tone-test'], { cwd: dir });
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('did you mean `report`?');
    const format = await runCli(['experiment', 'report', 'tone-test', '-o', 'r.pdf'], { cwd: dir });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('unknown report format `.pdf`');
    const missing = await runCli(['experiment', 'report', 'tone-test', '-c', 'nope.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
