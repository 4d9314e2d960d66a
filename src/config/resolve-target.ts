/**
 * A suite's `target:`: the app under attack. Its system prompt and context are read (text or `file:`), and its
 * provider is either one of the suite's `providers:` (named by id or label) or an entry of its own that runs the
 * attacks and nothing else.
 */
import { LlmlabError } from '../errors.js';
import type { AttackTarget } from '../attacks/types.js';
import type { ProjectConfig, ResolvedProvider, TargetFile } from './types.js';
import { readReferenced } from './context.js';
import type { ResolveContext } from './context.js';
import { resolveProviderEntry } from './resolve-providers.js';

/** The target's provider and app, or undefined (problems recorded). */
export interface ResolvedTarget {
  provider: ResolvedProvider;
  /** True when the provider is not one of `providers:`. */
  targetOnly: boolean;
  app: AttackTarget;
}

export async function resolveTarget(
  target: TargetFile,
  providers: readonly ResolvedProvider[],
  project: ProjectConfig,
  context: ResolveContext,
): Promise<ResolvedTarget | undefined> {
  const [system, app] = await Promise.all([
    readText(target.system, ['target', 'system'], context),
    target.context === undefined ? Promise.resolve(undefined) : readText(target.context, ['target', 'context'], context),
  ]);
  const prompt = target.prompt ?? '{{ input }}';
  if (!/\{\{\s*input\s*\}\}/.test(prompt)) {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', 'target.prompt has no `{{ input }}`', {
        where: context.source.locate(['target', 'prompt']),
        hint: 'the attacker\'s text goes where a user\'s would: write e.g. `Customer question: {{ input }}`',
      }),
    );
  }
  if (system !== undefined && system.trim() === '') {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `target.system is empty${target.system.startsWith('file:') ? ` (${target.system.slice(5).trim()})` : ''}`, {
        where: context.source.locate(['target', 'system']),
        hint: "the attacks are aimed at the app's system prompt (and canaries are planted beside it): write it there",
      }),
    );
  }
  const provider = await targetProvider(target, providers, project, context);
  if (system === undefined || system.trim() === '' || provider === undefined) return undefined;
  return {
    ...provider,
    app: { system, prompt, ...(app === undefined ? {} : { context: app }) },
  };
}

/** An entry of `providers:` with the same id or label, else a provider of the target's own. */
async function targetProvider(
  target: TargetFile,
  providers: readonly ResolvedProvider[],
  project: ProjectConfig,
  context: ResolveContext,
): Promise<{ provider: ResolvedProvider; targetOnly: boolean } | undefined> {
  const written = target.provider;
  const named = typeof written === 'string' ? written : (written.label ?? written.id);
  const existing =
    typeof written === 'string' || written.config === undefined
      ? providers.find((p) => p.label === named || (typeof written === 'string' && p.id === named))
      : undefined;
  if (existing) return { provider: existing, targetOnly: false };
  const provider = await resolveProviderEntry(written, ['target', 'provider'], project, context);
  if (!provider) return undefined;
  if (providers.some((p) => p.label === provider.label)) {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `target.provider has the label \`${provider.label}\` of another entry of providers`, {
        where: context.source.locate(['target', 'provider']),
        hint: 'name the entry by its label alone to attack it, or give the target a `label` of its own',
      }),
    );
    return undefined;
  }
  return { provider, targetOnly: true };
}

/** Inline text, or the contents of `file:<path>` relative to the suite. */
async function readText(value: string, path: string[], context: ResolveContext): Promise<string | undefined> {
  if (!value.startsWith('file:')) return value;
  return (await readReferenced(context, value.slice(5).trim(), path.join('.'), path))?.text;
}
