/** A cell's rendered request and its response-cache key: shared by the executor and `llmlab plan`. */
import type { ChatMessage, Provider } from '../types.js';
import { responseKey } from './cache-key.js';
import type { PlannedCell } from './plan.js';

/** Chat-API providers send only messages and parameters; every other provider may read vars itself. */
export const MESSAGE_ONLY_PROVIDERS: ReadonlySet<string> = new Set(['openai', 'anthropic', 'ollama']);

/**
 * The cell's rendered request and key; `sent` replaces the rendered messages (a turn of a multi-turn attack,
 * whose key then covers the whole conversation so far).
 */
export function cellRequest(
  cell: PlannedCell,
  provider: Provider,
  sent?: ChatMessage[],
): { messages: ChatMessage[]; prompt: string; key: string } {
  const rendered = sent ? { messages: sent, prompt: sent.map((m) => m.content).join('\n\n') } : cell.prompt.render(cell.test);
  const { messages, prompt } = rendered;
  const key = responseKey({
    providerType: provider.type,
    identity: provider.identity,
    messages,
    prompt,
    vars: cell.test.vars,
    repeatIndex: cell.repeatIndex,
    varsMatter: !MESSAGE_ONLY_PROVIDERS.has(provider.type),
    ...(cell.test.continuations ? { continuations: cell.test.continuations } : {}),
  });
  return { messages, prompt, key };
}
