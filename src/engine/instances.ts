/**
 * Creates the live provider instances of a suite: one per `providers:` entry (keyed by label), and one per
 * distinct grader or embedder spec (keyed by the key its assertions name).
 */
import type { ResolvedProvider, ResolvedSuite } from '../config/types.js';
import { LlmlabError } from '../errors.js';
import { isProviderType, loadProviderPlugin } from '../providers/index.js';
import type { Provider } from '../types.js';

type Env = Readonly<Record<string, string | undefined>>;

export async function createProviders(suite: ResolvedSuite, env: Env): Promise<Map<string, Provider>> {
  // A tuned model has no instance until its training yields one (finetune-train.ts).
  const entries = await Promise.all(
    suite.providers.filter((p) => !p.finetune).map(async (p) => [p.label, await createInstance(p, suite, env)] as const),
  );
  return new Map(entries);
}

/**
 * The suite's graders and embedders, by key. An embedder whose provider has no embeddings API is a config
 * error here, before any model is called.
 */
export async function createGraders(suite: ResolvedSuite, env: Env): Promise<Map<string, Provider>> {
  const graders = suite.graders ?? {};
  const embedders = new Set<string>();
  for (const test of suite.tests) for (const a of test.assert) if (a.judge?.embedder) embedders.add(a.judge.embedder);
  const entries = await Promise.all(
    Object.entries(graders).map(async ([key, resolved]) => {
      const provider = await createInstance(resolved, suite, env);
      if (embedders.has(key) && !provider.embed) {
        throw new LlmlabError('CONFIG_INVALID', `embedder \`${resolved.id}\` has no embeddings API`, {
          hint: 'use an openai, ollama or mock provider as `embedder` (e.g. openai:text-embedding-3-small, ollama:nomic-embed-text)',
        });
      }
      return [key, provider] as const;
    }),
  );
  return new Map(entries);
}

/** The live instance of one resolved provider. */
export async function createInstance(p: ResolvedProvider, suite: ResolvedSuite, env: Env): Promise<Provider> {
  if (!isProviderType(p.type)) {
    throw new LlmlabError('UNKNOWN_PROVIDER', `unknown provider type \`${p.type}\` in \`${p.id}\``);
  }
  const plugin = await loadProviderPlugin(p.type);
  try {
    return await plugin.create({ id: p.id, type: p.type, model: p.model, label: p.label, config: p.config, baseDir: suite.baseDir, env });
  } catch (error) {
    // Providers start suite by suite, after earlier suites ran: a missing key must say which suite needs it.
    if (error instanceof LlmlabError && error.where === undefined) {
      throw new LlmlabError(error.code, error.message, { where: { file: suite.path }, hint: error.hint, cause: error.cause ?? error });
    }
    throw error;
  }
}
