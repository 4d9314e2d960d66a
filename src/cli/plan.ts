/** `llmlab plan`: the DAG's size, what is cached, and estimated tokens and cost — without calling anything. */
import { relative } from 'node:path';
import { loadSuite } from '../config/load-suite.js';
import { cellRequest } from '../engine/cell-request.js';
import { costOf, priceOf } from '../engine/cost.js';
import { createProviders } from '../engine/instances.js';
import { checkTemplates, createPlan } from '../engine/plan.js';
import { usd } from '../report/table.js';
import { createContext, positiveInt, suitePaths } from './context.js';

/** Rough chars per token for estimates; real counts come back with each answer. */
const CHARS_PER_TOKEN = 4;
/** Output length assumed when a provider sets no maxTokens. */
const ASSUMED_OUTPUT_TOKENS = 256;

export async function planCommand(args: string[], flags: { repeat?: string; db?: string }): Promise<number> {
  const ctx = await createContext(flags);
  const repeat = positiveInt(flags.repeat, '--repeat');
  for (const path of await suitePaths(args, ctx.project)) {
    const suite = await loadSuite(path, ctx.project);
    const plan = createPlan(suite, { repeat });
    checkTemplates(plan);
    const providers = await createProviders(suite, ctx.env);
    const store = ctx.store();
    const out: string[] = [
      `plan for ${relative(process.cwd(), suite.path)}${suite.description ? ` — ${suite.description}` : ''}`,
      `  cells: ${plan.totalCells} (${count(suite.providers.length, 'provider')} × ${count(plan.prompts.length, 'prompt')} × ${count(suite.tests.length, 'test')} × ${count(plan.repeat, 'repeat')})`,
      `  nodes: ${plan.nodeCounts.generate} generate, ${plan.nodeCounts.grade} grade` +
        (plan.nodeCounts.judge > 0 ? `, ${plan.nodeCounts.judge} judge (grader and embedder calls, after the generation they grade)` : ''),
    ];
    let cachedAll = 0;
    let costLow = 0;
    let costHigh = 0;
    for (const resolved of suite.providers) {
      const provider = providers.get(resolved.label)!;
      const price = priceOf(provider.type, provider.model);
      const maxTokens = typeof resolved.config.maxTokens === 'number' ? resolved.config.maxTokens : undefined;
      let cached = 0;
      let inputTokens = 0;
      let calls = 0;
      for (const cell of plan.cellsFor(resolved)) {
        const { prompt, key } = cellRequest(cell, provider);
        if (store.cache.get(key)) cached++;
        else {
          calls++;
          inputTokens += Math.ceil(prompt.length / CHARS_PER_TOKEN);
        }
      }
      const outputTokens = calls * (maxTokens ?? ASSUMED_OUTPUT_TOKENS);
      const low = costOf(price, { input: inputTokens, output: 0, total: inputTokens });
      const high = costOf(price, { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens });
      cachedAll += cached;
      costLow += low;
      costHigh += high;
      out.push(
        `  ${resolved.label}: ${calls} calls to make, ${cached} cached; ~${inputTokens} input tokens; ` +
          (price
            ? `${usd(low)}–${usd(high)} (output up to ${maxTokens ?? `${ASSUMED_OUTPUT_TOKENS} assumed`} tokens per call)`
            : 'no price profile: cost counted as $0'),
      );
    }
    out.push(`  cached: ${cachedAll} of ${plan.totalCells} cells`);
    out.push(`  estimated cost: ${usd(costLow)}–${usd(costHigh)}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  return 0;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
