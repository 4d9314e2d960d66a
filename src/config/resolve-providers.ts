/**
 * `providers:` entries → ResolvedProvider: type and model split from the id, the engine's limit keys
 * (src/providers/limit-keys.ts) moved out of `config` into `limits`, and the rest of `config` validated by the
 * provider's own options schema.
 */
import { LIMIT_KEYS } from '../providers/limit-keys.js';
import { LlmlabError } from '../errors.js';
import { isProviderType, loadProviderPlugin, parseProviderId, providerTypes } from '../providers/index.js';
import type { ProjectConfig, ProviderFile, ProviderLimits, ResolvedProvider } from './types.js';
import { checkPluginOptions } from './check-value.js';
import type { ResolveContext } from './context.js';
import { formatPath } from './describe-schema.js';
import { suggestionHint } from './did-you-mean.js';
import type { PathSegment } from './yaml-source.js';

export async function resolveProviders(
  entries: ProviderFile[],
  project: ProjectConfig,
  context: ResolveContext,
): Promise<ResolvedProvider[]> {
  const resolved: ResolvedProvider[] = [];
  // Only labels must differ: the same model twice with different config (a temperature sweep) is a real use.
  const seenLabels = new Map<string, number>();
  for (const [i, entry] of entries.entries()) {
    const path: PathSegment[] = typeof entry === 'string' ? ['providers', i] : ['providers', i, 'id'];
    // A tuned model (`finetune:<id>`) is its recipe's: resolve-finetunes.ts puts it in place.
    if ((typeof entry === 'string' ? entry : entry.id).startsWith('finetune:')) continue;
    const provider = await resolveProviderEntry(entry, ['providers', i], project, context);
    if (!provider) continue;
    const labelPath = typeof entry !== 'string' && entry.label !== undefined ? ['providers', i, 'label'] : path;
    checkUnique(seenLabels, provider.label, i, labelPath, context);
    resolved.push(provider);
  }
  return resolved;
}

/**
 * Resolves one provider entry written at `path` (a `providers:` item, or a `grader:`/`embedder:` key); problems
 * are recorded in `context` at their position and give undefined.
 */
export async function resolveProviderEntry(
  entry: ProviderFile,
  path: PathSegment[],
  project: Pick<ProjectConfig, 'timeoutMs' | 'maxRetries'>,
  context: { source: Pick<ResolveContext['source'], 'locate'>; problems: ResolveContext['problems'] },
): Promise<ResolvedProvider | undefined> {
  const spec = typeof entry === 'string' ? { id: entry } : entry;
  const idPath: PathSegment[] = typeof entry === 'string' ? path : [...path, 'id'];
  const { type, model } = parseProviderId(spec.id);
  if (!isProviderType(type)) {
    const example = spec.id.includes(':') ? '' : '; a provider id is `<type>:<model>`, e.g. `openai:gpt-4o-mini`';
    context.problems.add(
      new LlmlabError('UNKNOWN_PROVIDER', `unknown provider type \`${type}\` in ${formatPath(idPath)}`, {
        where: context.source.locate(idPath),
        hint: `${suggestionHint(type, providerTypes, 'known provider types')}${example}`,
      }),
    );
    return undefined;
  }
  const { config, limits } = splitConfig(spec.config ?? {}, project);
  const plugin = await loadProviderPlugin(type);
  if (plugin.optionsSchema) {
    const problems = checkPluginOptions(`provider:${type}`, plugin.optionsSchema, config, {
      prefix: [...path, 'config'],
      suffix: ` (provider \`${spec.id}\`)`,
    });
    context.problems.addProblems(problems, 'CONFIG_INVALID', context.source.locate);
  }
  const parsed = plugin.parseModel ? plugin.parseModel(model, config) : { model };
  if ('error' in parsed) {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `${parsed.error} (${formatPath(idPath)})`, {
        where: context.source.locate(idPath),
        hint: parsed.hint,
      }),
    );
    return undefined;
  }
  const label = spec.label ?? spec.id;
  // The id stays as written (label, reports); the model sent, and so the cache identity, is the normalised one.
  const resolved: ResolvedProvider = { id: spec.id, type, model: parsed.model, label, config: { ...config, ...parsed.config }, limits };
  if (parsed.pricedAs) resolved.pricedAs = parsed.pricedAs;
  return resolved;
}

/** Limit keys were checked by the suite schema; defaults for the ones left out come from the project. */
function splitConfig(
  raw: Record<string, unknown>,
  project: Pick<ProjectConfig, 'timeoutMs' | 'maxRetries'>,
): { config: Record<string, unknown>; limits: ProviderLimits } {
  const config = { ...raw };
  const limits: ProviderLimits = { timeoutMs: project.timeoutMs, maxRetries: project.maxRetries };
  for (const key of LIMIT_KEYS) {
    const value = config[key];
    delete config[key];
    if (typeof value === 'number') limits[key] = value;
  }
  return { config, limits };
}

function checkUnique(
  seen: Map<string, number>,
  name: string,
  index: number,
  path: PathSegment[],
  context: ResolveContext,
): void {
  const first = seen.get(name);
  if (first === undefined) {
    seen.set(name, index);
    return;
  }
  const firstAt = context.source.locate(['providers', first]);
  context.problems.add(
    new LlmlabError('CONFIG_INVALID', `duplicate provider label \`${name}\` in providers[${index}] (also providers[${first}])`, {
      where: context.source.locate(path),
      hint: `labels name providers in reports, so they must differ: give one a \`label:\` (the other is on line ${firstAt.line})`,
    }),
  );
}
