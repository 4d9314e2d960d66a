/** Which backend trains a recipe; each is loaded on first use (the OpenAI SDK is not every run's startup cost). */
import type { ResolvedFinetune } from '../config/types.js';
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
