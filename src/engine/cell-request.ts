/** A cell's rendered request and its response-cache key: shared by the executor and `llmlab plan`. */
import { openaiVendorTypes } from '../providers/openai-vendors.js';
import type { ChatMessage, GenerateRequest, Provider } from '../types.js';
import { responseKey } from './cache-key.js';
import type { PlannedCell } from './plan.js';

/** Chat-API providers send only messages and parameters; every other provider may read vars itself. */
export const MESSAGE_ONLY_PROVIDERS: ReadonlySet<string> = new Set(['openai', 'anthropic', 'ollama', 'azure', 'bedrock', ...openaiVendorTypes]);

/**
 * The cell's rendered request and key; `sent` replaces the rendered messages (a turn of a multi-turn attack,
 * whose key then covers the whole conversation so far).
 */
export function cellRequest(
  cell: PlannedCell,
  provider: Provider,
  sent?: ChatMessage[],
): { messages: ChatMessage[]; prompt: string; key: string } & Pick<GenerateRequest, 'tools' | 'toolChoice' | 'logprobs'> {
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
    ...toolsOf(cell),
    ...logprobsOf(cell),
  });
  return { messages, prompt, key, ...toolsOf(cell), ...logprobsOf(cell) };
}

/**
 * `logprobs: true` when an assertion of the test reads the output's token log-probabilities (its metric declares
 * `needs.logprobs`); absent otherwise, so every other request keeps its cache key.
 */
function logprobsOf(cell: PlannedCell): Pick<GenerateRequest, 'logprobs'> {
  return cell.test.assert.some((assertion) => assertion.needs?.logprobs) ? { logprobs: true } : {};
}

/** The prompt's tools as request fields; none at all when it declares none, so older cache keys stay valid. */
function toolsOf(cell: PlannedCell): Pick<GenerateRequest, 'tools' | 'toolChoice'> {
  const { tools, toolChoice } = cell.prompt;
  return { ...(tools ? { tools } : {}), ...(toolChoice === undefined ? {} : { toolChoice }) };
}

/**
 * What a call's input tokens are counted over (estimates, budget reservations): its messages and, when it declares
 * tools, their JSON, which the APIs bill as input too.
 */
export function countedMessages(messages: ChatMessage[], tools: GenerateRequest['tools']): ChatMessage[] {
  return tools ? [...messages, { role: 'system', content: JSON.stringify(tools) }] : messages;
}
