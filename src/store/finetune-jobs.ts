/**
 * Fine-tune job state: one row per attempt of a training point (a recipe, or one point of its sweep), keyed by the
 * point's content hash. The finetune stages write the provider's job id here before they first poll it, so a
 * process killed mid-training can re-attach (`--resume`) and `llmlab finetune cancel` can find the job.
 */
import type { Db } from './db.js';

/** Where a job is. `succeeded`, `failed` and `cancelled` are final. */
export type FinetuneJobStatus = 'uploading' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One attempt of a training point, as stored. */
export interface FinetuneJobRecord {
  /** Content hash of the training point: data hashes, base model, method, hyperparameters, backend. */
  hash: string;
  /** 1 for the first attempt; a point whose attempt failed or was cancelled is tried again with attempt + 1. */
  attempt: number;
  recipeId: string;
  /** The provider label the tuned model is evaluated under (`finetune:support-v2`, `finetune:support-v2[epochs=2]`). */
  label: string;
  backend: 'openai' | 'command';
  status: FinetuneJobStatus;
  /** The backend's job id (OpenAI `ftjob-…`); a command backend's process id while it runs. */
  jobId?: string;
  /** The trained model: OpenAI's `ft:…` id, or the served model's name for a command backend. */
  model?: string;
  /** A command backend's output directory (absolute). */
  artifact?: string;
  /** Uploaded file ids by role (`train`, `validation`), so a resumed upload is not repeated. */
  files?: Record<string, string>;
  trainedTokens?: number;
  /** The training cost estimated before the upload, USD. */
  estimatedUsd?: number;
  /** Why the job failed, as the backend said it. */
  error?: string;
  createdAt: number;
  updatedAt: number;
}

/** The fields a stage may change after the row exists. */
export type FinetuneJobPatch = Partial<Pick<FinetuneJobRecord, 'status' | 'jobId' | 'model' | 'artifact' | 'files' | 'trainedTokens' | 'error'>>;

interface JobRow {
  hash: string;
  attempt: number;
  recipe_id: string;
  label: string;
  backend: string;
  status: string;
  job_id: string | null;
  model: string | null;
  artifact: string | null;
  files: string | null;
  trained_tokens: number | null;
  estimated_usd: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

function fromRow(row: JobRow): FinetuneJobRecord {
  return {
    hash: row.hash,
    attempt: row.attempt,
    recipeId: row.recipe_id,
    label: row.label,
    backend: row.backend as FinetuneJobRecord['backend'],
    status: row.status as FinetuneJobStatus,
    ...(row.job_id === null ? {} : { jobId: row.job_id }),
    ...(row.model === null ? {} : { model: row.model }),
    ...(row.artifact === null ? {} : { artifact: row.artifact }),
    ...(row.files === null ? {} : { files: JSON.parse(row.files) as Record<string, string> }),
    ...(row.trained_tokens === null ? {} : { trainedTokens: row.trained_tokens }),
    ...(row.estimated_usd === null ? {} : { estimatedUsd: row.estimated_usd }),
    ...(row.error === null ? {} : { error: row.error }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** True for a status no poll will change. */
export function isFinalJobStatus(status: FinetuneJobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** Read/write access to fine-tune jobs. */
export function createFinetuneJobStore(db: Db) {
  const latest = db.prepare<[string], JobRow>('SELECT * FROM finetune_jobs WHERE hash = ? ORDER BY attempt DESC LIMIT 1');
  const byJob = db.prepare<[string], JobRow>('SELECT * FROM finetune_jobs WHERE job_id = ? ORDER BY updated_at DESC LIMIT 1');
  const byRecipe = db.prepare<[string], JobRow>('SELECT * FROM finetune_jobs WHERE recipe_id = ? ORDER BY updated_at DESC');
  const all = db.prepare<[], JobRow>('SELECT * FROM finetune_jobs ORDER BY updated_at DESC');
  const insert = db.prepare(
    `INSERT INTO finetune_jobs (hash, attempt, recipe_id, label, backend, status, estimated_usd, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    /** The newest attempt of a training point. */
    latest(hash: string): FinetuneJobRecord | undefined {
      const row = latest.get(hash);
      return row && fromRow(row);
    },
    /** The attempt holding a backend job id (`ftjob-…`). */
    byJobId(jobId: string): FinetuneJobRecord | undefined {
      const row = byJob.get(jobId);
      return row && fromRow(row);
    },
    /** Every attempt of a recipe, newest first. */
    ofRecipe(recipeId: string): FinetuneJobRecord[] {
      return byRecipe.all(recipeId).map(fromRow);
    },
    /** Every attempt, newest first (`llmlab finetune list`). */
    list(): FinetuneJobRecord[] {
      return all.all().map(fromRow);
    },
    /** Starts a new attempt of a point (after the latest one), in status `uploading`. */
    start(job: Pick<FinetuneJobRecord, 'hash' | 'recipeId' | 'label' | 'backend'> & { estimatedUsd?: number }): FinetuneJobRecord {
      const attempt = (latest.get(job.hash)?.attempt ?? 0) + 1;
      const now = Date.now();
      insert.run(job.hash, attempt, job.recipeId, job.label, job.backend, 'uploading', job.estimatedUsd ?? null, now, now);
      return fromRow(latest.get(job.hash)!);
    },
    /** Changes an attempt's fields; returns the stored record. */
    update(hash: string, attempt: number, patch: FinetuneJobPatch): FinetuneJobRecord {
      const sets: string[] = [];
      const values: unknown[] = [];
      const column: Record<keyof FinetuneJobPatch, string> = {
        status: 'status', jobId: 'job_id', model: 'model', artifact: 'artifact', files: 'files', trainedTokens: 'trained_tokens', error: 'error',
      };
      for (const [key, name] of Object.entries(column) as Array<[keyof FinetuneJobPatch, string]>) {
        if (!(key in patch)) continue;
        const value = patch[key];
        sets.push(`${name} = ?`);
        values.push(value === undefined ? null : key === 'files' ? JSON.stringify(value) : value);
      }
      sets.push('updated_at = ?');
      values.push(Date.now());
      db.prepare(`UPDATE finetune_jobs SET ${sets.join(', ')} WHERE hash = ? AND attempt = ?`).run(...values, hash, attempt);
      return fromRow(db.prepare<[string, number], JobRow>('SELECT * FROM finetune_jobs WHERE hash = ? AND attempt = ?').get(hash, attempt)!);
    },
  };
}

export type FinetuneJobStore = ReturnType<typeof createFinetuneJobStore>;
