/**
 * One cell: its target call (or, for a multi-turn or rewritten attack, its conversation), grading, and the
 * result the executor writes. Calls take the cache, the budget and the provider's caller; per-cell failures
 * are data (`status: error`), and a cell cancelled by a second Ctrl-C gives undefined (left for --resume).
 */
import { LlmlabError } from '../errors.js';
import type { Assertion, AssertionResult, AttackPlan, AttackRecord, CellResult, ChatMessage, GenerateRequest, GenerateResult, MediaRef, Provider } from '../types.js';
import { costOf, type ModelPrice } from '../providers/prices.js';
import { BUDGET_REFUSED } from './budget-gate.js';
import { RETRY_STOPPED, type Caller } from './caller.js';
import { cellRequest, countedMessages } from './cell-request.js';
import { worstCaseCost, type InputCounter } from './estimate.js';
import type { ExecuteOptions, ExecuteStats } from './execute-options.js';
import type { Verdict } from './grade.js';
import type { JudgeFactory } from './judge.js';
import type { PlannedCell } from './plan.js';
import type { TargetCall } from './target-call.js';

/**
 * What a provider's calls cost and, with a budget or a `tpm` limit, how to estimate their tokens: `count` and
 * `outputTokens` are set then (the budget reserves the worst case in USD, the token window in tokens).
 */
export interface Costing {
  price: ModelPrice | undefined;
  count?: InputCounter;
  outputTokens?: number;
  scopes?: string[];
}

/** The per-cell context a target call and grading need. */
interface CellRun {
  cell: PlannedCell;
  provider: Provider;
  costing: Costing;
  call: Caller;
  judges: JudgeFactory;
  options: ExecuteOptions;
  stats: ExecuteStats;
}

/**
 * One call to the cell's provider with `messages`: answered from the cache, else sent (budget reserved first,
 * retries through the caller) and cached. Undefined when a second Ctrl-C cancelled it.
 */
async function callTarget(
  run: CellRun,
  messages: ChatMessage[],
  prompt: string,
  key: string,
  tools: Pick<GenerateRequest, 'tools' | 'toolChoice'> = {},
): Promise<TargetCall | undefined> {
  const { cell, provider, costing, call, options, stats } = run;
  const hit = options.readCache ? options.cache.get(key) : undefined;
  if (hit) {
    stats.cacheHits++;
    return { kind: 'answer', result: hit, cached: true };
  }
  const budget = options.budget;
  const inputTokens = costing.count?.(countedMessages(messages, tools.tools)) ?? 0;
  const worst = worstCaseCost(costing.price, inputTokens, costing.outputTokens ?? 0);
  const reservation = budget && (await budget.reserve(worst, costing.scopes ?? []));
  if (budget && !reservation) return { kind: 'refused', worst };
  let spent = 0;
  let result: GenerateResult;
  try {
    const request = {
      messages,
      prompt,
      vars: cell.test.vars,
      repeatIndex: cell.repeatIndex,
      ...(cell.test.continuations ? { continuations: cell.test.continuations } : {}),
      ...tools,
    };
    const site = {
      cellId: cell.cellId,
      providerId: provider.id,
      // node-start means "a call is in flight", which is what a UI's in-flight count shows.
      onStart: () =>
        options.events.emit({ type: 'node-start', cellId: cell.cellId, providerId: provider.id, providerLabel: cell.provider.label }),
      tokens: inputTokens + (costing.outputTokens ?? 0),
    };
    result = await call(site, async (signal) => {
      const started = performance.now();
      const answer = await provider.generate(request, options.media ? { signal, media: options.media } : { signal });
      answer.latencyMs ??= Math.round(performance.now() - started);
      return answer;
    });
    stats.calls++;
    result.cost ??= costOf(costing.price, result.usage);
    spent = result.cost;
  } catch (error) {
    // Cancelled in flight (second Ctrl-C), or stopped while waiting to retry: no answer, left for --resume.
    if (options.abort.aborted || isInterruption(error)) return undefined;
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  } finally {
    if (reservation) budget?.settle(reservation, spent);
  }
  options.writer.cacheResponse(key, cell.provider.id, result);
  return { kind: 'answer', result, cached: false };
}

/** Grades one answer of the cell with its test's assertions (judges bound to the cell; `sent` for their media). */
function gradeAnswer(run: CellRun, output: string, prompt: string, result: GenerateResult, sent?: readonly ChatMessage[]): Promise<Verdict> {
  const { cell, judges, options } = run;
  // Most suites grade nothing by model: their cells skip the per-cell judge closure.
  const judged = options.graders?.size ? { cellId: cell.cellId, vars: cell.test.vars } : undefined;
  const promptMedia = judged && sent ? mediaOf(sent) : undefined;
  return options.grader.grade({
    output,
    test: cell.test,
    prompt,
    result,
    providerId: cell.provider.id,
    ...(cell.prompt.tools ? { tools: cell.prompt.tools } : {}),
    ...(promptMedia?.length ? { promptMedia } : {}),
    ...(judged ? { judges: (assertion: Assertion) => judges(assertion, judged) } : {}),
  });
}

/** The media of a request's messages (their image and audio parts), in order. */
function mediaOf(messages: readonly ChatMessage[]): MediaRef[] {
  return messages.flatMap((m) => m.parts?.flatMap((part) => (part.type === 'text' ? [] : [part.media])) ?? []);
}

/** What every result of `cell` says about it, whatever happened to its call. */
function cellBase(cell: PlannedCell, prompt: string) {
  return {
    cellId: cell.cellId,
    providerId: cell.provider.id,
    providerLabel: cell.provider.label,
    promptId: cell.prompt.id,
    testId: cell.test.id,
    testIndex: cell.test.index,
    repeatIndex: cell.repeatIndex,
    description: cell.test.description,
    ...(cell.test.cluster === undefined ? {} : { cluster: cell.test.cluster }),
    vars: cell.test.vars,
    prompt,
  };
}

/**
 * A tuned model's cell that cannot run because its training failed: recorded `skipped` with the reason, so the
 * report says why and a `--resume` (which tries the job again) runs it.
 */
export function skippedCell(cell: PlannedCell, error: string): CellResult {
  const { prompt } = cell.prompt.render(cell.test);
  return { ...cellBase(cell, prompt), output: '', status: 'skipped', score: 0, assertions: [], latencyMs: 0, cost: 0, cached: false, skipReason: 'finetune', error };
}

export async function runCell(
  cell: PlannedCell,
  provider: Provider,
  costing: Costing,
  call: Caller,
  judges: JudgeFactory,
  options: ExecuteOptions,
  stats: ExecuteStats,
): Promise<CellResult | undefined> {
  const run: CellRun = { cell, provider, costing, call, judges, options, stats };
  const { messages, prompt, key, ...tools } = cellRequest(cell, provider);
  const base = cellBase(cell, prompt);
  const budget = options.budget;
  const skipped = (extra: Partial<CellResult>, worst: number): CellResult => {
    budget?.skipped(worst);
    return { ...base, output: '', status: 'skipped', score: 0, assertions: [], latencyMs: 0, cost: 0, cached: false, skipReason: 'budget', ...extra };
  };
  // Once the budget stopped the run (or this provider), the cells left are recorded, not run: a resume does them.
  if (budget?.stopped(costing.scopes ?? [])) {
    return skipped({}, worstCaseCost(costing.price, costing.count?.(messages) ?? 0, costing.outputTokens ?? 0));
  }
  const attack = cell.test.attack;
  if (attack?.turns) {
    // Loaded with the first conversation: most runs have none.
    const { runConversation } = await import('./attack-cell.js');
    return runConversation(attack, {
      base,
      skipped,
      attacker: options.attacker === undefined ? undefined : (request) => attackerCall(run, options.attacker!, request),
      send: (sent) => {
        const { prompt: text, key: sentKey, messages: _sent, ...sentTools } = cellRequest(cell, provider, sent);
        return callTarget(run, sent, text, sentKey, sentTools);
      },
      grade: (output, sent, result) => gradeAnswer(run, output, sent, result),
      aborted: () => options.abort.aborted,
    });
  }

  const answer = await callTarget(run, messages, prompt, key, tools);
  if (!answer) return undefined;
  if (answer.kind === 'refused') return skipped({}, answer.worst);
  if (answer.kind === 'error') {
    return { ...base, output: '', status: 'error', score: 0, assertions: [], latencyMs: 0, cost: 0, cached: false, error: answer.message, ...attackRecord(attack, messages, undefined) };
  }
  const { result, cached } = answer;
  const verdict = await gradeAnswer(run, result.output, prompt, result, messages);
  // A judge call cancelled by a second Ctrl-C (or stopped waiting to retry) leaves no verdict: left for --resume.
  if (verdict.error && (options.abort.aborted || verdict.error.includes(RETRY_STOPPED))) return undefined;
  const gradingCost = gradingCostOf(verdict.assertions);
  const answered = {
    output: result.output,
    ...(result.toolCalls?.length ? { toolCalls: result.toolCalls } : {}),
    ...(result.media?.length ? { media: result.media } : {}),
    assertions: verdict.assertions,
    latencyMs: result.latencyMs ?? 0,
    usage: result.usage,
    cost: result.cost ?? 0,
    ...(gradingCost === undefined ? {} : { gradingCost }),
    cached,
    ...attackRecord(attack, messages, result.output),
  };
  // A judge call the budget refused leaves the cell ungraded: skipped, its answer cached by now, so a resume pays
  // only for the judging.
  if (verdict.assertions.some((a) => a.error?.includes(BUDGET_REFUSED))) return skipped(answered, 0);
  return {
    ...base,
    ...answered,
    status: verdict.error ? 'error' : verdict.pass ? 'pass' : 'fail',
    score: verdict.score,
    finishReason: result.finishReason,
    error: verdict.error,
  };
}

/** A single-turn attack cell's record: the conversation sent and the target's answer. */
function attackRecord(attack: AttackPlan | undefined, sent: ChatMessage[], output: string | undefined): { attack?: AttackRecord } {
  if (!attack) return {};
  const { messages: _sent, turns: _turns, rewrite: _rewrite, ...info } = attack;
  const transcript = output === undefined ? sent : [...sent, { role: 'assistant' as const, content: output }];
  return { attack: { ...info, transcript, turns: 1 } };
}

/** One call to the attacker model, through the judge path (cache, budget, limits); its cost is the cell's. */
async function attackerCall(run: CellRun, key: string, messages: ChatMessage[]): Promise<{ output: string; cost: number }> {
  const session = run.judges(
    { type: 'attacker', negate: false, weight: 0, metric: 'attacker', judge: { grader: key, repeat: 1, calls: 1 } },
    { cellId: run.cell.cellId, vars: run.cell.test.vars },
  );
  if (!session) throw new LlmlabError('INTERNAL', 'no attacker session');
  const result = await session.judge.generate({ messages });
  return { output: result.output, cost: session.cost() };
}

function isInterruption(error: unknown): boolean {
  return error instanceof LlmlabError && error.code === 'INTERRUPTED';
}

/** USD of the judge calls behind a cell's verdicts; undefined when nothing was model-graded. */
function gradingCostOf(assertions: readonly AssertionResult[]): number | undefined {
  let total: number | undefined;
  for (const a of assertions) if (a.cost !== undefined) total = (total ?? 0) + a.cost;
  return total;
}

