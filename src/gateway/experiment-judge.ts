/**
 * The online judge of an experiment: a sampled fraction of its answers is scored 0..1 against the experiment's
 * rubric by its grader, and the score is stored as an outcome (source `judge`). It runs off the request path —
 * the caller starts it after the response went out and does not wait — and it is the eval's judge, not a second
 * one: the `llm-rubric` metric's prompt and structured answer, and the response cache under the same judge key the
 * engine uses (src/engine/judge.ts), so a repeated answer is never graded (or paid for) twice; with a `budget`, each
 * uncached call reserves its worst case first, as an eval judge's does.
 *
 * Which requests are judged is decided by a hash of the request id, not a random draw: the same request is always
 * in or out of the sample, and a test can say which.
 */
import { createHash } from 'node:crypto';
import { judgeKey } from '../engine/cache-key.js';
import { MESSAGE_ONLY_PROVIDERS } from '../engine/cell-request.js';
import { loadInputCounter, worstCaseCost, type InputCounter } from '../engine/estimate.js';
import { LlmlabError, messageOf } from '../errors.js';
import llmRubric from '../metrics/llm-rubric.js';
import { costOf, type ModelPrice } from '../providers/prices.js';
import type { ResponseCache } from '../store/index.js';
import type { ChatMessage, GenerateRequest, GenerateResult, Judge, Provider } from '../types.js';
import type { GatewayStore, SpendLimits, SpendReservation } from './types.js';

/** Thrown inside a judgement when the budget refuses a grader call; never leaves this module. */
const OVER_BUDGET = Symbol('over budget');

/** Whether `requestId` is in a `sample` fraction: sha256 of the id mapped to [0, 1), below `sample`. */
export function inJudgeSample(requestId: string, sample: number): boolean {
  const digest = createHash('sha256').update('llmlab-judge\0').update(requestId).digest('hex');
  return Number.parseInt(digest.slice(0, 13), 16) / 2 ** 52 < sample;
}

export interface OnlineJudgeOptions {
  /** The experiment the outcomes belong to (for messages). */
  experiment: string;
  rubric: string;
  /** Fraction of requests judged, 0..1. */
  sample: number;
  /** The live grader (the experiment's `metric.judge.grader`). */
  grader: Provider;
  /** Its price, for the cost of a call that reports none. */
  price?: ModelPrice;
  cache: ResponseCache;
  outcomes: Pick<GatewayStore['outcomes'], 'add'>;
  /** A grader call's time limit, ms; default 60,000. */
  timeoutMs?: number;
  /** Judge calls in flight at once; more wait. Default 4, so a burst of traffic does not become a burst of grading. */
  concurrency?: number;
  /** Judgements waiting beyond this are dropped (and counted): the judge must never hold memory without bound. Default 1,000. */
  maxQueued?: number;
  now?: () => number;
  /**
   * A spend limit on the judge's own calls, held like an eval judge's budget: each grader call that the cache does
   * not answer first reserves its worst case (counted input tokens, `outputTokens` of output) against `limits`;
   * a refused reservation skips the judgement (`over-budget`) rather than overspend.
   */
  budget?: { spend: GatewayStore['spend']; limits: SpendLimits; outputTokens: number };
}

/** One served answer to judge: the conversation the model answered and its answer. */
export interface JudgedAnswer {
  requestId: string;
  messages: ChatMessage[];
  output: string;
}

/** What a judgement did. */
export type JudgeOutcome =
  | { judged: true; score: number; costUsd: number; cached: boolean }
  | { judged: false; reason: 'not-sampled' | 'dropped' | 'over-budget' };

export interface OnlineJudge {
  /**
   * Judges the answer when its request is in the sample and stores the score as an outcome. Rejects (with a
   * METRIC_ERROR) when the grader fails or answers off-schema: the caller logs it; the request was served already.
   */
  judge(answer: JudgedAnswer): Promise<JudgeOutcome>;
  /** Judgements dropped because the queue was full. */
  dropped(): number;
}

export function createOnlineJudge(options: OnlineJudgeOptions): OnlineJudge {
  // The rubric is checked now (an empty one is a config error), not on the first sampled request.
  const prepared = Promise.resolve(llmRubric.prepare!(options.rubric, { baseDir: '' }));
  const limit = Math.max(1, options.concurrency ?? 4);
  const maxQueued = options.maxQueued ?? 1000;
  const now = options.now ?? Date.now;
  let active = 0;
  let dropped = 0;
  const counter = options.budget ? loadInputCounter(options.grader.type, options.grader.model).then((c) => c.count) : undefined;
  const waiting: (() => void)[] = [];

  const slot = async (): Promise<() => void> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    return () => {
      active--;
      waiting.shift()?.();
    };
  };

  return {
    async judge(answer) {
      if (!inJudgeSample(answer.requestId, options.sample)) return { judged: false, reason: 'not-sampled' };
      if (active >= limit && waiting.length >= maxQueued) {
        dropped++;
        return { judged: false, reason: 'dropped' };
      }
      const release = await slot();
      try {
        const calls = { cost: 0, cached: true };
        const prompt = answer.messages.map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`).join('\n\n');
        const verdict = await llmRubric.score({
          output: answer.output,
          value: await prepared,
          vars: {},
          test: { id: answer.requestId, index: 0, vars: {}, assert: [] },
          prompt,
          result: { output: answer.output },
          providerId: options.experiment,
          judge: cachedJudge(options, calls, counter),
        });
        const score = verdict.score ?? (verdict.pass ? 1 : 0);
        await options.outcomes.add({ requestId: answer.requestId, source: 'judge', score, at: now() });
        return { judged: true, score, costUsd: calls.cost, cached: calls.cached };
      } catch (error) {
        if (error === OVER_BUDGET) return { judged: false, reason: 'over-budget' };
        if (error instanceof LlmlabError) throw error;
        throw new LlmlabError('METRIC_ERROR', `the online judge of experiment \`${options.experiment}\` failed: ${messageOf(error)}`, { cause: error });
      } finally {
        release();
      }
    },
    dropped: () => dropped,
  };
}

/**
 * A {@link Judge} over the grader with the engine's response cache and key: a hit is answered from the cache; a
 * miss calls the grader and stores its answer. `calls` adds up the cost and whether every call was a hit.
 */
function cachedJudge(options: OnlineJudgeOptions, calls: { cost: number; cached: boolean }, counter?: Promise<InputCounter>): Judge {
  const grader = options.grader;
  return {
    repeat: 1,
    async generate(asked) {
      const request: GenerateRequest = {
        messages: asked.messages,
        prompt: asked.messages.map((m) => m.content).join('\n\n'),
        vars: {},
        repeatIndex: asked.round ?? 0,
        ...(asked.structured ? { structured: asked.structured } : {}),
      };
      const key = judgeKey({
        providerType: grader.type,
        identity: grader.identity,
        messages: request.messages,
        prompt: request.prompt,
        vars: request.vars,
        repeatIndex: request.repeatIndex,
        varsMatter: !MESSAGE_ONLY_PROVIDERS.has(grader.type),
        structured: request.structured,
      });
      const hit = options.cache.get(key);
      if (hit) return hit;
      calls.cached = false;
      const budget = options.budget;
      let reservation: SpendReservation | undefined;
      if (budget && counter) {
        const worst = worstCaseCost(options.price, (await counter)(request.messages), budget.outputTokens);
        const reserved = await budget.spend.reserve(budget.limits, worst, (options.now ?? Date.now)());
        if (!reserved.ok) throw OVER_BUDGET;
        reservation = reserved.reservation;
      }
      let spent = 0;
      try {
        const result: GenerateResult = await grader.generate(request, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
        result.cost ??= costOf(options.price, result.usage);
        spent = result.cost ?? 0;
        calls.cost += spent;
        options.cache.put(key, grader.id, result);
        return result;
      } finally {
        if (reservation) await budget!.spend.settle(reservation, spent);
      }
    },
    embed() {
      return Promise.reject(new LlmlabError('INTERNAL', 'the online judge makes no embedding calls'));
    },
  };
}
