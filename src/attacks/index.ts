/**
 * Attack family registry: id → lazy module. File name = registry id = the `type` of an `attacks:` entry; a
 * user's family is `type: file:<path>` to a module exporting the same shape.
 */
import { LlmlabError } from '../errors.js';
import { loadModule } from '../load-module.js';
import type { AttackPlugin } from './types.js';

const registry = {
  'prompt-injection': () => import('./prompt-injection.js'),
  'system-prompt-extraction': () => import('./system-prompt-extraction.js'),
  'data-extraction': () => import('./data-extraction.js'),
  jailbreak: () => import('./jailbreak.js'),
} satisfies Record<string, () => Promise<{ default: AttackPlugin }>>;

/** Every built-in attack family. */
export type AttackType = keyof typeof registry;
export const attackTypes = Object.keys(registry) as AttackType[];

export function isAttackType(type: string): type is AttackType {
  return Object.hasOwn(registry, type);
}

export async function loadAttackPlugin(type: AttackType): Promise<AttackPlugin> {
  return (await registry[type]()).default;
}

/** Whether `strategy` is one `plugin` knows: listed, or under a listed `prefix:`. */
export function knowsStrategy(plugin: AttackPlugin, strategy: string): boolean {
  return plugin.strategies.some((s) => (s.endsWith(':') ? strategy.startsWith(s) && strategy.length > s.length : s === strategy));
}

/**
 * A user's attack family from `type: file:<path>` (absolute): a module whose default export is an AttackPlugin
 * (`defineAttack({ id, title, strategies, defaultStrategies, compile })`). CONFIG_INVALID when it is not one.
 */
export async function loadUserAttack(path: string): Promise<AttackPlugin> {
  const module = (await loadModule(path)) as { default?: Partial<AttackPlugin> };
  const plugin = module.default;
  if (
    !plugin ||
    typeof plugin.id !== 'string' ||
    typeof plugin.compile !== 'function' ||
    !Array.isArray(plugin.strategies) ||
    !Array.isArray(plugin.defaultStrategies)
  ) {
    throw new LlmlabError('CONFIG_INVALID', `${path} does not export an attack family`, {
      hint: 'export default defineAttack({ id, title, strategies, defaultStrategies, compile }) (import it from llmlab)',
    });
  }
  return plugin as AttackPlugin;
}
