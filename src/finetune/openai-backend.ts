/**
 * `backend: openai`: trains a point through OpenAI's fine-tuning API with the official SDK, on the base
 * provider's own connection (baseUrl, apiKeyEnv, organization, headers: providers/openai-connect.ts).
 *
 * Every step is stored before the next one starts, so no run ever pays twice: the uploaded file ids before the
 * job is created, the job id before the first poll. A point whose latest attempt succeeded is reused without a
 * call; one whose attempt is still open re-attaches (a run killed mid-training, then `--resume`); one that failed
 * or was cancelled gets a new attempt. The API key never reaches a message, an event or the store: every text
 * from the API goes through `clean` with the key as a secret.
 */
import { createReadStream } from 'node:fs';
import type OpenAI from 'openai';
import { LlmlabError } from '../errors.js';
import { connectOpenAI } from '../providers/openai-connect.js';
import { toProviderError } from '../providers/sdk-errors.js';
import type { FinetuneJobRecord } from '../store/index.js';
import { isFinalJobStatus } from '../store/index.js';
import { checkHyperparameters, jobCreateParams } from './openai-job-params.js';
import { linked, storedStatus, watchJob } from './openai-job-watch.js';
import type { StageContext, TrainingBackend, TrainingOutcome, TrainingPoint } from './types.js';

/** The resolved base provider (config/types.ts's ResolvedProvider, named through the contract, not imported). */
type ResolvedProvider = TrainingPoint['base'];

/** What one step against the API needs. */
interface Session {
  client: OpenAI;
  secrets: ReadonlyArray<string | undefined>;
  point: TrainingPoint;
  context: StageContext;
}

/** The OpenAI training backend. */
export const openaiBackend: TrainingBackend = {
  async train(point, context) {
    const latest = context.jobs.latest(point.hash);
    if (latest?.status === 'succeeded' && latest.model) {
      const tokens = latest.trainedTokens === undefined ? {} : { trainedTokens: latest.trainedTokens };
      context.emit({ label: point.label, stage: 'train', status: 'reused', jobId: latest.jobId, jobStatus: 'succeeded', ...tokens, message: `reusing ${latest.model}` });
      return { ok: true, provider: tunedProvider(point, latest.model), record: latest, reused: true };
    }
    checkHyperparameters(point); // a recipe OpenAI cannot take is refused before anything is stored or sent
    const { client, secrets } = await connect(point.base, context);
    const session: Session = { client, secrets, point, context };
    let record =
      latest && !isFinalJobStatus(latest.status)
        ? latest
        : context.jobs.start({ hash: point.hash, recipeId: point.recipeId, label: point.label, backend: 'openai', estimatedUsd: point.estimatedUsd });
    if (record.jobId === undefined) {
      const created = await createJob(record, session);
      if ('ok' in created) return created;
      record = created;
    }
    const end = await watchJob(record, { client, secrets, label: point.label, context });
    return end.ok ? { ok: true, provider: tunedProvider(point, end.record.model), record: end.record, reused: false } : end;
  },

  async cancel(record, context) {
    if (!record.jobId) {
      throw new LlmlabError('USAGE', `${record.label} (attempt ${record.attempt}) has no OpenAI job to cancel: it stopped before the job was created`, {
        hint: 'nothing trains on OpenAI for it; the next run goes on from its uploaded files',
      });
    }
    const { client, secrets } = await connect(context.base, context);
    const jobId = record.jobId;
    try {
      const job = await client.fineTuning.jobs.cancel(jobId);
      return context.jobs.update(record.hash, record.attempt, { status: storedStatus(job.status), error: `cancelled with llmlab finetune cancel ${jobId}` });
    } catch (error) {
      const failure = toProviderError(error, { api: 'OpenAI', secrets });
      // A job that ended meanwhile cannot be cancelled: store how it ended instead of failing.
      const job = await client.fineTuning.jobs.retrieve(jobId).catch(() => undefined);
      if (job && isFinalJobStatus(storedStatus(job.status))) {
        const model = job.fine_tuned_model ?? undefined;
        return context.jobs.update(record.hash, record.attempt, { status: storedStatus(job.status), ...(model ? { model } : {}) });
      }
      throw failure;
    }
  },
};

/**
 * Uploads what is not uploaded yet and creates the job; returns the record with its `jobId`, or how it ended
 * (a failed call, or Ctrl-C before the job existed).
 */
async function createJob(record: FinetuneJobRecord, session: Session): Promise<FinetuneJobRecord | TrainingOutcome> {
  const { client, point, context } = session;
  const step = { label: point.label, stage: 'upload' as const };
  try {
    const resumed = record.files?.['train'] !== undefined;
    record = await upload(record, session);
    // A run killed between creating the job and storing its id left the job behind: find it by its metadata.
    const found = resumed ? await findCreated(record, session) : undefined;
    const params = jobCreateParams(point, record.files ?? {}, record.attempt);
    const job = found ?? (await linked(context.stop, (signal) => client.fineTuning.jobs.create(params, { signal })));
    record = context.jobs.update(record.hash, record.attempt, { jobId: job.id, status: storedStatus(job.status) });
    context.emit({ label: point.label, stage: 'train', status: 'start', jobId: job.id, jobStatus: job.status, message: found ? `re-attached to ${job.id}` : `created ${job.id}` });
    return record;
  } catch (error) {
    if (context.stop.aborted) {
      context.emit({ ...step, status: 'detached', message: 'stopped before the fine-tuning job was created; `llmlab eval <suite> --resume` goes on from the uploaded files' });
      return { ok: false, interrupted: true, record: context.jobs.latest(record.hash) ?? record };
    }
    const reason = `could not start the OpenAI fine-tuning job: ${toProviderError(error, { api: 'OpenAI', secrets: session.secrets }).message}`;
    const stored = context.jobs.update(record.hash, record.attempt, { status: 'failed', error: reason });
    context.emit({ ...step, status: 'failed', message: reason });
    return { ok: false, reason, record: stored };
  }
}

/** Uploads the train (and validation) file not uploaded yet, storing each id as soon as OpenAI gives it. */
async function upload(record: FinetuneJobRecord, { client, point, context }: Session): Promise<FinetuneJobRecord> {
  const files: Record<string, string> = { ...record.files };
  const roles = Object.entries(point.data).filter(([role, path]) => path !== undefined && files[role] === undefined) as Array<[string, string]>;
  if (roles.length === 0) return record;
  context.emit({ label: point.label, stage: 'upload', status: 'start', message: `uploading ${roles.map(([role]) => role).join(' and ')} data` });
  for (const [role, path] of roles) {
    const file = await linked(context.stop, (signal) => client.files.create({ file: createReadStream(path), purpose: 'fine-tune' }, { signal }));
    files[role] = file.id;
    record = context.jobs.update(record.hash, record.attempt, { files });
  }
  context.emit({ label: point.label, stage: 'upload', status: 'done', message: Object.entries(files).map(([role, id]) => `${role} ${id}`).join(', ') });
  return record;
}

/** The job an earlier run created for this very attempt, if OpenAI lists one. */
async function findCreated(record: FinetuneJobRecord, { client, point, context }: Session): Promise<OpenAI.FineTuning.FineTuningJob | undefined> {
  const { metadata } = jobCreateParams(point, record.files ?? {}, record.attempt);
  const page = await linked(context.stop, (signal) => client.fineTuning.jobs.list({ limit: 10, metadata: metadata as Record<string, string> }, { signal }));
  return page.data.find((job) => job.metadata?.['llmlab_hash'] === metadata?.['llmlab_hash'] && job.metadata?.['llmlab_attempt'] === String(record.attempt));
}

/** The base provider's connection; a missing API key is the user's to fix (CONFIG_INVALID, exit 2). */
async function connect(base: ResolvedProvider, context: Pick<StageContext, 'env'> & { baseDir?: string }) {
  if (base.type !== 'openai') {
    throw new LlmlabError('CONFIG_INVALID', `backend openai fine-tunes OpenAI models only, and the base ${base.label} is ${base.id}`, {
      hint: 'set base to an openai:<model> provider, or use backend: command with your own trainer',
    });
  }
  const { id, type, model, label, config } = base;
  const connection = await connectOpenAI({ id, type, model, label, config, baseDir: context.baseDir ?? '', env: context.env });
  return { client: connection.client, secrets: connection.secrets };
}

/** The tuned model as a provider: the base's type and config (same endpoint, key, sampling), the trained model. */
function tunedProvider(point: TrainingPoint, model: string): ResolvedProvider {
  return { ...point.base, model, label: point.label, id: `${point.base.type}:${model}` };
}
