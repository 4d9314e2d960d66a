/**
 * The serve step of a command backend: how a trainer's output directory becomes a provider. Its templates are
 * rendered before the trainer starts ({@link planServe}), so a typo fails in a second instead of after hours of
 * training; {@link serveArtifact} then does the one network step there is (creating an Ollama model).
 */
import { LlmlabError } from '../errors.js';
import { isProviderType, parseProviderId, providerTypes } from '../providers/index.js';
import { renderCommandTemplate, renderDeep } from './command-template.js';
import { createOllamaModel, DEFAULT_OLLAMA_HOST, ollamaUrl } from './ollama-create.js';
import type { CommandTemplateVars, ServeSettings, TrainingPoint } from './types.js';

/** A resolved provider, named through the point (finetune/ may not import config/, not even its types). */
type ResolvedProvider = TrainingPoint['base'];

/** A serve step with its templates rendered. */
export type ServePlan =
  | { kind: 'ollama'; host: string; model: string; from: string; adapter: string }
  | { kind: 'provider'; id: string; type: string; model: string; config: Record<string, unknown> };

/**
 * Renders a point's serve settings. Throws TEMPLATE_ERROR for an undefined variable and UNKNOWN_PROVIDER for a
 * provider type llmlab does not have.
 */
export function planServe(
  settings: ServeSettings,
  vars: CommandTemplateVars,
  env: Readonly<Record<string, string | undefined>>,
): ServePlan {
  if ('ollama' in settings) {
    const { from, model, host, adapter } = settings.ollama;
    const render = (text: string, key: string) => renderCommandTemplate(text, vars, `command.serve.ollama.${key}`);
    return {
      kind: 'ollama',
      host: ollamaUrl(host === undefined ? env['OLLAMA_HOST'] || DEFAULT_OLLAMA_HOST : render(host, 'host')),
      // The hash keeps every point (and every change of the data) a model of its own.
      model: model === undefined ? `llmlab-${vars.id}-${vars.hash}` : render(model, 'model'),
      from: render(from, 'from'),
      adapter: adapter === undefined ? vars.output : render(adapter, 'adapter'),
    };
  }
  const id = renderCommandTemplate(settings.provider.id, vars, 'command.serve.provider.id');
  const { type, model } = parseProviderId(id);
  if (!isProviderType(type)) {
    throw new LlmlabError('UNKNOWN_PROVIDER', `command.serve.provider.id: unknown provider type \`${type}\` in \`${id}\``, {
      hint: `write <type>:<model> with one of ${providerTypes.join(', ')} (e.g. openai:my-lora with config.baseUrl for a llama.cpp or vLLM server)`,
    });
  }
  const config = renderDeep(settings.provider.config ?? {}, vars, 'command.serve.provider.config') as Record<string, unknown>;
  return { kind: 'provider', id, type, model, config };
}

/** The tuned model as a provider; for `ollama`, after creating the model from the adapter. */
export async function serveArtifact(plan: ServePlan, point: TrainingPoint, signal?: AbortSignal): Promise<ResolvedProvider> {
  if (plan.kind === 'provider') {
    return { id: plan.id, type: plan.type, model: plan.model, label: point.label, config: plan.config, limits: point.base.limits };
  }
  await createOllamaModel({ host: plan.host, model: plan.model, from: plan.from, adapter: plan.adapter, ...(signal ? { signal } : {}) });
  return {
    id: `ollama:${plan.model}`,
    type: 'ollama',
    model: plan.model,
    label: point.label,
    config: { host: plan.host },
    limits: point.base.limits,
  };
}

/** The model name a plan serves, as stored on the job. */
export function servedModel(plan: ServePlan): string {
  return plan.kind === 'ollama' ? plan.model : plan.id;
}
