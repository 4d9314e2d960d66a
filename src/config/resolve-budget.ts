/**
 * A suite's `prices:` and `budget:` after schema validation: the effective price of every model the suite calls
 * (suite > llmlab.config.yaml > providers/*.yaml), and the budget (suite > llmlab.config.yaml) whose perProvider keys
 * name real providers.
 */
import { LlmlabError } from '../errors.js';
import { lookupPrice, priceKey, PRICED_TYPES } from '../providers/prices.js';
import type { ResolveContext } from './context.js';
import { suggestionHint } from './did-you-mean.js';
import type { Budget, PriceTable, ProjectBudget, ProjectConfig, ResolvedProvider, SuiteFile } from './types.js';

/**
 * The price table of the models the suite calls, and those of a per-token-billed type (openai, anthropic) that
 * have no price anywhere: their calls count as $0, which the run says once.
 */
export function resolvePrices(
  suite: Pick<SuiteFile, 'prices'>,
  project: Pick<ProjectConfig, 'prices'>,
  used: readonly ResolvedProvider[],
): { prices: PriceTable; unpriced: string[] } {
  const overrides: PriceTable = { ...project.prices, ...suite.prices };
  const prices: PriceTable = {};
  const unpriced: string[] = [];
  for (const { type, model, pricedAs } of used) {
    const key = priceKey(type, model);
    if (Object.hasOwn(prices, key) || unpriced.includes(key)) continue;
    const price = lookupPrice(type, model, overrides) ?? (pricedAs && lookupPrice(pricedAs.type, pricedAs.model, overrides));
    if (price) prices[key] = price;
    else if (PRICED_TYPES.has(type)) unpriced.push(key);
  }
  return { prices, unpriced };
}

/**
 * The suite's budget: the project's `budget` (llmlab.config.yaml) under the suite's own, key by key — the one
 * place the two meet — with `onExceed` defaulted to `stop`. A suite's `perProvider` replaces the project's as a
 * whole. A suite's perProvider key must be a provider's label or id, or a grader's id, else the limit would
 * silently never apply. The project's keys are defaults for many suites: each applies to the suites that have that
 * provider, and is left out of the others.
 */
export function resolveBudget(
  written: SuiteFile['budget'],
  providers: readonly ResolvedProvider[],
  graders: readonly ResolvedProvider[],
  context: Pick<ResolveContext, 'source' | 'problems'>,
  project?: ProjectBudget,
): Budget | undefined {
  if (!written && !project) return undefined;
  const defaults: ProjectBudget = { ...project };
  const names = new Set([...providers.flatMap((p) => [p.label, p.id]), ...graders.map((g) => g.id)]);
  if (written?.perProvider === undefined && defaults.perProvider !== undefined) {
    const applying = Object.entries(defaults.perProvider).filter(([key]) => names.has(key));
    defaults.perProvider = Object.fromEntries(applying);
    if (applying.length === 0) delete defaults.perProvider;
  }
  const merged = { ...defaults, ...written };
  for (const key of Object.keys(written?.perProvider ?? {})) {
    if (names.has(key)) continue;
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `budget.perProvider names \`${key}\`, which is not a provider of this suite`, {
        where: context.source.locate(['budget', 'perProvider', key], { key: true }),
        hint: suggestionHint(key, [...names], 'providers of this suite'),
      }),
    );
  }
  if (!written && Object.keys(merged).length === 0) return undefined;
  return { ...merged, onExceed: merged.onExceed ?? 'stop' };
}
