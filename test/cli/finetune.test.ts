/**
 * A fine-tune recipe end to end through the CLI, against the fake OpenAI files and fine-tuning API: the full
 * recipe, a re-run that starts no job, kill -9 during training then `--resume` on the same job, a failed job, and
 * data that is refused before anything is uploaded (malformed lines, an eval test leaked into the training data).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fakes/index.js';
import { fakeFineTuning, type FineTuneFake } from '../fakes/openai-finetune.js';
import { runCli, startCli } from './run-cli.js';

let dir: string;
let server: FakeServer;
let fake: FineTuneFake;
const KEY = 'sk-test-finetune-0123456789abcdef';
const env = { OPENAI_API_KEY: KEY };

const QUESTIONS = ['reset my password', 'download invoices', 'change my email', 'cancel my plan', 'add a teammate', 'export my data'];

/** Twelve training examples, none of which shares 13 words with an eval question. */
function trainingLines(extra: string[] = []): string {
  const lines = Array.from({ length: 12 }, (_, i) =>
    JSON.stringify({ messages: [{ role: 'user', content: `Support topic number ${i}: how does feature ${i} work?` }, { role: 'assistant', content: `Feature ${i} works from Settings.` }] }),
  );
  return `${[...lines, ...extra].join('\n')}\n`;
}

function writeSuite(options: { train?: string; gate?: boolean } = {}): void {
  writeFileSync(join(dir, 'train.jsonl'), options.train ?? trainingLines());
  const tests = QUESTIONS.map((q) => `  - { vars: { q: "How do I ${q}?" }, assert: [{ type: icontains, value: Settings }] }`).join('\n');
  writeFileSync(
    join(dir, 'suite.yaml'),
    `providers:\n  - id: openai:gpt-4o-mini-2024-07-18\n    config: { baseUrl: "${server.url}/v1" }\n  - finetune:support\n` +
      `finetunes:\n  - id: support\n    base: openai:gpt-4o-mini-2024-07-18\n    data: { train: file:train.jsonl }\n` +
      `    hyperparameters: { epochs: 2 }\n    poll: { intervalMs: 5, maxIntervalMs: 20 }\n` +
      `gates:\n  minPassRate: 0\n${options.gate === false ? '' : '  finetune: { margin: 0, requireSignificance: false }\n'}` +
      `prompts: ["{{ q }}"]\ntests:\n${tests}\n`,
  );
}

function jobsCreated(): number {
  return server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/fine_tuning/jobs').length;
}

function storedJob(): { job_id: string | null; status: string } | undefined {
  const db = new Database(join(dir, '.llmlab/llmlab.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT job_id, status FROM finetune_jobs ORDER BY attempt DESC LIMIT 1').get() as { job_id: string | null; status: string } | undefined;
  } finally {
    db.close();
  }
}

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-finetune-'));
  fake = fakeFineTuning({ trainedTokens: 4000 });
  // The tuned model knows the product; the base does not.
  server = await startFakeOpenAI({ fineTuning: fake, answer: (body: { model?: string }) => (body.model?.startsWith('ft:') ? 'Open Settings.' : 'No idea.') });
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('llmlab eval with a fine-tune recipe', () => {
  it('validates, uploads, trains, evaluates tuned vs base and gates; a second run starts no job', async () => {
    writeSuite();
    const first = await runCli(['eval', 'suite.yaml'], { cwd: dir, env });
    expect(first.stderr).toMatch(/finetune:support train (running|succeeded)/);
    expect(first.code).toBe(0);
    expect(fake.files).toHaveLength(1);
    expect(fake.files[0]!.purpose).toBe('fine-tune');
    expect(fake.files[0]!.bytes.toString('utf8')).toBe(trainingLines());
    expect(fake.jobs).toHaveLength(1);
    expect(fake.jobs[0]!.body.model).toBe('gpt-4o-mini-2024-07-18');
    expect(fake.jobs[0]!.body.method.supervised.hyperparameters.n_epochs).toBe(2);
    expect(first.stdout).toMatch(/fine-tune support/);
    expect(first.stdout).toMatch(/base 0\.0% → tuned 100\.0%/);
    expect(first.stdout).toMatch(/gate finetune: pass/);
    // The key never reaches the output, however the server answered.
    expect(first.stdout + first.stderr).not.toContain(KEY);

    const before = server.requests.length;
    const second = await runCli(['eval', 'suite.yaml'], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(jobsCreated()).toBe(1);
    // Reused model, cached answers: nothing at all is sent.
    expect(server.requests.length).toBe(before);
    expect(second.stdout).toMatch(/gate finetune: pass/);
  });

  /** Starts an eval whose job never finishes, waits until the job is stored as running, and kills the CLI (kill -9). */
  async function killWhileTraining(): Promise<void> {
    fake.script.polls.running = 1_000_000;
    writeSuite();
    const child = startCli(['eval', 'suite.yaml'], { cwd: dir, env });
    await waitFor(() => {
      try {
        return storedJob()?.status === 'running';
      } catch {
        return false; // the database is not created yet
      }
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
  }

  it('re-attaches to the same job after kill -9 during training (--resume)', async () => {
    await killWhileTraining();
    const jobId = storedJob()!.job_id;
    expect(jobId).toMatch(/^ftjob-/);
    fake.script.polls.running = 0; // the job finishes at its next poll

    const resumed = await runCli(['eval', 'suite.yaml', '--resume'], { cwd: dir, env });
    expect(resumed.code).toBe(0);
    expect(jobsCreated()).toBe(1);
    expect(fake.files).toHaveLength(1);
    expect(resumed.stderr).toContain(jobId!);
    expect(resumed.stdout).toMatch(/base 0\.0% → tuned 100\.0%/);
  });

  it('lists a job left running and cancels it with `llmlab finetune cancel`', async () => {
    await killWhileTraining();
    const jobId = storedJob()!.job_id!;

    const listed = await runCli(['finetune', 'list'], { cwd: dir, env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${jobId}\\s+finetune:support\\s+running`));
    const cancelled = await runCli(['finetune', 'cancel', jobId, '--suite', 'suite.yaml'], { cwd: dir, env });
    expect(cancelled.stderr).toBe("");
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toBe(`${jobId} (finetune:support): cancelled\n`);
    expect(fake.cancels).toEqual([jobId]);
    expect(storedJob()!.status).toBe('cancelled');

    const unknown = await runCli(['finetune', 'cancel', 'ftjob-nope'], { cwd: dir, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no fine-tune job `ftjob-nope`/);
  });

  it('exits 1 with the API reason when the job fails; the tuned cells are skipped', async () => {
    fake.script.outcome = { error: { code: 'invalid_training_file', message: 'Training file has 3 examples with no assistant message', param: 'training_file' } };
    writeSuite();
    const result = await runCli(['eval', 'suite.yaml'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/fine-tune finetune:support failed: .*Training file has 3 examples with no assistant message/);
    expect(result.stdout).toMatch(/gate finetune: FAIL — support: not evaluated/);
  });

  it('refuses malformed data with file:line before anything is uploaded (exit 2)', async () => {
    writeSuite({ train: trainingLines(['{"messages": [{"role": "user", "content": "hi"}', '{"messages": [{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]}']) });
    const result = await runCli(['eval', 'suite.yaml'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/train\.jsonl:13: .*\[json\]/);
    expect(result.stderr).toMatch(/train\.jsonl:14: .*\[roles\]/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests).toHaveLength(0);
  });

  it('finds an eval test leaked into the training data (13-gram overlap) and refuses to train', async () => {
    const leaked = JSON.stringify({ messages: [{ role: 'user', content: 'Customer asks: How do I export my data? Please answer in one short friendly sentence today.' }, { role: 'assistant', content: 'Open Settings.' }] });
    writeSuite({ train: trainingLines([leaked]) });
    const planned = await runCli(['plan', 'suite.yaml'], { cwd: dir, env });
    expect(planned.code).toBe(2);
    expect(planned.stderr).toMatch(/train\.jsonl:13: .*eval test "[0-9a-f]+" overlaps this training example.*\[leakage\]/);
    expect(server.requests).toHaveLength(0);
  });
});
