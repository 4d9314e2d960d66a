/**
 * What an OpenAI-wire provider (openai, its vendors, Azure; anthropic shares the extraBody rule) accepts as the model it calls: the id's model part
 * (./provider-infixes.ts), and no `extraBody` key that would replace the model or the messages llmlab sends.
 */
import type { ParsedModel } from '../types.js';
import { responsesConfigError } from './openai-responses.js';
import { parseModelPart } from './provider-infixes.js';
import type { ModelRules } from './provider-infixes.js';

/** Fields of the request body llmlab always sets itself; `extraBody` cannot replace them. */
const RESERVED_BODY_KEYS = ['model', 'messages'];

/**
 * parseModel for the OpenAI wire format (openai, its vendors, Azure): the id's model part, and no `extraBody` key
 * that would send another model or other messages than the id and the prompt say, and no config key the
 * Responses API has no parameter for when the id or `api` chooses it.
 */
export function parseOpenAIModel(type: string, model: string, config: Record<string, unknown>, rules: ModelRules): ParsedModel {
  const extra = config['extraBody'];
  const taken = RESERVED_BODY_KEYS.filter((key) => typeof extra === 'object' && extra !== null && Object.hasOwn(extra, key));
  if (taken.length > 0) {
    return {
      error: `config.extraBody sets ${taken.map((key) => `\`${key}\``).join(' and ')}, which llmlab sends itself`,
      hint: 'the model comes from the id and the messages from the prompt: remove them from extraBody',
    };
  }
  const parsed = parseModelPart(type, model, config, rules);
  if ('model' in parsed && (parsed.config?.['api'] ?? config['api']) === 'responses') {
    return responsesConfigError(`${type}:${model}`, config) ?? parsed;
  }
  return parsed;
}

/** `extraBody` without the fields llmlab owns (parseModel refuses them; a direct `create` call is not checked). */
export function extraBodyOf(config: { extraBody?: Record<string, unknown> }): Record<string, unknown> {
  const extra = { ...config.extraBody };
  for (const key of RESERVED_BODY_KEYS) delete extra[key];
  return extra;
}
