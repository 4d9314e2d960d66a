/**
 * Follows one OpenAI fine-tuning job until it ends: polls `retrieve` with a growing interval, streams the job's
 * new events, and stores every status change, so the stored record is never behind what the live view showed.
 * Polls that fail on the network, a 5xx or a 429 are retried (the SDK client does not retry: connectOpenAI sets
 * maxRetries 0); Ctrl-C stops the wait at once and leaves the job running.
 */
import type OpenAI from 'openai';
import { ProviderError } from '../errors.js';
import type { LlmlabError } from '../errors.js';
import { clean, toProviderError } from '../providers/sdk-errors.js';
import { delay } from '../providers/simulated.js';
import type { FinetuneJobRecord, FinetuneJobStatus } from '../store/index.js';
import type { StageContext, StageProgress } from './types.js';

/** Consecutive failed polls after which the job is given up on (it may still run: a resume re-attaches). */
export const MAX_POLL_FAILURES = 10;
/** Newest events read per poll; more arriving between two polls are skipped (they are only shown). */
const EVENT_PAGE = 50;

type Job = OpenAI.FineTuning.FineTuningJob;

/** How following a job ended. `succeeded`: `record.model` is the tuned model. */
export type WatchResult =
  | { ok: true; record: FinetuneJobRecord & { model: string } }
  | { ok: false; interrupted: true; record: FinetuneJobRecord }
  | { ok: false; interrupted?: false; reason: string; record: FinetuneJobRecord };

export interface WatchOptions {
  client: OpenAI;
  /** Values never shown or stored (the API key). */
  secrets: ReadonlyArray<string | undefined>;
  /** The provider label progress is reported under. */
  label: string;
  context: Pick<StageContext, 'jobs' | 'emit' | 'stop' | 'poll'>;
}

/** Polls the job of `record` (which has a `jobId`) until it succeeds, fails, is cancelled, or `stop` aborts. */
export async function watchJob(record: FinetuneJobRecord, options: WatchOptions): Promise<WatchResult> {
  const { client, secrets, label, context } = options;
  const { jobs, stop, poll } = context;
  const jobId = record.jobId!;
  const emit = (progress: Omit<StageProgress, 'label' | 'stage' | 'jobId'>): void => context.emit({ label, stage: 'train', jobId, ...progress });
  const events = eventFeed(client, jobId, stop, secrets);
  let delay = poll.initialMs;
  let failures = 0;
  let seen: { status?: string; tokens?: number | null } = {};
  for (;;) {
    if (stop.aborted) return detached(record, emit);
    let job: Job;
    try {
      job = await linked(stop, (signal) => client.fineTuning.jobs.retrieve(jobId, { signal }));
      failures = 0;
    } catch (error) {
      if (stop.aborted) return detached(record, emit);
      const failure = toProviderError(error, { api: 'OpenAI', secrets });
      failures++;
      if (!isRetryable(failure) || failures >= MAX_POLL_FAILURES) return lost(record, failure, failures, options);
      emit({ status: 'progress', message: `polling failed (${failure.message}); retrying` });
      await pause(Math.max(delay, retryAfterOf(failure)), stop);
      delay = Math.min(poll.maxMs, delay * 1.5);
      continue;
    }
    const changed = job.status !== seen.status || job.trained_tokens !== seen.tokens;
    if (changed) {
      seen = { status: job.status, tokens: job.trained_tokens };
      const status = storedStatus(job.status);
      const tokens = job.trained_tokens ?? undefined;
      if (status !== record.status || tokens !== record.trainedTokens) {
        record = jobs.update(record.hash, record.attempt, { status, ...(tokens === undefined ? {} : { trainedTokens: tokens }) });
      }
      emit({ status: 'progress', jobStatus: job.status, ...(tokens === undefined ? {} : { trainedTokens: tokens }) });
    }
    for (const message of await events.next()) emit({ status: 'progress', jobStatus: job.status, message });
    if (job.status === 'succeeded') return succeeded(record, job, options);
    if (job.status === 'failed' || job.status === 'cancelled') return ended(record, job, options);
    await pause(delay, stop);
    // A job that moved is polled closely again; a job that sits waits longer each time.
    delay = changed ? poll.initialMs : Math.min(poll.maxMs, delay * 1.5);
  }
}

/** The store's status for the API's: `validating_files` is still waiting, as `queued` is. */
export function storedStatus(status: string): FinetuneJobStatus {
  if (status === 'validating_files' || status === 'queued') return 'queued';
  if (status === 'succeeded' || status === 'failed' || status === 'cancelled') return status;
  return 'running'; // running, and states newer than this SDK (paused) that a resume should re-attach to
}

function succeeded(record: FinetuneJobRecord, job: Job, { context, label, secrets }: WatchOptions): WatchResult {
  const model = job.fine_tuned_model;
  if (!model) {
    const reason = `OpenAI reports job ${job.id} succeeded without a fine_tuned_model`;
    const stored = context.jobs.update(record.hash, record.attempt, { status: 'failed', error: reason });
    context.emit({ label, stage: 'train', status: 'failed', jobId: job.id, jobStatus: job.status, message: reason });
    return { ok: false, reason, record: stored };
  }
  const tokens = job.trained_tokens ?? undefined;
  const stored = context.jobs.update(record.hash, record.attempt, { status: 'succeeded', model, ...(tokens === undefined ? {} : { trainedTokens: tokens }) });
  context.emit({
    label,
    stage: 'train',
    status: 'done',
    jobId: job.id,
    jobStatus: job.status,
    ...(tokens === undefined ? {} : { trainedTokens: tokens }),
    message: clean(`trained ${model}`, secrets),
  });
  return { ok: true, record: { ...stored, model } };
}

/** A job that failed or was cancelled: the API's reason is stored and returned. */
function ended(record: FinetuneJobRecord, job: Job, { context, label, secrets }: WatchOptions): WatchResult {
  const error = job.error;
  const detail = error?.message ? `: ${error.message}${error.code ? ` (${[error.code, error.param && `param ${error.param}`].filter(Boolean).join(', ')})` : ''}` : '';
  const reason = clean(job.status === 'cancelled' ? `OpenAI fine-tuning job ${job.id} was cancelled` : `OpenAI fine-tuning job ${job.id} failed${detail}`, secrets);
  const stored = context.jobs.update(record.hash, record.attempt, { status: storedStatus(job.status), error: reason });
  context.emit({ label, stage: 'train', status: 'failed', jobId: job.id, jobStatus: job.status, message: reason });
  return { ok: false, reason, record: stored };
}

/**
 * Polling gave up. The job may well still run, so the record keeps its status and a resume re-attaches; only a
 * job the API does not know (404) is stored as failed, so the next run starts a new one.
 */
function lost(record: FinetuneJobRecord, failure: LlmlabError, failures: number, { context, label }: WatchOptions): WatchResult {
  const gone = failure instanceof ProviderError && failure.status === 404;
  const after = failures > 1 ? ` (${failures} polls in a row failed)` : '';
  const reason = gone
    ? `OpenAI does not know fine-tuning job ${record.jobId}: ${failure.message}`
    : `lost track of OpenAI fine-tuning job ${record.jobId}${after}: ${failure.message}; it may still run: \`llmlab eval <suite> --resume\` re-attaches`;
  const stored = gone ? context.jobs.update(record.hash, record.attempt, { status: 'failed', error: reason }) : record;
  context.emit({ label, stage: 'train', status: 'failed', jobId: record.jobId, message: reason });
  return { ok: false, reason, record: stored };
}

function detached(record: FinetuneJobRecord, emit: (progress: Omit<StageProgress, 'label' | 'stage' | 'jobId'>) => void): WatchResult {
  const id = record.jobId!;
  emit({
    status: 'detached',
    message: `job ${id} keeps running on OpenAI: cancel it with \`llmlab finetune cancel ${id}\`, or re-attach with \`llmlab eval <suite> --resume\``,
  });
  return { ok: false, interrupted: true, record };
}

/** The job's events not shown yet, oldest first, one line each. A failed read shows none this time. */
function eventFeed(client: OpenAI, jobId: string, stop: AbortSignal, secrets: ReadonlyArray<string | undefined>) {
  let lastId: string | undefined;
  return {
    async next(): Promise<string[]> {
      let page: OpenAI.FineTuning.Jobs.FineTuningJobEvent[];
      try {
        page = (await linked(stop, (signal) => client.fineTuning.jobs.listEvents(jobId, { limit: EVENT_PAGE }, { signal }))).data;
      } catch {
        return []; // events only inform; the status poll decides, and retries its own failures
      }
      const seenAt = lastId === undefined ? -1 : page.findIndex((event) => event.id === lastId);
      const fresh = page.slice(0, seenAt < 0 ? page.length : seenAt).reverse();
      if (page[0]) lastId = page[0].id;
      return fresh.map((event) => clean(event.level === 'info' ? event.message : `${event.level}: ${event.message}`, secrets));
    },
  };
}

function isRetryable(error: LlmlabError): boolean {
  return error instanceof ProviderError && error.retryable;
}

function retryAfterOf(error: LlmlabError): number {
  return error instanceof ProviderError ? (error.retryAfterMs ?? 0) : 0;
}

/**
 * Runs one request on a signal of its own that `stop` aborts. The SDK never removes the listener it adds to the
 * signal it is given, and a job polled for hours would pile thousands of them onto `stop`.
 */
export async function linked<T>(stop: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = (): void => controller.abort(stop.reason);
  if (stop.aborted) abort();
  else stop.addEventListener('abort', abort, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    stop.removeEventListener('abort', abort);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts: Ctrl-C must not wait out a long poll interval. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  // The caller reads `signal` after the wait: an abort is an early end here, not an error.
  return delay(ms, signal).catch(() => undefined);
}
