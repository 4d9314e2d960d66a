/** Creates the live provider instances of a suite, one per `providers:` entry (keyed by label). */
import type { ResolvedSuite } from '../config/types.js';
import { LlmlabError } from '../errors.js';
import { isProviderType, loadProviderPlugin } from '../providers/index.js';
import type { Provider } from '../types.js';

export async function createProviders(
  suite: ResolvedSuite,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Map<string, Provider>> {
  const entries = await Promise.all(
    suite.providers.map(async (p) => {
      if (!isProviderType(p.type)) {
        throw new LlmlabError('UNKNOWN_PROVIDER', `unknown provider type \`${p.type}\` in \`${p.id}\``);
      }
      const plugin = await loadProviderPlugin(p.type);
      const provider = await plugin.create({
        id: p.id,
        type: p.type,
        model: p.model,
        label: p.label,
        config: p.config,
        baseDir: suite.baseDir,
        env,
      });
      return [p.label, provider] as const;
    }),
  );
  return new Map(entries);
}
