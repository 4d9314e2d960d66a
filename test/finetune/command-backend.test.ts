/**
 * The command backend against a fake trainer (a node script in a temp folder) and the fake Ollama server: what
 * the trainer is given, its log and stored job, reuse without a second run, failures, timeouts, Ctrl-C and cancel,
 * and serving the adapter as an Ollama model or as a provider entry. Spawns processes and opens sockets: e2e.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkCommandSettings, createCommandBackend } from '../../src/finetune/command-backend.js';
import type { CommandSettings, StageContext, StageProgress, TrainingPoint } from '../../src/finetune/types.js';
import ollama from '../../src/providers/ollama.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startFakeOllama, type FakeOllama } from '../fakes/ollama.js';
import { liveSignal, makeRequest } from '../fakes/provider-spec.js';
import { thrownAsyncLlmlabError } from '../thrown.js';

/**
 * The fake trainer: counts its runs, prints `started`, then by MODE fails (exit 3 with a stderr line), hangs until
 * killed, or checks its inputs, reports what it saw and writes an mlx-lm style adapter (plus a checkpoint).
 */
const TRAINER = `
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
appendFileSync('count.txt', 'x');
console.log('started');
if (process.env.MODE === 'fail') {
  console.error('loading model');
  console.error('CUDA out of memory: tried to allocate 2 GiB');
  process.exit(3);
}
if (process.env.MODE === 'hang') setInterval(() => {}, 1000);
else {
  const lines = (name) => readFileSync(join(args.data, name), 'utf8').trim().split('\\n').length;
  writeFileSync('seen.json', JSON.stringify({
    data: readdirSync(args.data).sort(), train: lines('train.jsonl'), valid: lines('valid.jsonl'),
    output: readdirSync(args.out), epochs: args.epochs, cwd: process.cwd(),
    runTag: process.env.RUN_TAG, fromContext: process.env.FROM_CONTEXT,
  }));
  for (let epoch = 1; epoch <= Number(args.epochs); epoch++) console.log('epoch ' + epoch + ' loss ' + (1 / epoch).toFixed(2));
  writeFileSync(join(args.out, 'adapters.safetensors'), Buffer.from([7, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 34, 58, 49, 125, 0xff, 0x00, 0x80]));
  writeFileSync(join(args.out, 'adapter_config.json'), '{"lora_parameters":{"rank":8}}');
  writeFileSync(join(args.out, '0000100_adapters.safetensors'), 'an intermediate checkpoint');
}
`;

const RUN = 'node trainer.mjs --data {{ dataDir }} --out {{ output }} --epochs {{ hyperparameters.epochs }}';
const HASH = createHash('sha256').update('the point').digest('hex');

let dir: string;
let store: Store;
let events: StageProgress[];
let server: FakeOllama;

beforeAll(async () => {
  server = await startFakeOllama();
});
afterAll(() => server.close());

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-command-backend-'));
  writeFileSync(join(dir, 'trainer.mjs'), TRAINER);
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'train.jsonl'), '{"messages":[]}\n'.repeat(3));
  writeFileSync(join(dir, 'data', 'val.jsonl'), '{"messages":[]}\n');
  store = openStore(join(dir, 'llmlab.db'));
  events = [];
  server.requests.length = 0;
  [server.blobs, server.created].forEach((map) => map.clear());
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function point(overrides: Partial<TrainingPoint> = {}): TrainingPoint {
  return {
    recipeId: 'support-v2',
    point: '',
    label: 'finetune:support-v2',
    hash: HASH,
    base: { id: 'ollama:llama3.2:1b', type: 'ollama', model: 'llama3.2:1b', label: 'ollama:llama3.2:1b', config: {}, limits: { timeoutMs: 1000, maxRetries: 0 } },
    method: 'supervised',
    hyperparameters: { epochs: 2 },
    data: { train: join(dir, 'data', 'train.jsonl'), validation: join(dir, 'data', 'val.jsonl') },
    estimatedUsd: 0,
    ...overrides,
  };
}

/** The context a stage gets; the trainer's environment is only what is given here (node's folder on PATH). */
function context(env: Record<string, string> = {}, stop = new AbortController().signal): StageContext {
  return {
    jobs: store.finetunes,
    emit: (progress) => events.push(progress),
    stop,
    env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, FROM_CONTEXT: 'yes', ...env },
    poll: { initialMs: 10, maxMs: 10 },
    baseDir: dir,
    workDir: join(dir, '.llmlab', 'finetune'),
  };
}

function settings(overrides: Partial<CommandSettings> = {}): CommandSettings {
  return {
    run: RUN,
    env: { RUN_TAG: '{{ id }}-{{ hash }}' },
    serve: { provider: { id: 'openai:{{ id }}-{{ hash }}', config: { baseUrl: 'http://127.0.0.1:8080/v1', args: ['{{ output }}'] } } },
    ...overrides,
  };
}

const pointDir = () => join(dir, '.llmlab', 'finetune', HASH);
const runs = () => (existsSync(join(dir, 'count.txt')) ? readFileSync(join(dir, 'count.txt'), 'utf8').length : 0);
const log = () => readFileSync(join(pointDir(), 'train.log'), 'utf8');
const waitForStarted = () => vi.waitFor(() => expect(log()).toContain('started'), { timeout: 15_000, interval: 20 });
/** The group's processes are killed by then; the last of them may be a zombie for a moment, until its parent reaps it. */
const waitForGroupGone = (pid: number) => vi.waitFor(() => expect(() => process.kill(-pid, 0)).toThrow(), { timeout: 15_000, interval: 20 });

describe('command backend: training', () => {
  it('gives the trainer its data, output folder and environment, logs it, stores the job and serves the provider', async () => {
    const outcome = await createCommandBackend(settings()).train(point(), context());
    expect(outcome).toMatchObject({ ok: true, reused: false });
    const seen = JSON.parse(readFileSync(join(dir, 'seen.json'), 'utf8'));
    const runTag = `support-v2-${HASH.slice(0, 12)}`;
    expect(seen).toEqual({ data: ['train.jsonl', 'valid.jsonl'], train: 3, valid: 1, output: [], epochs: '2', cwd: dir, runTag, fromContext: 'yes' });
    expect(log()).toContain('started\nepoch 1 loss 1.00\nepoch 2 loss 0.50\n');
    expect(log()).toContain(`$ node trainer.mjs --data ${pointDir()}/data --out ${pointDir()}/output --epochs 2`);

    const record = store.finetunes.latest(HASH)!;
    expect(record).toMatchObject({ attempt: 1, backend: 'command', status: 'succeeded', artifact: join(pointDir(), 'output'), model: `openai:${runTag}` });
    expect(Number(record.jobId)).toBeGreaterThan(0);
    if (!outcome.ok) throw new Error('expected success');
    expect(outcome.provider).toEqual({
      id: `openai:${runTag}`, type: 'openai', model: runTag, label: 'finetune:support-v2',
      config: { baseUrl: 'http://127.0.0.1:8080/v1', args: [join(pointDir(), 'output')] },
      limits: { timeoutMs: 1000, maxRetries: 0 },
    });
    const train = events.filter((e) => e.stage === 'train');
    expect(train[0]).toMatchObject({ status: 'start', jobId: record.jobId, label: 'finetune:support-v2' });
    expect(train.at(-2)).toMatchObject({ status: 'progress', message: 'epoch 2 loss 0.50' });
    expect(train.at(-1)).toMatchObject({ status: 'done' });
    expect(events.filter((e) => e.stage === 'serve').map((e) => e.status)).toEqual(['start', 'done']);
  });

  it('reuses a succeeded point without running the trainer again, and trains again when its output is gone', async () => {
    const backend = createCommandBackend(settings());
    await backend.train(point(), context());
    const again = await backend.train(point(), context());
    expect(again).toMatchObject({ ok: true, reused: true, record: { attempt: 1 } });
    expect(runs()).toBe(1);
    expect(events.some((e) => e.stage === 'train' && e.status === 'reused')).toBe(true);

    rmSync(join(pointDir(), 'output'), { recursive: true });
    expect(await backend.train(point(), context())).toMatchObject({ ok: true, reused: false, record: { attempt: 2 } });
    expect(runs()).toBe(2);
  });

  it('fails with the exit code and the last stderr line, stores it, and tries again on the next run', async () => {
    const backend = createCommandBackend(settings());
    const outcome = await backend.train(point(), context({ MODE: 'fail' }));
    expect(outcome).toMatchObject({ ok: false });
    const reason = 'reason' in outcome ? outcome.reason : '';
    expect(reason).toMatch(/^trainer exited with code 3: CUDA out of memory: tried to allocate 2 GiB \(log: \.llmlab\/finetune\/[0-9a-f]+\/train\.log\)$/);
    expect(store.finetunes.latest(HASH)).toMatchObject({ status: 'failed', error: reason });
    // The engine reports the failure (finetune-train.ts); the backend's last word was the trainer's last line.
    expect(events.at(-1)).toMatchObject({ stage: 'train', status: 'progress', message: 'CUDA out of memory: tried to allocate 2 GiB' });
    expect(log()).toContain('loading model\nCUDA out of memory');

    expect(await backend.train(point(), context())).toMatchObject({ ok: true, record: { attempt: 2 } });
    expect(log()).toContain('epoch 2 loss 0.50');
  });

  it('stops a trainer that runs past timeoutMs', async () => {
    const outcome = await createCommandBackend(settings({ timeoutMs: 300 })).train(point(), context({ MODE: 'hang' }));
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('trainer ran past its timeoutMs and was stopped') });
    expect(store.finetunes.latest(HASH)?.status).toBe('failed');
  });

  it('refuses an undefined template variable by name before anything runs', async () => {
    const backend = createCommandBackend(settings({ run: 'node trainer.mjs --lr {{ hyperparameters.lr }} --out {{ output }}' }));
    const error = await thrownAsyncLlmlabError(() => backend.train(point(), context()));
    expect(error.code).toBe('TEMPLATE_ERROR');
    expect(error.message).toBe('command.run: `hyperparameters.lr` is not defined');
    expect(error.hint).toContain('hyperparameters.{epochs}');
    expect(store.finetunes.latest(HASH)).toBeUndefined();
    expect(runs()).toBe(0);
    expect(() => checkCommandSettings(settings({ run: '{{ nope }}' }), point(), context())).toThrow('command.run: `nope` is not defined');
    expect(() => checkCommandSettings(settings(), point(), context())).not.toThrow();
  });

  it('accepts an optional variable behind an if', async () => {
    const run = `${RUN}{% if validation %} --valid-given yes{% endif %}`;
    const outcome = await createCommandBackend(settings({ run })).train(point(), context());
    expect(outcome.ok).toBe(true);
    expect(log()).toContain('--valid-given yes');
  });

  it('kills the trainer on Ctrl-C and returns interrupted; the next run starts it again', async () => {
    const stop = new AbortController();
    const backend = createCommandBackend(settings());
    const training = backend.train(point(), context({ MODE: 'hang' }, stop.signal));
    await waitForStarted();
    const pid = Number(store.finetunes.latest(HASH)?.jobId);
    stop.abort();
    const outcome = await training;
    expect(outcome).toMatchObject({ ok: false, interrupted: true, record: { status: 'cancelled' } });
    await waitForGroupGone(pid);
    expect(await backend.train(point(), context())).toMatchObject({ ok: true, record: { attempt: 2 } });
    expect(runs()).toBe(2);
  });

  it('cancel kills a running trainer and stores cancelled', async () => {
    const backend = createCommandBackend(settings());
    const training = backend.train(point(), context({ MODE: 'hang' }));
    await waitForStarted();
    const running = store.finetunes.latest(HASH)!;
    expect(running.status).toBe('running');
    const cancelled = await backend.cancel(running, { jobs: store.finetunes, env: {}, base: point().base });
    expect(cancelled.status).toBe('cancelled');
    expect(await training).toMatchObject({ ok: false, reason: expect.stringContaining('the trainer was cancelled'), record: { status: 'cancelled' } });
    await waitForGroupGone(Number(running.jobId));
  });

  it('refuses a serve provider type llmlab does not have, before training', async () => {
    const backend = createCommandBackend(settings({ serve: { provider: { id: 'lorax:my-lora' } } }));
    const error = await thrownAsyncLlmlabError(() => backend.train(point(), context()));
    expect(error.code).toBe('UNKNOWN_PROVIDER');
    expect(error.message).toBe('command.serve.provider.id: unknown provider type `lorax` in `lorax:my-lora`');
    expect(runs()).toBe(0);
  });
});

describe('command backend: serving with Ollama', () => {
  const serveOllama = (adapter?: string): CommandSettings['serve'] => ({
    ollama: { from: '{{ base }}', host: server.url, ...(adapter ? { adapter } : {}) },
  });

  it('pushes the adapter files as blobs and creates the model from the base; the model answers chat', async () => {
    const backend = createCommandBackend(settings({ serve: serveOllama() }));
    const outcome = await backend.train(point(), context());
    if (!outcome.ok) throw new Error(`expected success: ${JSON.stringify(outcome)}`);
    const model = `llmlab-support-v2-${HASH.slice(0, 12)}`;
    expect(outcome.provider).toEqual({
      id: `ollama:${model}`,
      type: 'ollama',
      model,
      label: 'finetune:support-v2',
      config: { host: server.url },
      limits: { timeoutMs: 1000, maxRetries: 0 },
    });

    const digest = (name: string) => `sha256:${createHash('sha256').update(readFileSync(join(pointDir(), 'output', name))).digest('hex')}`;
    const adapters = { 'adapters.safetensors': digest('adapters.safetensors'), 'adapter_config.json': digest('adapter_config.json') };
    expect(server.created.get(model)).toMatchObject({ model, from: 'llama3.2:1b', adapters, stream: false });
    // The intermediate checkpoint is not part of the adapter.
    expect(server.blobs.size).toBe(2);
    expect(server.blobs.get(adapters['adapters.safetensors'])).toEqual(readFileSync(join(pointDir(), 'output', 'adapters.safetensors')));
    expect(store.finetunes.latest(HASH)?.model).toBe(model);

    const tuned = await ollama.create({ ...outcome.provider, baseDir: dir, env: {} });
    const answer = await tuned.generate(makeRequest('hello there'), { signal: liveSignal() });
    expect(answer.output).toBe('echo: hello there');
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/chat', body: { model } });

    // Reused: served again (create is idempotent), no blob sent twice, the trainer not run.
    server.requests.length = 0;
    expect(await backend.train(point(), context())).toMatchObject({ ok: true, reused: true });
    expect(runs()).toBe(1);
    expect(server.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{64}/, 'X')}`)).toEqual([
      'HEAD /api/blobs/sha256:X',
      'HEAD /api/blobs/sha256:X',
      'POST /api/create',
    ]);
  });

  it('a failed serve keeps the training: the next run serves again without training', async () => {
    const broken = createCommandBackend(settings({ serve: serveOllama('{{ output }}/missing.gguf') }));
    const outcome = await broken.train(point(), context());
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/^serving the trained model failed: the adapter .*missing\.gguf does not exist/) });
    expect(store.finetunes.latest(HASH)).toMatchObject({ status: 'succeeded', error: expect.stringContaining('missing.gguf') });

    const fixed = await createCommandBackend(settings({ serve: serveOllama() })).train(point(), context());
    expect(fixed).toMatchObject({ ok: true, reused: true });
    expect(store.finetunes.latest(HASH)).not.toHaveProperty('error');
    expect(runs()).toBe(1);
  });

  it('says when Ollama does not answer', async () => {
    const closed = await startFakeOllama();
    await closed.close();
    const backend = createCommandBackend(settings({ serve: { ollama: { from: 'llama3.2:1b', host: closed.url } } }));
    const reason = `Ollama does not answer at ${closed.url} (is \`ollama serve\` running?)`;
    expect(await backend.train(point(), context())).toMatchObject({ ok: false, reason: expect.stringContaining(reason) });
  });
});
