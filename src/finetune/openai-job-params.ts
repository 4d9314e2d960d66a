/**
 * What the `openai` backend sends to `fineTuning.jobs.create` for a training point: the method with its
 * hyperparameters in API spelling, a model-name suffix, and metadata that finds the job again after a crash.
 */
import type OpenAI from 'openai';
import { LlmlabError } from '../errors.js';
import { compact } from '../providers/wire-values.js';
import type { Hyperparameter, TrainingPoint } from './types.js';

type JobCreateParams = OpenAI.FineTuning.JobCreateParams;

/** The hyperparameters OpenAI takes, camelCase (as recipes write them) → API name. `beta` is DPO's only. */
export const OPENAI_HYPERPARAMETERS: Readonly<Record<string, string>> = {
  epochs: 'n_epochs',
  batchSize: 'batch_size',
  learningRateMultiplier: 'learning_rate_multiplier',
  beta: 'beta',
};

/** OpenAI allows up to 64 characters in a suffix; the model name then reads `ft:<base>:<org>:<suffix>:<id>`. */
const MAX_SUFFIX = 64;

/** Throws CONFIG_INVALID when OpenAI cannot take the point's method and hyperparameters. */
export function checkHyperparameters(point: TrainingPoint): void {
  methodOf(point);
}

/** The create request for a point whose files are uploaded (`files.train`, maybe `files.validation`). */
export function jobCreateParams(point: TrainingPoint, files: Record<string, string>, attempt: number): JobCreateParams {
  const method = methodOf(point);
  return {
    model: point.base.model,
    training_file: files['train']!,
    ...(files['validation'] ? { validation_file: files['validation'] } : {}),
    suffix: suffixOf(point),
    method,
    // Found again by these when a run died between creating the job and storing its id (openai-backend.ts).
    metadata: { llmlab_hash: point.hash.slice(0, 512), llmlab_attempt: String(attempt) },
  };
}

/**
 * The recipe id and sweep point in the characters a model name allows, at most 64: `support-v2`,
 * `support-v2-epochs-2-batchSize-8`. It tells a sweep's models apart in OpenAI's dashboard.
 */
export function suffixOf(point: Pick<TrainingPoint, 'recipeId' | 'point'>): string {
  const raw = point.point === '' ? point.recipeId : `${point.recipeId}-${point.point}`;
  return raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_SUFFIX);
}

/** `{ type, <type>: { hyperparameters } }`, camelCase keys in API spelling, `auto` passed on as `auto`. */
function methodOf(point: TrainingPoint): NonNullable<JobCreateParams['method']> {
  const hyperparameters = compact(
    Object.fromEntries(Object.entries(point.hyperparameters).map(([key, value]) => [apiName(key, point), apiValue(key, value)])),
  );
  return point.method === 'dpo' ? { type: 'dpo', dpo: { hyperparameters } } : { type: 'supervised', supervised: { hyperparameters } };
}

function apiName(key: string, point: TrainingPoint): string {
  const name = OPENAI_HYPERPARAMETERS[key];
  if (name === undefined || (name === 'beta' && point.method !== 'dpo')) {
    const allowed = Object.keys(OPENAI_HYPERPARAMETERS).filter((k) => k !== 'beta' || point.method === 'dpo');
    throw new LlmlabError('CONFIG_INVALID', `fine-tune ${point.recipeId}: OpenAI's ${point.method} fine-tuning has no hyperparameter ${key}`, {
      hint: `use ${allowed.join(', ')} (each a number or auto)`,
    });
  }
  return name;
}

function apiValue(key: string, value: Hyperparameter): number | 'auto' {
  if (typeof value === 'number' || value === 'auto') return value;
  throw new LlmlabError('CONFIG_INVALID', `fine-tune hyperparameter ${key} is ${JSON.stringify(value)}; OpenAI takes a number or auto`, {
    hint: `write ${key}: auto to let OpenAI choose`,
  });
}
