import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openaiBackend } from '../../src/finetune/openai-backend.js';
import { MAX_POLL_FAILURES } from '../../src/finetune/openai-job-watch.js';
import type { StageContext, StageProgress, TrainingOutcome, TrainingPoint } from '../../src/finetune/types.js';
import openai from '../../src/providers/openai.js';
import { openStore } from '../../src/store/index.js';
import type { FinetuneJobRecord, Store } from '../../src/store/index.js';
import { tempDir } from '../config/helpers.js';
import { answerByModel } from '../fakes/harness.js';
import { fakeFineTuning, startFakeOpenAI } from '../fakes/openai.js';
import type { FakeServer, FineTuneFake } from '../fakes/openai.js';
import { liveSignal, makeRequest } from '../fakes/provider-spec.js';
import { thrownAsyncLlmlabError } from '../thrown.js';

const KEY = 'sk-test-FINETUNE-0123456789abcdef';
const chat = (user: string, assistant: string): string =>
  JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }] });
const TRAIN = `${chat('Where is my order?', 'Let me check order status for you.')}\n${chat('Refund please', 'I can start a refund.')}\n`;
const VALIDATION = `${chat('Cancel my plan', 'Your plan is cancelled.')}\n`;
const TUNED = 'ft:gpt-4o-mini-2024-07-18:llmlab-fake::support-v2';

let dir: string;
let server: FakeServer;
let tuning: FineTuneFake;
let store: Store;

beforeEach(async () => {
  dir = await tempDir({ 'data/train.jsonl': TRAIN, 'data/val.jsonl': VALIDATION });
  tuning = fakeFineTuning();
  server = await startFakeOpenAI({ apiKey: KEY, fineTuning: tuning });
  store = openStore(join(dir, 'llmlab.db'));
});
afterEach(async () => {
  store.close();
  await server.close();
});

function point(overrides: Partial<TrainingPoint> = {}): TrainingPoint {
  const base = { id: 'openai:gpt-4o-mini-2024-07-18', type: 'openai', model: 'gpt-4o-mini-2024-07-18', label: 'gpt-4o-mini' };
  return {
    recipeId: 'support-v2',
    point: '',
    label: 'finetune:support-v2',
    hash: 'hash-support-v2',
    base: { ...base, config: { baseUrl: `${server.url}/v1`, temperature: 0 }, limits: { timeoutMs: 60_000, maxRetries: 0 } },
    method: 'supervised',
    hyperparameters: { epochs: 3, learningRateMultiplier: 'auto', batchSize: 8 },
    data: { train: join(dir, 'data/train.jsonl'), validation: join(dir, 'data/val.jsonl') },
    estimatedUsd: 0.25,
    ...overrides,
  };
}

/** A stage context on the temp store; `events` collects what the backend emitted. */
function context(overrides: Partial<StageContext> = {}): StageContext & { events: StageProgress[] } {
  const events: StageProgress[] = [];
  return {
    jobs: store.finetunes,
    emit: (progress) => events.push(progress),
    stop: liveSignal(),
    env: { OPENAI_API_KEY: KEY },
    poll: { initialMs: 1, maxMs: 5 },
    baseDir: dir,
    workDir: join(dir, 'work'),
    events,
    ...overrides,
  };
}

const calls = (): string[] => server.requests.map((request) => `${request.method} ${request.path}`);
const client = (): OpenAI => new OpenAI({ apiKey: KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });

/** Starts an attempt whose job exists on the server, as a run killed after storing the job id leaves it. */
async function recordLeftRunning(): Promise<FinetuneJobRecord> {
  const sdk = client();
  const file = await sdk.files.create({ file: await toFile(Buffer.from(TRAIN), 'train.jsonl'), purpose: 'fine-tune' });
  const job = await sdk.fineTuning.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file: file.id, suffix: 'support-v2' });
  const record = store.finetunes.start({ hash: point().hash, recipeId: 'support-v2', label: 'finetune:support-v2', backend: 'openai' });
  return store.finetunes.update(record.hash, record.attempt, { files: { train: file.id }, jobId: job.id, status: 'running' });
}

function succeeded(outcome: TrainingOutcome): Extract<TrainingOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function failedReason(outcome: TrainingOutcome): string {
  if (outcome.ok || outcome.interrupted) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.reason;
}

describe('openai training backend', () => {
  it('uploads the data, creates the job with the mapped method, follows it and stores the trained model', async () => {
    tuning.script.polls = { validating_files: 1, queued: 2, running: 2 };
    tuning.script.events = { running: ['Step 1/10: training loss=1.20'] };
    const ctx = context();
    const outcome = succeeded(await openaiBackend.train(point(), ctx));

    expect(tuning.files.map((file) => [file.filename, file.purpose, file.bytes.toString('utf8')])).toEqual([
      ['train.jsonl', 'fine-tune', await readFile(join(dir, 'data/train.jsonl'), 'utf8')],
      ['val.jsonl', 'fine-tune', VALIDATION],
    ]);
    const [job] = tuning.jobs;
    expect(tuning.jobs).toHaveLength(1);
    expect(job!.body).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      training_file: tuning.files[0]!.id,
      validation_file: tuning.files[1]!.id,
      suffix: 'support-v2',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3, learning_rate_multiplier: 'auto', batch_size: 8 } } },
      metadata: { llmlab_hash: 'hash-support-v2', llmlab_attempt: '1' },
    });
    expect(outcome).toMatchObject({ reused: false, provider: { id: `openai:${TUNED}`, type: 'openai', model: TUNED, label: 'finetune:support-v2' } });
    expect(outcome.provider.config).toEqual(point().base.config);
    expect(store.finetunes.latest('hash-support-v2')).toMatchObject({
      attempt: 1,
      status: 'succeeded',
      jobId: job!.id,
      model: TUNED,
      trainedTokens: 12345,
      estimatedUsd: 0.25,
      files: { train: tuning.files[0]!.id, validation: tuning.files[1]!.id },
    });

    const stages = ctx.events.map((event) => `${event.stage} ${event.status}`);
    expect(stages[0]).toBe('upload start');
    expect(stages).toContain('upload done');
    expect(stages.at(-1)).toBe('train done');
    const statuses = ctx.events.filter((event) => event.message === undefined).map((event) => event.jobStatus);
    expect(statuses).toEqual(['validating_files', 'queued', 'running', 'succeeded']);
    const messages = ctx.events.filter((event) => event.stage === 'train' && event.status === 'progress' && event.message).map((event) => event.message);
    expect(messages).toEqual([
      `Created fine-tuning job: ${job!.id}`,
      `Validating training file: ${tuning.files[0]!.id}`,
      'Files validated, moving job to queued state',
      'Fine-tuning job started',
      'Step 1/10: training loss=1.20',
      `New fine-tuned model created: ${TUNED}`,
      'The job has successfully completed',
    ]);
    expect(ctx.events.at(-1)).toMatchObject({ jobId: job!.id, jobStatus: 'succeeded', trainedTokens: 12345, label: 'finetune:support-v2' });

    // The tuned model answers as a provider, differently from its base.
    server.setBehaviour({ answer: answerByModel({ [TUNED]: 'tuned answer' }) });
    const tuned = await openai.create({ ...outcome.provider, baseDir: dir, env: { OPENAI_API_KEY: KEY } });
    expect((await tuned.generate(makeRequest('Where is my order?'), { signal: liveSignal() })).output).toBe('tuned answer');
    const base = await openai.create({ ...point().base, baseDir: dir, env: { OPENAI_API_KEY: KEY } });
    expect((await base.generate(makeRequest('Where is my order?'), { signal: liveSignal() })).output).toBe('echo: Where is my order?');
  });

  it('sends DPO hyperparameters under method.dpo, and no validation file when there is none', async () => {
    const dpo = point({ method: 'dpo', hyperparameters: { epochs: 2, beta: 0.2, batchSize: 'auto' }, data: { train: join(dir, 'data/train.jsonl') } });
    succeeded(await openaiBackend.train(dpo, context()));
    expect(tuning.files).toHaveLength(1);
    expect(tuning.jobs[0]!.body.validation_file).toBeUndefined();
    expect(tuning.jobs[0]!.body.method).toEqual({ type: 'dpo', dpo: { hyperparameters: { n_epochs: 2, beta: 0.2, batch_size: 'auto' } } });
  });

  it('refuses hyperparameters OpenAI does not take before anything is stored or sent', async () => {
    const unknown = await thrownAsyncLlmlabError(() => openaiBackend.train(point({ hyperparameters: { epochs: 2, loraRank: 8 } }), context()));
    expect(unknown.code).toBe('CONFIG_INVALID');
    expect(unknown.message).toContain('no hyperparameter loraRank');
    const beta = await thrownAsyncLlmlabError(() => openaiBackend.train(point({ hyperparameters: { beta: 0.1 } }), context()));
    expect(beta.hint).toBe('use epochs, batchSize, learningRateMultiplier (each a number or auto)');
    const text = await thrownAsyncLlmlabError(() => openaiBackend.train(point({ hyperparameters: { epochs: 'three' } }), context()));
    expect(text.message).toContain('OpenAI takes a number or auto');
    expect(server.requests).toHaveLength(0);
    expect(store.finetunes.list()).toEqual([]);
  });

  it('reuses a finished job on the same hash without a single request', async () => {
    const first = succeeded(await openaiBackend.train(point(), context()));
    const before = server.requests.length;
    const ctx = context({ env: {} }); // not even a key is needed
    const second = succeeded(await openaiBackend.train(point(), ctx));
    expect(server.requests).toHaveLength(before);
    expect(second).toEqual({ ...first, reused: true });
    expect(ctx.events).toEqual([
      { label: 'finetune:support-v2', stage: 'train', status: 'reused', jobId: first.record.jobId, jobStatus: 'succeeded', trainedTokens: 12345, message: `reusing ${TUNED}` },
    ]);
  });

  it('re-attaches to the job of a run killed while training, and creates none', async () => {
    const left = await recordLeftRunning();
    server.requests.length = 0;
    const outcome = succeeded(await openaiBackend.train(point(), context()));
    expect(tuning.jobs).toHaveLength(1);
    expect(calls().filter((call) => call.startsWith('POST'))).toEqual([]);
    expect(outcome.record).toMatchObject({ attempt: 1, jobId: left.jobId, status: 'succeeded', model: TUNED });
  });

  it('finds the job a run created but died before storing, by its metadata', async () => {
    // The first run uploads and creates the job; a crash right then leaves the record without the job id.
    const stop = new AbortController();
    const first = await openaiBackend.train(point(), context({ stop: stop.signal, emit: (e) => e.stage === 'train' && e.status === 'start' && stop.abort() }));
    expect(first).toMatchObject({ ok: false, interrupted: true });
    const { hash, attempt } = store.finetunes.latest('hash-support-v2')!;
    store.finetunes.update(hash, attempt, { jobId: undefined, status: 'uploading' });
    server.requests.length = 0;

    const outcome = succeeded(await openaiBackend.train(point(), context()));
    expect(tuning.jobs).toHaveLength(1);
    expect(tuning.files).toHaveLength(2);
    expect(calls().filter((call) => call.startsWith('POST'))).toEqual([]);
    expect(outcome.record.jobId).toBe(tuning.jobs[0]!.id);
  });

  it('creates the job from files a crashed run uploaded, without uploading them again', async () => {
    const sdk = client();
    const file = await sdk.files.create({ file: await toFile(Buffer.from(TRAIN), 'train.jsonl'), purpose: 'fine-tune' });
    const record = store.finetunes.start({ hash: 'hash-support-v2', recipeId: 'support-v2', label: 'finetune:support-v2', backend: 'openai' });
    store.finetunes.update(record.hash, record.attempt, { files: { train: file.id } });
    const outcome = succeeded(await openaiBackend.train(point(), context()));
    expect(tuning.files.map((f) => f.filename)).toEqual(['train.jsonl', 'val.jsonl']); // only the validation file was missing
    expect(tuning.jobs[0]!.body.training_file).toBe(file.id);
    expect(outcome.record.files).toEqual({ train: file.id, validation: tuning.files[1]!.id });
  });

  it("returns a failed job's reason as the API gives it, stores it, and tries again on the next run", async () => {
    tuning.script.outcome = { error: { code: 'invalid_training_file', message: 'Training file has 2 examples; at least 10 are required.', param: 'training_file' } };
    const ctx = context();
    const reason = failedReason(await openaiBackend.train(point(), ctx));
    const id = tuning.jobs[0]!.id;
    expect(reason).toBe(
      `OpenAI fine-tuning job ${id} failed: Training file has 2 examples; at least 10 are required. (invalid_training_file, param training_file)`,
    );
    expect(store.finetunes.latest('hash-support-v2')).toMatchObject({ attempt: 1, status: 'failed', error: reason, jobId: id });
    expect(ctx.events.at(-1)).toMatchObject({ stage: 'train', status: 'failed', jobStatus: 'failed', message: reason });
    expect(ctx.events.some((event) => event.message === 'error: Training file has 2 examples; at least 10 are required.')).toBe(true);

    tuning.script.outcome = 'succeeded';
    const retried = succeeded(await openaiBackend.train(point(), context()));
    expect(retried.record).toMatchObject({ attempt: 2, status: 'succeeded' });
    expect(tuning.jobs).toHaveLength(2);
  });

  it('says why the job could not be created: a file OpenAI does not know', async () => {
    const record = store.finetunes.start({ hash: 'hash-support-v2', recipeId: 'support-v2', label: 'finetune:support-v2', backend: 'openai' });
    store.finetunes.update(record.hash, record.attempt, { files: { train: 'file-gone', validation: 'file-gone-too' } });
    const reason = failedReason(await openaiBackend.train(point(), context()));
    expect(reason).toBe('could not start the OpenAI fine-tuning job: OpenAI API error (HTTP 400): invalid training_file: file-gone');
    expect(store.finetunes.latest('hash-support-v2')).toMatchObject({ status: 'failed', error: reason });
  });

  it('keeps polling through failed retrieves: 500s, a connection reset, a 429', async () => {
    tuning.script.retrieveFailures = [{ status: 500 }, { reset: true }, { status: 429 }, { status: 503 }];
    const ctx = context();
    const outcome = succeeded(await openaiBackend.train(point(), ctx));
    expect(outcome.record.status).toBe('succeeded');
    const retries = ctx.events.filter((event) => event.message?.startsWith('polling failed'));
    expect(retries).toHaveLength(4);
    expect(retries[1]!.message).toContain('OpenAI connection failed');
  });

  it('gives up after too many failed polls in a row, keeping the job id and status for a resume', async () => {
    tuning.script.retrieveFailures = Array.from({ length: MAX_POLL_FAILURES }, () => ({ status: 502 }));
    const reason = failedReason(await openaiBackend.train(point(), context()));
    const id = tuning.jobs[0]!.id;
    expect(reason).toContain(`lost track of OpenAI fine-tuning job ${id} (${MAX_POLL_FAILURES} polls in a row failed): OpenAI API error (HTTP 502)`);
    expect(reason).toContain('--resume');
    expect(store.finetunes.latest('hash-support-v2')).toMatchObject({ status: 'queued', jobId: id });
    // The resume re-attaches to that job.
    const resumed = succeeded(await openaiBackend.train(point(), context()));
    expect(resumed.record.jobId).toBe(id);
    expect(tuning.jobs).toHaveLength(1);
  });

  it('stops waiting at once on Ctrl-C, leaves the job running and says how to cancel or resume it', async () => {
    // An interval no test would wait out (20 s timeout): the wait must end on the abort, not on its timer. The
    // last event of the first poll is shown right before that wait starts; the abort comes once it has.
    tuning.script.polls = { validating_files: 5, queued: 5, running: 5 };
    const stop = new AbortController();
    const ctx = context({ stop: stop.signal, poll: { initialMs: 600_000, maxMs: 600_000 } });
    const emit = ctx.emit;
    ctx.emit = (progress) => {
      emit(progress);
      if (progress.message?.startsWith('Validating training file')) setImmediate(() => stop.abort());
    };
    const outcome = await openaiBackend.train(point(), ctx);
    const id = tuning.jobs[0]!.id;
    expect(outcome).toMatchObject({ ok: false, interrupted: true, record: { jobId: id, status: 'queued' } });
    expect(ctx.events.at(-1)).toEqual({
      label: 'finetune:support-v2',
      stage: 'train',
      status: 'detached',
      jobId: id,
      message: `job ${id} keeps running on OpenAI: cancel it with \`llmlab finetune cancel ${id}\`, or re-attach with \`llmlab eval <suite> --resume\``,
    });
    expect(store.finetunes.latest('hash-support-v2')).toMatchObject({ status: 'queued', jobId: id });
  });

  it('cancels a stored job through the cancel route, and the next run starts a new attempt', async () => {
    const left = await recordLeftRunning();
    const cancelled = await openaiBackend.cancel(left, { jobs: store.finetunes, env: { OPENAI_API_KEY: KEY }, base: point().base });
    expect(tuning.cancels).toEqual([left.jobId]);
    expect(cancelled).toMatchObject({ status: 'cancelled', jobId: left.jobId });
    expect(store.finetunes.latest('hash-support-v2')?.status).toBe('cancelled');
    // A job that ended meanwhile is stored as it ended, not refused.
    const again = await openaiBackend.cancel(cancelled, { jobs: store.finetunes, env: { OPENAI_API_KEY: KEY }, base: point().base });
    expect(again.status).toBe('cancelled');

    const next = succeeded(await openaiBackend.train(point(), context()));
    expect(next.record.attempt).toBe(2);

    // An attempt stopped before its job existed has nothing on OpenAI to cancel.
    const early = store.finetunes.start({ hash: 'hash-other', recipeId: 'other', label: 'finetune:other', backend: 'openai' });
    const usage = await thrownAsyncLlmlabError(() => openaiBackend.cancel(early, { jobs: store.finetunes, env: { OPENAI_API_KEY: KEY }, base: point().base }));
    expect(usage.code).toBe('USAGE');
    expect(usage.message).toBe('finetune:other (attempt 1) has no OpenAI job to cancel: it stopped before the job was created');
  });

  it('never lets the API key into a reason, an event or the store, even when the server echoes it', async () => {
    const wrong = 'sk-wrong-key-ECHOED-BACK-0123456789';
    const ctx = context({ env: { OPENAI_API_KEY: wrong } });
    const reason = failedReason(await openaiBackend.train(point(), ctx));
    expect(reason).toBe('could not start the OpenAI fine-tuning job: OpenAI API error (HTTP 401): Incorrect API key provided: ***');
    const stored = JSON.stringify(store.finetunes.list());
    expect(stored).toContain('Incorrect API key provided');
    for (const text of [reason, stored, JSON.stringify(ctx.events)]) expect(text).not.toContain(wrong);
  });

  it('refuses a base that is not an OpenAI model', async () => {
    const anthropic = { ...point().base, id: 'anthropic:claude', type: 'anthropic', model: 'claude' };
    const error = await thrownAsyncLlmlabError(() => openaiBackend.train(point({ base: anthropic }), context()));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('backend openai fine-tunes OpenAI models only, and the base gpt-4o-mini is anthropic:claude');
  });
});
