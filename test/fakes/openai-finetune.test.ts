import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { answerByModel } from './harness.js';
import { fakeFineTuning, startFakeOpenAI } from './openai.js';
import type { FakeServer, FineTuneFake } from './openai.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fineTuneServer(tuning: FineTuneFake = fakeFineTuning()) {
  const server = await startFakeOpenAI({ fineTuning: tuning });
  servers.push(server);
  return { server, tuning, client: new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 }) };
}

const LINES = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';

describe('fake OpenAI fine-tuning', () => {
  it('moves a job one status per retrieve, then answers with the tuned model, which chat serves', async () => {
    const { client, server, tuning } = await fineTuneServer(fakeFineTuning({ polls: { validating_files: 1, queued: 0, running: 2 } }));
    const file = await client.files.create({ file: await toFile(Buffer.from(LINES), 'train.jsonl'), purpose: 'fine-tune' });
    expect(file).toMatchObject({ object: 'file', purpose: 'fine-tune', filename: 'train.jsonl', bytes: Buffer.byteLength(LINES) });
    expect(tuning.files[0]!.bytes.toString('utf8')).toBe(LINES);
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, suffix: 'demo' });
    expect(job).toMatchObject({ object: 'fine_tuning.job', status: 'validating_files', fine_tuned_model: null, trained_tokens: null });
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push((await client.fineTuning.jobs.retrieve(job.id)).status);
    expect(seen).toEqual(['validating_files', 'running', 'running', 'succeeded', 'succeeded']);
    const done = await client.fineTuning.jobs.retrieve(job.id);
    expect(done).toMatchObject({ fine_tuned_model: 'ft:gpt-4o-mini:llmlab-fake::demo', trained_tokens: 12345, hyperparameters: { n_epochs: 3 } });

    server.setBehaviour({ answer: answerByModel({ 'ft:gpt-4o-mini:llmlab-fake::demo': 'tuned' }) });
    const ask = async (model: string) => (await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })).choices[0]?.message.content;
    expect(await ask('ft:gpt-4o-mini:llmlab-fake::demo')).toBe('tuned');
    expect(await ask('gpt-4o-mini')).toBe('echo: hi');
  });

  it('pages events newest first, continuing after a cursor', async () => {
    const { client } = await fineTuneServer();
    const file = await client.files.create({ file: await toFile(Buffer.from(LINES), 'train.jsonl'), purpose: 'fine-tune' });
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    for (let i = 0; i < 4; i++) await client.fineTuning.jobs.retrieve(job.id);
    const first = await client.fineTuning.jobs.listEvents(job.id, { limit: 2 });
    expect(first.data.map((event) => event.message)).toEqual(['The job has successfully completed', `New fine-tuned model created: ft:gpt-4o-mini:llmlab-fake::${job.id}`]);
    expect(first.has_more).toBe(true);
    const all: string[] = [];
    for await (const event of client.fineTuning.jobs.listEvents(job.id, { limit: 2 })) all.push(event.message);
    expect(all.reverse()).toEqual([
      `Created fine-tuning job: ${job.id}`,
      `Validating training file: ${file.id}`,
      'Files validated, moving job to queued state',
      'Fine-tuning job started',
      `New fine-tuned model created: ft:gpt-4o-mini:llmlab-fake::${job.id}`,
      'The job has successfully completed',
    ]);
  });

  it('fails a job with the scripted error, lists jobs by metadata, cancels, and refuses what the API refuses', async () => {
    const error = { code: 'invalid_file_format', message: 'line 3 is not JSON', param: 'training_file' };
    const { client, tuning } = await fineTuneServer(fakeFineTuning({ polls: { validating_files: 1, queued: 0, running: 0 }, outcome: (body) => (body.suffix === 'bad' ? { error } : 'succeeded') }));
    const file = await client.files.create({ file: await toFile(Buffer.from(LINES), 'train.jsonl'), purpose: 'fine-tune' });
    const bad = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, suffix: 'bad', metadata: { run: 'a' } });
    const good = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, suffix: 'good', metadata: { run: 'b' } });
    await client.fineTuning.jobs.retrieve(bad.id);
    expect(await client.fineTuning.jobs.retrieve(bad.id)).toMatchObject({ status: 'failed', error, fine_tuned_model: null });

    const listed = await client.fineTuning.jobs.list({ metadata: { run: 'b' } });
    expect(listed.data.map((job) => job.id)).toEqual([good.id]);
    expect((await client.fineTuning.jobs.list()).data.map((job) => job.id)).toEqual([good.id, bad.id]);

    expect(await client.fineTuning.jobs.cancel(good.id)).toMatchObject({ status: 'cancelled' });
    expect((await client.fineTuning.jobs.retrieve(good.id)).status).toBe('cancelled');
    await expect(client.fineTuning.jobs.cancel(good.id)).rejects.toMatchObject({ status: 400 });
    expect(tuning.cancels).toEqual([good.id, good.id]);

    await expect(client.fineTuning.jobs.retrieve('ftjob-nope')).rejects.toMatchObject({ status: 404 });
    await expect(client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: 'file-nope' })).rejects.toMatchObject({ status: 400 });
    await expect(client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, suffix: 'x'.repeat(65) })).rejects.toMatchObject({ status: 400 });
  });

  it('fails the next retrieves as scripted, and keeps per-server state when none is given', async () => {
    const { client, tuning } = await fineTuneServer(fakeFineTuning({ retrieveFailures: [{ status: 500 }, { reset: true }] }));
    const file = await client.files.create({ file: await toFile(Buffer.from(LINES), 'train.jsonl'), purpose: 'fine-tune' });
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    await expect(client.fineTuning.jobs.retrieve(job.id)).rejects.toMatchObject({ status: 500 });
    await expect(client.fineTuning.jobs.retrieve(job.id)).rejects.toThrow(/Connection error/);
    expect((await client.fineTuning.jobs.retrieve(job.id)).status).toBe('validating_files');
    expect(tuning.jobs[0]!.retrievals).toBe(1); // failed retrieves do not move the job

    const other = await startFakeOpenAI();
    servers.push(other);
    const otherClient = new OpenAI({ apiKey: 'k', baseURL: `${other.url}/v1`, maxRetries: 0 });
    expect((await otherClient.fineTuning.jobs.list()).data).toEqual([]);
  });
});
