/** Which backend trains a recipe; each is loaded on first use (the OpenAI SDK is not every run's startup cost). */
import type { ResolvedFinetune } from '../config/types.js';
import type { FinetuneJobRecord } from '../store/index.js';
import type { CommandSettings, TrainingBackend } from './types.js';

/** The backend of a recipe: OpenAI's fine-tuning API, or the recipe's local trainer command. */
export async function backendFor(recipe: Pick<ResolvedFinetune, 'backend' | 'command'>): Promise<TrainingBackend> {
  if (recipe.backend === 'command') {
    const { createCommandBackend } = await import('./command-backend.js');
    return createCommandBackend(recipe.command as CommandSettings);
  }
  const { openaiBackend } = await import('./openai-backend.js');
  return openaiBackend;
}

/**
 * Cancels a stored job by its own backend (`llmlab finetune cancel`): a local trainer needs only the record; an
 * OpenAI job needs a client, built from `context.base` as the recipe's base provider would build it.
 */
export async function cancelJob(record: FinetuneJobRecord, context: Parameters<TrainingBackend['cancel']>[1]): Promise<FinetuneJobRecord> {
  if (record.backend === 'command') return (await import('./command-backend.js')).cancelTrainer(record, context.jobs);
  return (await import('./openai-backend.js')).openaiBackend.cancel(record, context);
}
