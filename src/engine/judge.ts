/**
 * Judges for model-graded metrics. A metric never talks to a provider: it gets a `Judge` whose calls take the
 * same path as generation calls — response cache (keyed by grader, request, structured schema and judge round),
 * rate limit, global concurrency slot, timeout, retries — and run after the generation they grade. Each
 * assertion on each output gets its own session, which adds up what its calls cost.
 */
import type { PriceTable, ResolvedProvider } from '../config/types.js';
import { LlmlabError, messageOf } from '../errors.js';
import type { ResponseCache, RunWriter } from '../store/index.js';
import { costOf, suitePrice, type ModelPrice } from '../providers/prices.js';
import type {
  Assertion,
  ChatMessage,
  EmbedResult,
  GenerateRequest,
  GenerateResult,
  Judge,
  JudgeRequest,
  Provider,
  TokenUsage,
} from '../types.js';
import { createCaller, type Answered, type Caller, type CallerOptions } from './caller.js';
import { embedKey, judgeKey } from './cache-key.js';
import { MESSAGE_ONLY_PROVIDERS } from './cell-request.js';
import { BUDGET_REFUSED, type BudgetGate } from './budget-gate.js';
import type { Reservation } from './budget.js';
import { loadInputCounter, outputBound, worstCaseCost, type InputCounter } from './estimate.js';
import type { Semaphore } from './limits.js';

/** A judge bound to one assertion on one output, and what its calls cost. */
export interface JudgeSession {
  judge: Judge;
  /** USD of the calls made so far (cached answers count with the cost they were recorded with). */
  cost(): number;
}

/** The cell a judge grades: its id (for retry events) and its test's vars (for providers that read them). */
export interface JudgedCell {
  cellId: string;
  vars: Record<string, unknown>;
}

/** Opens a session for a model-graded assertion; undefined for other assertions. */
export type JudgeFactory = (assertion: Assertion, cell: JudgedCell) => JudgeSession | undefined;

/** Judge calls made and answered from the cache. */
export interface JudgeStats {
  judgeCalls: number;
  judgeCacheHits: number;
}

export interface JudgeOptions extends CallerOptions {
  /** Live instances by grader key. */
  graders: Map<string, Provider>;
  /** The resolved specs by grader key (for their limits). */
  resolved: Readonly<Record<string, ResolvedProvider>>;
  global: Semaphore;
  cache: ResponseCache;
  readCache: boolean;
  writer: RunWriter;
  stats: JudgeStats;
  /** The suite's price table; without one, the profiles. */
  prices?: PriceTable;
  /** Judge and embedding calls reserve their worst case here, as generation calls do. */
  budget?: BudgetGate;
}

interface Grader {
  provider: Provider;
  call: Caller;
  price: ModelPrice | undefined;
  /** Output tokens a judge call may use at most (its `maxTokens`, else the assumption). */
  outputTokens: number;
  scopes: string[];
  /** The grader has a `tpm` limit: its calls need token estimates even without a budget. */
  tpm: boolean;
  counter?: Promise<InputCounter>;
}

export function createJudges(options: JudgeOptions): JudgeFactory {
  const graders = new Map<string, Grader>();
  for (const [key, provider] of options.graders) {
    const limits = options.resolved[key]?.limits ?? { timeoutMs: 60_000, maxRetries: 4 };
    const resolved = options.resolved[key];
    graders.set(key, {
      provider,
      call: createCaller(limits, options.global, options),
      price: suitePrice(options.prices, provider.type, provider.model),
      outputTokens: outputBound(resolved ?? { type: provider.type, config: {} }).tokens,
      scopes: options.budget?.scopesOf(resolved?.label ?? provider.id, provider.id) ?? [],
      tpm: limits.tpm !== undefined,
    });
  }
  const graderOf = (key: string | undefined, role: string, type: string): Grader => {
    const grader = key === undefined ? undefined : graders.get(key);
    if (!grader) throw new LlmlabError('METRIC_ERROR', `\`${type}\` has no ${role}`, { hint: `set \`${role}:\` in the suite` });
    return grader;
  };

  return (assertion, cell) => {
    const judge = assertion.judge;
    if (!judge) return undefined;
    let cost = 0;
    // A vision grader is shown the cell's media; the metric needs to know before it builds its messages.
    const media = judge.grader === undefined ? undefined : graders.get(judge.grader)?.provider.media;
    return {
      cost: () => cost,
      judge: {
        repeat: judge.repeat,
        ...(media ? { media } : {}),
        async generate(request) {
          const grader = graderOf(judge.grader, 'grader', assertion.type);
          const result = await generate(grader, request, cell, options);
          cost += result.cost ?? 0;
          return result;
        },
        async embed(texts) {
          const grader = graderOf(judge.embedder, 'embedder', assertion.type);
          const { embeddings, cost: spent } = await embed(grader, texts, cell, options);
          cost += spent;
          return embeddings;
        },
      },
    };
  };
}

async function generate(grader: Grader, asked: JudgeRequest, cell: JudgedCell, options: JudgeOptions): Promise<GenerateResult> {
  const { provider } = grader;
  const request: GenerateRequest = {
    messages: asked.messages,
    prompt: asked.messages.map((m) => m.content).join('\n\n'),
    vars: cell.vars,
    repeatIndex: asked.round ?? 0,
    ...(asked.structured ? { structured: asked.structured } : {}),
  };
  const key = judgeKey({
    providerType: provider.type,
    identity: provider.identity,
    messages: request.messages,
    prompt: request.prompt,
    vars: request.vars,
    repeatIndex: request.repeatIndex,
    varsMatter: !MESSAGE_ONLY_PROVIDERS.has(provider.type),
    structured: request.structured,
  });
  const hit = options.readCache ? options.cache.get(key) : undefined;
  if (hit) {
    options.stats.judgeCacheHits++;
    return hit;
  }
  const input = await inputTokens(grader, request.messages, options);
  const reservation = await reserve(grader, input, grader.outputTokens, options);
  let spent = 0;
  let result: GenerateResult;
  try {
    result = await send(grader, cell, options, 'grader', input + grader.outputTokens, async (signal) => {
      const started = performance.now();
      const answer = await provider.generate(request, { signal });
      answer.latencyMs ??= Math.round(performance.now() - started);
      return answer;
    });
    result.cost ??= costOf(grader.price, result.usage);
    spent = result.cost;
  } finally {
    if (reservation) options.budget?.settle(reservation, spent);
  }
  options.writer.cacheResponse(key, provider.id, result);
  return result;
}

async function embed(
  grader: Grader,
  texts: string[],
  cell: JudgedCell,
  options: JudgeOptions,
): Promise<{ embeddings: number[][]; cost: number }> {
  const { provider } = grader;
  const key = embedKey({ providerType: provider.type, identity: provider.identity, texts });
  const hit = options.readCache ? options.cache.get(key) : undefined;
  if (hit) {
    options.stats.judgeCacheHits++;
    return { embeddings: JSON.parse(hit.output) as number[][], cost: hit.cost ?? 0 };
  }
  const embedWith = provider.embed?.bind(provider);
  if (!embedWith) throw new LlmlabError('METRIC_ERROR', `embedder ${provider.id} has no embeddings API`);
  const input = await inputTokens(grader, texts.map((content) => ({ role: 'user' as const, content })), options);
  const reservation = await reserve(grader, input, 0, options);
  const started = performance.now();
  let result: EmbedResult;
  let cost = 0;
  try {
    result = await send(grader, cell, options, 'embedder', input, (signal) => embedWith(texts, { signal }));
    const usage: TokenUsage | undefined = result.usage;
    cost = result.cost ?? costOf(grader.price, usage && { input: usage.input, output: 0, total: usage.input });
  } finally {
    if (reservation) options.budget?.settle(reservation, cost);
  }
  if (result.embeddings.length !== texts.length || result.embeddings.some((v) => !Array.isArray(v) || v.length === 0)) {
    throw new LlmlabError('METRIC_ERROR', `embedder ${provider.id} returned ${result.embeddings.length} vectors for ${texts.length} texts`);
  }
  options.writer.cacheResponse(key, provider.id, {
    output: JSON.stringify(result.embeddings),
    usage: result.usage,
    cost,
    latencyMs: Math.round(performance.now() - started),
  });
  return { embeddings: result.embeddings, cost };
}

/** A judge call's input tokens, counted only when a budget reservation or the grader's `tpm` needs them. */
async function inputTokens(grader: Grader, messages: readonly ChatMessage[], options: JudgeOptions): Promise<number> {
  if (!options.budget && !grader.tpm) return 0;
  grader.counter ??= loadInputCounter(grader.provider.type, grader.provider.model).then((c) => c.count);
  return (await grader.counter)(messages);
}

/**
 * Reserves a judge call's worst case when the run has a budget; a refusal fails the assertion with
 * {@link BUDGET_REFUSED}, which the executor turns into a cell skipped for the budget.
 */
async function reserve(
  grader: Grader,
  inputTokens: number,
  outputTokens: number,
  options: JudgeOptions,
): Promise<Reservation | undefined> {
  const budget = options.budget;
  if (!budget) return undefined;
  const reservation = await budget.reserve(worstCaseCost(grader.price, inputTokens, outputTokens), grader.scopes);
  if (!reservation) throw new LlmlabError('METRIC_ERROR', `${grader.provider.id}: ${BUDGET_REFUSED}`);
  return reservation;
}

/**
 * One call through the grader's caller (`tokens`: its estimate, for a `tpm` limit); a failure after the retries
 * names the grader in the assertion's error.
 */
async function send<T extends Answered>(
  grader: Grader,
  cell: JudgedCell,
  options: JudgeOptions,
  role: 'grader' | 'embedder',
  tokens: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    const value = await grader.call({ cellId: cell.cellId, providerId: grader.provider.id, tokens }, call);
    options.stats.judgeCalls++;
    return value;
  } catch (error) {
    if (error instanceof LlmlabError && error.code === 'INTERRUPTED') throw error;
    throw new LlmlabError('METRIC_ERROR', `${role} ${grader.provider.id} failed: ${messageOf(error)}`, { cause: error });
  }
}
