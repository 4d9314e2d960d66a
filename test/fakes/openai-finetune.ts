/**
 * OpenAI's files and fine-tuning routes for the fake OpenAI server (./openai.ts): `POST /v1/files` (multipart),
 * `POST /v1/fine_tuning/jobs`, `GET /v1/fine_tuning/jobs` (with `metadata[k]=v`), and a job's retrieve, `events`
 * and `cancel`, shaped as the real API answers. A job moves on when it is retrieved, never with the clock: each
 * retrieve answers the next status of the script (`polls`), so a test decides exactly how many polls a job takes.
 * State lives in a {@link FineTuneFake} held by the server's behaviour (`fineTuning`), which a test can read.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from './harness.js';
import type { FakeBehaviour, FakeContext, FakeFailure, FakeRoute } from './harness.js';

type JobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** How a job ends once its polls are spent. */
export type FineTuneOutcome = 'succeeded' | 'cancelled' | { error: { code: string; message: string; param: string | null } };

/** What a fake fine-tuning job does; every field has a default. */
export interface FineTuneScript {
  /** Retrieve calls answered with each status, in this order, before the outcome. Default 1 each. */
  polls: { validating_files: number; queued: number; running: number };
  /** The outcome, or a function of the create request's body choosing it (e.g. by hyperparameters). */
  outcome: FineTuneOutcome | ((body: any) => FineTuneOutcome);
  /** `trained_tokens` of a succeeded job (null before, as the API answers). Default 12345. */
  trainedTokens: number;
  /** Event messages added when a job reaches a status (added to the defaults of that status). */
  events: Partial<Record<JobStatus, string[]>>;
  /** Failures of the next retrieve calls (of any job), first in first out: a 500, a connection reset, … */
  retrieveFailures: FakeFailure[];
}

/** A file as uploaded: the bytes the client sent, with its purpose and name. */
export interface UploadedFile {
  id: string;
  purpose: string;
  filename: string;
  bytes: Buffer;
}

interface FakeEvent {
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  object: 'fine_tuning.job.event';
  data: Record<string, unknown>;
  type: 'message';
}

/** A created job: the create body and what the retrieves made of it. */
export interface FakeJob {
  id: string;
  body: any;
  status: JobStatus;
  retrievals: number;
  events: FakeEvent[];
  createdAt: number;
  finishedAt: number | null;
}

/** The fine-tuning state of one fake server: its script and everything uploaded and created. */
export interface FineTuneFake {
  script: FineTuneScript;
  files: UploadedFile[];
  jobs: FakeJob[];
  /** Cancel requests, by job id, in order. */
  cancels: string[];
}

/** A fresh fine-tuning state; pass it as the server's `fineTuning` behaviour to script and inspect jobs. */
export function fakeFineTuning(script: Partial<FineTuneScript> = {}): FineTuneFake {
  return {
    script: { polls: { validating_files: 1, queued: 1, running: 1 }, outcome: 'succeeded', trainedTokens: 12345, events: {}, retrieveFailures: [], ...script },
    files: [],
    jobs: [],
    cancels: [],
  };
}

type SendError = (res: ServerResponse, status: number, message: string, headers?: Record<string, string>) => void;

const JOB_PATH = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/;

/** The exact-path routes; {@link matchFineTuneRoute} serves the paths with a job id. */
export function fineTuneRoutes(sendError: SendError): Record<string, FakeRoute> {
  return {
    'POST /v1/files': (context) => uploadFile(context, sendError),
    'POST /v1/fine_tuning/jobs': (context) => createJob(context, sendError),
    'GET /v1/fine_tuning/jobs': (context) => listJobs(context),
  };
}

export function matchFineTuneRoute(method: string, path: string, sendError: SendError): FakeRoute | undefined {
  const match = JOB_PATH.exec(path);
  if (!match) return undefined;
  const id = decodeURIComponent(match[1]!);
  const withJob = (handle: (context: FakeContext, job: FakeJob) => void): FakeRoute => (context) => {
    const job = stateOf(context.behaviour).jobs.find((candidate) => candidate.id === id);
    if (job) handle(context, job);
    else sendError(context.res, 404, `No such fine-tuning job: ${id}`);
  };
  if (method === 'GET' && match[2] === undefined) return withJob((context, job) => retrieveJob(context, job, sendError));
  if (method === 'GET' && match[2] === '/events') return withJob(listEvents);
  if (method === 'POST' && match[2] === '/cancel') return withJob((context, job) => cancelJob(context, job, sendError));
  return undefined;
}

/** The behaviour's state, created on first use when a test set none. */
function stateOf(behaviour: FakeBehaviour): FineTuneFake {
  behaviour.fineTuning ??= fakeFineTuning();
  return behaviour.fineTuning;
}

let sequence = 0;
const now = (): number => Math.floor(Date.now() / 1000);

/** Reads a multipart/form-data body (the harness hands it over as text: fine-tune files are JSONL text). */
function multipart(context: FakeContext): Map<string, { filename?: string; value: string }> | undefined {
  const type = context.req.headers['content-type'] ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (!type.startsWith('multipart/form-data') || !boundary || typeof context.body !== 'string') return undefined;
  const fields = new Map<string, { filename?: string; value: string }>();
  for (const part of context.body.split(`--${boundary[1] ?? boundary[2]}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    // The part ends with the CRLF that precedes the next boundary.
    if (name !== undefined) fields.set(name, { ...(filename === undefined ? {} : { filename }), value: part.slice(split + 4, -2) });
  }
  return fields;
}

function uploadFile(context: FakeContext, sendError: SendError): void {
  const fields = multipart(context);
  const file = fields?.get('file');
  const purpose = fields?.get('purpose')?.value;
  if (!file || !purpose) {
    sendError(context.res, 400, "'file' and 'purpose' are required (multipart/form-data)");
    return;
  }
  const uploaded: UploadedFile = { id: `file-fake${++sequence}`, purpose, filename: file.filename ?? 'upload', bytes: Buffer.from(file.value, 'utf8') };
  stateOf(context.behaviour).files.push(uploaded);
  sendJson(context.res, 200, {
    id: uploaded.id,
    object: 'file',
    bytes: uploaded.bytes.length,
    created_at: now(),
    filename: uploaded.filename,
    purpose,
    status: 'processed',
    status_details: null,
  });
}

function createJob(context: FakeContext, sendError: SendError): void {
  const { body, res } = context;
  const state = stateOf(context.behaviour);
  const fileOk = (id: unknown): boolean => state.files.some((file) => file.id === id && file.purpose === 'fine-tune');
  if (typeof body?.model !== 'string') return sendError(res, 400, 'model is required');
  if (!fileOk(body.training_file)) return sendError(res, 400, `invalid training_file: ${String(body.training_file)}`);
  if (body.validation_file != null && !fileOk(body.validation_file)) return sendError(res, 400, `invalid validation_file: ${String(body.validation_file)}`);
  if (body.suffix != null && (typeof body.suffix !== 'string' || body.suffix.length > 64 || !/^[A-Za-z0-9_-]*$/.test(body.suffix))) {
    return sendError(res, 400, 'suffix must be at most 64 characters: letters, digits, - and _');
  }
  const job: FakeJob = { id: `ftjob-fake${++sequence}`, body, status: 'validating_files', retrievals: 0, events: [], createdAt: now(), finishedAt: null };
  addEvents(job, [`Created fine-tuning job: ${job.id}`, `Validating training file: ${body.training_file}`]);
  state.jobs.push(job);
  sendJson(res, 200, jobObject(job, state.script));
}

/** Each retrieve moves the job one step along the script (a failure injected for retrieves answers instead). */
function retrieveJob(context: FakeContext, job: FakeJob, sendError: SendError): void {
  const { script } = stateOf(context.behaviour);
  const failure = script.retrieveFailures.shift();
  if (failure && 'reset' in failure) return void context.req.socket.destroy();
  if (failure && 'status' in failure) return sendError(context.res, failure.status, failure.message ?? 'the server had an error while processing your request');
  if (job.status !== 'succeeded' && job.status !== 'failed' && job.status !== 'cancelled') advance(job, script);
  sendJson(context.res, 200, jobObject(job, script));
}

function advance(job: FakeJob, script: FineTuneScript): void {
  job.retrievals++;
  const steps: JobStatus[] = (['validating_files', 'queued', 'running'] as const).flatMap((status) => new Array<JobStatus>(script.polls[status]).fill(status));
  const outcome = typeof script.outcome === 'function' ? script.outcome(job.body) : script.outcome;
  const next: JobStatus = steps[job.retrievals - 1] ?? (typeof outcome === 'string' ? outcome : 'failed');
  if (next === job.status) return;
  job.status = next;
  const defaults: Record<JobStatus, string[]> = {
    validating_files: [],
    queued: ['Files validated, moving job to queued state'],
    running: ['Fine-tuning job started'],
    succeeded: [`New fine-tuned model created: ${fineTunedModel(job)}`, 'The job has successfully completed'],
    failed: [typeof outcome === 'object' ? outcome.error.message : 'The job failed'],
    cancelled: ['Fine-tuning job cancelled'],
  };
  addEvents(job, [...defaults[next], ...(script.events[next] ?? [])], next === 'failed' ? 'error' : 'info');
  if (next === 'succeeded' || next === 'failed' || next === 'cancelled') job.finishedAt = now();
}

function cancelJob(context: FakeContext, job: FakeJob, sendError: SendError): void {
  const state = stateOf(context.behaviour);
  state.cancels.push(job.id);
  if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') {
    return sendError(context.res, 400, `Job has already completed: ${job.status}`);
  }
  job.status = 'cancelled';
  job.finishedAt = now();
  addEvents(job, ['Fine-tuning job cancelled']);
  sendJson(context.res, 200, jobObject(job, state.script));
}

/** Newest first, `after` an event id continues with older ones, as the API pages them. */
function listEvents(context: FakeContext, job: FakeJob): void {
  sendJson(context.res, 200, page([...job.events].reverse(), context));
}

function listJobs(context: FakeContext): void {
  const state = stateOf(context.behaviour);
  const query = new URL(context.req.url ?? '/', 'http://fake').searchParams;
  const filters = [...query.entries()].flatMap(([key, value]) => {
    const name = /^metadata\[(.+)\]$/.exec(key)?.[1];
    return name === undefined ? [] : [[name, value] as const];
  });
  const jobs = [...state.jobs].reverse().filter((job) => filters.every(([name, value]) => job.body.metadata?.[name] === value));
  sendJson(context.res, 200, page(jobs.map((job) => jobObject(job, state.script)), context));
}

function page<T extends { id: string }>(items: T[], context: FakeContext): object {
  const query = new URL(context.req.url ?? '/', 'http://fake').searchParams;
  const after = query.get('after');
  const limit = Number(query.get('limit') ?? 20);
  const start = after === null ? 0 : items.findIndex((item) => item.id === after) + 1;
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < items.length };
}

function addEvents(job: FakeJob, messages: string[], level: FakeEvent['level'] = 'info'): void {
  for (const message of messages) {
    job.events.push({ id: `ftevent-fake${++sequence}`, created_at: now(), level, message, object: 'fine_tuning.job.event', data: {}, type: 'message' });
  }
}

/** `ft:<base>:llmlab-fake::<suffix or job id>`. */
function fineTunedModel(job: FakeJob): string {
  return `ft:${job.body.model}:llmlab-fake::${job.body.suffix || job.id}`;
}

/** The API's `fine_tuning.job`, with `auto` hyperparameters resolved as the API reports them once chosen. */
function jobObject(job: FakeJob, script: FineTuneScript): { id: string; [field: string]: unknown } {
  const method = job.body.method ?? { type: 'supervised', supervised: { hyperparameters: job.body.hyperparameters ?? {} } };
  const given = method[method.type]?.hyperparameters ?? {};
  const resolve = (value: unknown, auto: number): unknown => (value === undefined || value === 'auto' ? auto : value);
  const hyperparameters = {
    n_epochs: resolve(given.n_epochs, 3),
    batch_size: resolve(given.batch_size, 1),
    learning_rate_multiplier: resolve(given.learning_rate_multiplier, 1.8),
    ...(method.type === 'dpo' ? { beta: resolve(given.beta, 0.1) } : {}),
  };
  const outcome = typeof script.outcome === 'function' ? script.outcome(job.body) : script.outcome;
  return {
    id: job.id,
    object: 'fine_tuning.job',
    created_at: job.createdAt,
    error: job.status === 'failed' && typeof outcome === 'object' ? outcome.error : null,
    fine_tuned_model: job.status === 'succeeded' ? fineTunedModel(job) : null,
    finished_at: job.finishedAt,
    hyperparameters: method.type === 'supervised' ? hyperparameters : {},
    model: job.body.model,
    organization_id: 'org-llmlab-fake',
    result_files: [],
    seed: job.body.seed ?? 42,
    status: job.status,
    trained_tokens: job.status === 'succeeded' ? script.trainedTokens : null,
    training_file: job.body.training_file,
    validation_file: job.body.validation_file ?? null,
    estimated_finish: null,
    integrations: null,
    metadata: job.body.metadata ?? null,
    method: { type: method.type, [method.type]: { hyperparameters } },
  };
}
