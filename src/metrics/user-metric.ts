/**
 * User metrics registered by name in llmlab.config.yaml (`metrics: { my-metric: ./metrics/my-metric.ts }`).
 * Not a registry entry: src/metrics/index.ts lists the built-ins only, and the grader and the config loader
 * come here for a name the project registered. A module default-exports either a MetricPlugin (`defineMetric`)
 * or a plain function `(output, context) => boolean | number | { pass, score?, reason? }`, like the
 * `javascript` metric's `file:` form; the function's context also carries the assertion's `value`.
 */
import { LlmlabError } from '../errors.js';
import { loadModule } from '../load-module.js';
import { defineMetric } from '../types.js';
import type { MetricPlugin } from '../types.js';
import { verdict } from './javascript.js';
import type { JavascriptContext } from './javascript.js';
import { callWithTimeLimit, DEFAULT_TIME_LIMIT_MS } from './time-limit.js';

/** What a plain-function user metric receives as its second argument. */
export interface UserMetricContext extends JavascriptContext {
  /** The assertion's `value`, as written. */
  value: unknown;
}

type UserFunction = (output: string, context: UserMetricContext) => unknown;

/**
 * Loads the user metric `name` from `absPath` (cached by load-module per file version). The plugin's id is
 * the registered name, whatever the module calls itself.
 */
export async function loadUserMetric(name: string, absPath: string): Promise<MetricPlugin<unknown, unknown>> {
  const namespace = (await loadModule(absPath)) as Record<string, unknown>;
  const exported = namespace['default'];
  if (typeof exported === 'function') return fromFunction(name, exported as UserFunction);
  if (isPlugin(exported)) {
    const plugin = exported;
    // Only its synchronous part is bounded: a plugin may await judge calls (with retries) for longer than that.
    const score: typeof plugin.score = (input) =>
      callWithTimeLimit(() => plugin.score(input), DEFAULT_TIME_LIMIT_MS, `metric ${name}`, { bound: 'sync' }) as ReturnType<typeof plugin.score>;
    return { ...plugin, id: name, score };
  }
  throw new LlmlabError('CONFIG_INVALID', `user metric \`${name}\` (${absPath}) has no usable default export`, {
    hint:
      'export default defineMetric({ id, score }) (defineMetric from llmlab), or a function ' +
      '(output, context) => boolean | number | { pass, score?, reason? }',
  });
}

function fromFunction(name: string, fn: UserFunction): MetricPlugin<unknown, unknown> {
  return defineMetric<unknown, unknown>({
    id: name,
    score: ({ output, value, vars, test, prompt, providerId, result }) => {
      // The same time limit as the `javascript` metric's `file:` form, whose contract this form shares.
      const returned = callWithTimeLimit(() => fn(output, { vars, test, prompt, providerId, result, toolCalls: result.toolCalls ?? [], value }), DEFAULT_TIME_LIMIT_MS, `metric ${name}`);
      return isThenable(returned)
        ? Promise.resolve(returned).then((settled) => verdict(settled, name))
        : verdict(returned, name);
    },
  });
}

function isPlugin(value: unknown): value is MetricPlugin<unknown, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { score?: unknown }).score === 'function';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
